import { encodeWavPcm16 } from '@voicepulse/audio';
import { startMinio } from '@voicepulse/storage/testing';
import { startNodeService, startRedisServer, waitFor, type RedisServer, type ServiceProcess } from '@voicepulse/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type GatewayHarness, type Stack } from '../helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const entry = (app: string) => path.join(root, 'apps', app, 'src/main.ts');

let stack: Stack;
let gw: GatewayHarness;
let sql: pg.Pool;
let token: string;
let redis: RedisServer;
const workers = new Map<string, ServiceProcess>();
const summary: { fault: string; injected: number; inFlight: number; lost: number; duplicated: number }[] = [];

function startWorker(name: 'transcoder' | 'scorer' | 'ingestor') {
  const proc = startNodeService(name, entry(name), { ...stack.env, HEALTH_PORT: '0', WORKER_LOCK_DURATION_MS: '4000', INGEST_FLUSH_MS: '50' });
  workers.set(name, proc);
  return proc;
}
const auth = () => ({ Authorization: `Bearer ${token}` });
const wav = (seconds: number) => {
  const sr = 48_000;
  const x = new Float32Array(seconds * sr);
  for (let i = 0; i < x.length; i++) x[i] = (i % sr < sr / 2 ? 0.3 : 0.001) * Math.sin((2 * Math.PI * 220 * i) / sr);
  return encodeWavPcm16(x, sr);
};
const diagnostics = () => [...workers.values()].map((w) => `--- ${w.name}\n${w.output().slice(-1500)}`).join('\n');

beforeAll(async () => {
  // A private Redis with AOF fsync on every write (as the chart runs it), so we may kill it.
  redis = await startRedisServer({ appendfsync: 'always' });
  stack = await startStack({ storage: 's3', extraEnv: { REDIS_URL: redis.url, RATE_LIMIT_PER_MINUTE: '0' } });
  gw = await startGateway(stack);
  token = await gw.token('fault-user');
  sql = new pg.Pool({ connectionString: stack.db.url, max: 2 });
  for (const w of ['transcoder', 'scorer', 'ingestor'] as const) startWorker(w);
});

afterAll(async () => {
  if (summary.length) {
    console.log('\n[faults] summary');
    console.table(summary);
  }
  await Promise.all([...workers.values()].map((w) => w.stop('SIGKILL')));
  await sql?.end();
  await gw?.close();
  await stack?.stop();
  await redis?.stop();
});

describe('fault injection with real processes', () => {
  it('Redis killed and restarted during metrics load: every acknowledged event lands in Postgres exactly once', async () => {
    const acked = new Set<string>();
    let refused = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const events = Array.from({ length: 20 }, () => ({
          eventId: randomUUID(),
          talkedTimeMs: 1000,
          microphoneUsed: true,
          speakerUsed: false,
          voiceSentiment: 0.3,
          recordedAt: new Date(Date.now() - 60_000).toISOString(),
        }));
        const res = await request(gw.app).post('/v1/metrics').set(auth()).send({ events });
        if (res.status === 202) events.forEach((e) => acked.add(e.eventId));
        else {
          refused++;
          expect(res.status, JSON.stringify(res.body)).toBe(503);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    await waitFor(() => acked.size > 500, { what: 'load under way' });
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1_500));
    await redis.start();
    await waitFor(() => acked.size > 2_000, { what: 'load resumed after restart', timeoutMs: 60_000 });
    stop = true;
    await load;

    const ids = [...acked];
    const present = await waitFor(
      async () => {
        const { rows } = await sql.query('select count(*)::int n from metric_events where event_id = any($1::uuid[])', [ids]);
        return rows[0].n === ids.length ? rows[0].n : undefined;
      },
      { what: 'acknowledged events in Postgres', timeoutMs: 90_000, intervalMs: 500 },
    ).catch(async (err) => Promise.reject(new Error(`${err.message}\n${diagnostics()}`)));
    const { rows: dup } = await sql.query('select count(*)::int n from (select event_id from metric_events group by event_id having count(*) > 1) d');
    summary.push({ fault: 'redis SIGKILL + restart (AOF always)', injected: 1, inFlight: ids.length, lost: ids.length - present, duplicated: dup[0].n });
    console.log(`[faults] redis: ${ids.length} events acknowledged, ${refused} batches refused with 503 during the outage`);
    expect(present).toBe(ids.length);
    expect(dup[0].n).toBe(0);
  });

  it('object storage down: uploads get 503 + Retry-After; after recovery everything completes', async () => {
    const before = await request(gw.app).post('/v1/recordings').set(auth()).attach('file', wav(2), 'a.wav');
    expect(before.status).toBe(202);
    const port = Number(new URL(stack.minio!.endpoint).port);
    await stack.minio!.stop();
    const during = await request(gw.app).post('/v1/recordings').set(auth()).attach('file', wav(1), 'b.wav');
    expect(during.status).toBe(503);
    expect(Number(during.headers['retry-after'])).toBeGreaterThan(0);
    expect(during.body.error.message).toMatch(/storage/);
    await new Promise((r) => setTimeout(r, 2_000));
    stack.minio = await startMinio({ dataDir: stack.minio!.dataDir, port });
    const after = await request(gw.app).post('/v1/recordings').set(auth()).attach('file', wav(1), 'c.wav');
    expect(after.status).toBe(202);
    for (const id of [before.body.id, after.body.id]) {
      const row = await waitFor(async () => {
        const r = await gw.deps.recordings.get(id, null);
        return r && ['scored', 'failed'].includes(r.status) ? r : undefined;
      }, { what: `recording ${id} done`, timeoutMs: 80_000, intervalMs: 250 }).catch(async (err) => Promise.reject(new Error(`${err.message}\n${diagnostics()}`)));
      expect(row.status).toBe('scored');
    }
    await waitFor(async () => (await sql.query('select count(*)::int n from metric_events where recording_id = any($1::uuid[])', [[before.body.id, after.body.id]])).rows[0].n === 2, { what: 'two metric rows' });
    summary.push({ fault: 'object storage stopped + restarted', injected: 1, inFlight: 2, lost: 0, duplicated: 0 });
  }, 240_000);

  it('SIGKILL of the transcoder mid-job: the stalled job is recovered, with exactly one result', async () => {
    const res = await request(gw.app).post('/v1/recordings').set(auth()).attach('file', wav(240), 'long.wav');
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFor(async () => (await gw.deps.recordings.get(id, null))?.status === 'transcoding', { what: 'transcoding', intervalMs: 20 });
    await workers.get('transcoder')!.stop('SIGKILL');
    startWorker('transcoder');
    const row = await waitFor(async () => {
      const r = await gw.deps.recordings.get(id, null);
      return r && ['scored', 'failed'].includes(r.status) ? r : undefined;
    }, { what: 'recovered recording', timeoutMs: 120_000, intervalMs: 250 });
    expect(row.status).toBe('scored');
    await waitFor(async () => (await sql.query('select count(*)::int n from metric_events where recording_id = $1', [id])).rows[0].n === 1, { what: 'metric row' });
    const analyses = (await sql.query('select count(*)::int n from recording_analyses where recording_id = $1', [id])).rows[0].n;
    summary.push({ fault: 'transcoder SIGKILL mid-job', injected: 1, inFlight: 1, lost: 1 - analyses, duplicated: Math.max(0, analyses - 1) });
    expect(analyses).toBe(1);
  });

  it('a poison job exhausts its attempts, lands in failed with its reason, and can be listed, replayed and purged', async () => {
    // Bypass the producer's validation, as a buggy or older producer would.
    await gw.deps.producers.metrics.queue.add('metrics', { events: 'not-a-list', correlationId: 'poison-1' }, { jobId: 'poison-1', attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const admin = await gw.token('ops', 'admin');
    const listFailed = async () => (await request(gw.app).get('/v1/admin/jobs/failed?queue=metrics').set('Authorization', `Bearer ${admin}`)).body.jobs as { id: string; reason: string; attemptsMade: number }[];
    const failed = await waitFor(async () => (await listFailed()).find((j) => j.id === 'poison-1'), { what: 'poison job failed' });
    expect(failed.reason).toMatch(/invalid_payload/);
    expect(failed.attemptsMade).toBe(1);

    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/jobs.ts'), 'failed', 'metrics'], {
      env: { ...process.env, REDIS_URL: stack.env.REDIS_URL, QUEUE_PREFIX: stack.prefix },
    });
    expect(cli.stdout).toContain('poison-1');
    expect(cli.stdout).toMatch(/reason: invalid_payload/);

    const retried = await request(gw.app).post('/v1/admin/jobs/metrics/retry').set('Authorization', `Bearer ${admin}`).send({ jobId: 'poison-1' });
    expect(retried.body).toEqual({ queue: 'metrics', retried: 1 });
    await waitFor(async () => (await listFailed()).some((j) => j.id === 'poison-1'), { what: 'failed again after replay' });
    const purged = await request(gw.app).post('/v1/admin/jobs/metrics/purge').set('Authorization', `Bearer ${admin}`).send({});
    expect(purged.body.purged).toBeGreaterThanOrEqual(1);
    expect((await listFailed()).some((j) => j.id === 'poison-1')).toBe(false);
    summary.push({ fault: 'poison job (invalid payload)', injected: 1, inFlight: 1, lost: 0, duplicated: 0 });
  });
});
