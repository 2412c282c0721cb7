/**
 * The bundle that ships (scripts/build-app.mjs), run by plain node with an OTLP endpoint: its
 * launcher must install the instrumentations before the service's own imports load, or pg and
 * ioredis go untraced with no error anywhere. A local OTLP/HTTP receiver collects what it exports.
 */
import { runMigrations } from '@voicepulse/db';
import { createProducer, createRedis } from '@voicepulse/queues';
import {
  createTestDatabase,
  deleteRedisPrefix,
  freePort,
  testRedisUrl,
  uniquePrefix,
  waitFor,
  type TestDatabase,
} from '@voicepulse/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = 'test-dist-tracing';

interface ExportedSpan {
  scope: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

describe('tracing in the shipped bundle', () => {
  let tdb: TestDatabase;
  let prefix: string;
  let receiver: http.Server;
  let worker: ChildProcess | undefined;
  let output = '';
  const spans: ExportedSpan[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, ['../../scripts/build-app.mjs', 'ingestor', 'src/main.ts'], {
      cwd: appDir,
      env: { ...process.env, BUILD_APP_DIST: DIST },
    });
    tdb = await createTestDatabase({ prefix: 'trbundle', migrate: runMigrations });
    prefix = uniquePrefix('trbundle');
    // exporter-trace-otlp-http posts OTLP JSON.
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        for (const rs of JSON.parse(body).resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) spans.push({ scope: ss.scope.name, ...s });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    worker = spawn(process.execPath, [path.join(appDir, DIST, 'main.mjs')], {
      env: {
        ...process.env,
        DATABASE_URL: tdb.url,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        HOST: '127.0.0.1',
        HEALTH_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        INGEST_FLUSH_MS: '20',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    receiver?.close();
    await deleteRedisPrefix(prefix);
    await tdb?.drop();
    await rm(path.join(appDir, DIST), { recursive: true, force: true });
  });

  it("exports the job's pg and Redis spans inside BullMQ's processing span", async () => {
    const redis = createRedis(testRedisUrl(), 'producer');
    const producer = createProducer('metrics', redis, prefix);
    const event = {
      eventId: randomUUID(),
      userId: 'alice',
      sessionId: null,
      deviceId: 'pixel-7',
      talkedTimeMs: 1_000,
      microphoneUsed: true,
      speakerUsed: false,
      voiceSentiment: 0.2,
      voiceSentimentLabel: 'neutral' as const,
      recordedAt: new Date().toISOString(),
      timezone: null,
      platform: 'android' as const,
      appVersion: '2.0.0',
      source: 'api' as const,
      recordingId: null,
      participant: null,
      counterpart: false,
    };
    await producer.add({ events: [event], correlationId: 'c-bundle' }, { jobId: randomUUID() });
    await producer.close();
    redis.disconnect();

    const job = await waitFor(() => spans.find((s) => s.scope === 'bullmq' && s.name === 'process metrics'), {
      timeoutMs: 60_000,
      what: `the job's span (worker output: ${output.slice(-2_000)})`,
    });
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const inJob = (s: ExportedSpan): boolean => {
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return parent === job || (parent !== undefined && inJob(parent));
    };
    // Batched export: the job's children may arrive in the same or the next batch.
    await waitFor(() => spans.some((s) => s.scope === '@opentelemetry/instrumentation-pg' && inJob(s)), {
      what: 'a pg span in the job',
    });
    const scopes = new Set(spans.filter(inJob).map((s) => s.scope));
    expect(scopes).toContain('@opentelemetry/instrumentation-pg');
    expect(scopes).toContain('@opentelemetry/instrumentation-ioredis');
  });
});
