import { ensureDatabase, runMigrations } from '@voicepulse/db';
import { startNodeService, startPostgresServer, waitFor, type PostgresServer, type ServiceProcess } from '@voicepulse/testing';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type GatewayHarness, type Stack } from '../helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

let postgres: PostgresServer;
let dbUrl: string;
let stack: Stack;
let gw: GatewayHarness;
let ingestor: ServiceProcess;
let sql: pg.Pool;

beforeAll(async () => {
  // Its own Postgres server, because this test crashes it; the shared one serves other suites.
  postgres = await startPostgresServer();
  dbUrl = postgres.url.replace(/\/postgres$/, '/voicepulse');
  await ensureDatabase(dbUrl);
  await runMigrations(dbUrl);
  stack = await startStack({ storage: 'fs', extraEnv: { DATABASE_URL: dbUrl, RATE_LIMIT_PER_MINUTE: '0' } });
  gw = await startGateway(stack);
  ingestor = startNodeService('ingestor', path.join(root, 'apps/ingestor/src/main.ts'), {
    ...stack.env,
    HEALTH_PORT: '0',
    INGEST_FLUSH_MS: '50',
    WORKER_LOCK_DURATION_MS: '4000',
  });
  sql = new pg.Pool({ connectionString: dbUrl, max: 2 });
  sql.on('error', () => undefined);
});

afterAll(async () => {
  await ingestor?.stop();
  await sql?.end();
  await gw?.close();
  await stack?.stop();
  await postgres?.stop();
});

describe('fault injection: Postgres crashes during ingestion', () => {
  it('retries until Postgres is back; every acknowledged event is stored exactly once', { timeout: 240_000 }, async () => {
    const token = await gw.token('pg-fault');
    const acked: string[] = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const events = Array.from({ length: 100 }, () => ({
          eventId: randomUUID(),
          talkedTimeMs: 500,
          microphoneUsed: true,
          speakerUsed: true,
          voiceSentiment: 'neutral',
          recordedAt: new Date(Date.now() - 30_000).toISOString(),
        }));
        const res = await request(gw.app).post('/v1/metrics').auth(token, { type: 'bearer' }).send({ events });
        // Intake needs only Redis, so the gateway keeps acknowledging while Postgres is down.
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        acked.push(...events.map((e) => e.eventId));
      }
    })();
    await waitFor(async () => {
      const { rows } = await sql.query('select count(*)::int n from metric_events');
      return rows[0].n > 500;
    }, { what: 'ingestion under way' });
    await postgres.restart({ mode: 'immediate', downMs: 2_000 });
    await waitFor(() => acked.length > 6_000, { what: 'more load after the restart' });
    stop = true;
    await load;

    const stored = await waitFor(
      async () => {
        const { rows } = await sql.query('select count(*)::int n, count(distinct event_id)::int d from metric_events');
        return rows[0].n >= acked.length ? rows[0] : undefined;
      },
      { what: 'every acknowledged event stored', timeoutMs: 120_000, intervalMs: 500 },
    ).catch((err) => Promise.reject(new Error(`${err.message}\n${ingestor.output().slice(-3000)}`)));
    const { rows: rollup } = await sql.query('select coalesce(sum(events), 0)::int n from metric_daily_rollups');
    console.log(`[faults] postgres crash: ${acked.length} events acknowledged, ${stored.n} stored, ${stored.n - stored.d} duplicated`);
    expect(stored.n).toBe(acked.length);
    expect(stored.d).toBe(acked.length);
    expect(rollup[0].n).toBe(acked.length);
    expect(ingestor.output()).toMatch(/job failed, will retry/);
  });
});
