/**
 * One trace from an HTTP request on the gateway through the queue into the worker's Postgres and
 * Redis calls: the auto-instrumentations (http, express, pg, ioredis) and BullMQ's telemetry
 * together, against real Postgres and Redis, with the ingestor's real consumer in this process so
 * an in-memory exporter sees every span.
 */
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { initTracing } from '@voicepulse/tracing';
import { installInstrumentations } from '@voicepulse/tracing/instrumentations';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Before anything imports express, pg or ioredis: the hooks patch only modules loaded after them,
// which is why the modules below are imported dynamically (a service gets the same order from its
// bundle's launcher, scripts/build-app.mjs).
await installInstrumentations();
// Vitest imports packages by their resolved file (ioredis/built/index.js), which
// import-in-the-middle matches to 'ioredis' only when imported by that name, as Node's own loader
// (the services') does. A require goes through the require hook instead, which patches the class
// in place for the import below too.
createRequire(import.meta.url)('ioredis');
const exporter = new InMemorySpanExporter();
const tracing = initTracing('voicepulse-test', {}, { exporter });

const { default: request } = await import('supertest');
const { parseConfig } = await import('@voicepulse/config');
const { createDatabase } = await import('@voicepulse/db');
const { createLogger } = await import('@voicepulse/logger');
const { createRedis } = await import('@voicepulse/queues');
const { createMetrics } = await import('@voicepulse/runtime');
const { declaredProducers } = await import('@voicepulse/services');
const { waitFor } = await import('@voicepulse/testing');
const { createConsumers } = await import('@voicepulse/worker');
const { createIngestor } = await import('../../ingestor/src/ingestor');
const { ingestorService } = await import('../../ingestor/src/manifest');
const { startGateway, startStack, validEvent } = await import('./helpers');

type Harness = Awaited<ReturnType<typeof startGateway>>;
type Parts = ReturnType<typeof createIngestor>;

describe('one trace across gateway, queue and worker', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let gw: Harness;
  let parts: Parts;
  let closeWorker: () => Promise<void>;

  beforeAll(async () => {
    stack = await startStack({ storage: 'fs' });
    gw = await startGateway(stack);
    const config = parseConfig('ingestor', ingestorService.config, { ...stack.env, INGEST_FLUSH_MS: '50' });
    const database = createDatabase(config.DATABASE_URL, { max: 2 });
    const workerRedis = createRedis(config.REDIS_URL, 'worker');
    const redis = createRedis(config.REDIS_URL, 'worker');
    const logger = createLogger({ service: 'ingestor-test', level: stack.env.LOG_LEVEL });
    const metrics = createMetrics('ingestor');
    // The worker shell's own wiring (runWorkerService), minus its process-level parts.
    const producers = declaredProducers(ingestorService, redis, config.QUEUE_PREFIX);
    parts = createIngestor({ config, logger, database, redis, metrics, producer: producers.producer });
    const consumers = createConsumers(ingestorService, parts.handlers, {
      connection: workerRedis,
      prefix: config.QUEUE_PREFIX,
      logger,
      metrics,
    });
    await parts.start?.();
    for (const w of consumers) void w.run();
    closeWorker = async () => {
      await Promise.all(consumers.map((w) => w.close()));
      await parts.close?.();
      await producers.close();
      workerRedis.disconnect();
      redis.disconnect();
      await database.close();
    };
  });
  afterAll(async () => {
    await closeWorker?.();
    await gw?.close();
    await stack?.stop();
    await tracing.shutdown();
  });

  it('covers the request, the enqueue, the job and the pg and redis calls made while processing it', async () => {
    const token = await gw.token('alice');
    const event = validEvent({ sessionId: undefined });
    const res = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${token}`)
      .send({ events: [event] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    const isJob = (s: ReadableSpan) => s.kind === SpanKind.CONSUMER && s.name === 'process metrics';
    const job = await waitFor(() => exporter.getFinishedSpans().find(isJob), { timeoutMs: 30_000 });
    const spans = exporter.getFinishedSpans();
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    /** The span's ancestors, nearest first, as far as they were exported. */
    const ancestors = (s: ReadableSpan): ReadableSpan[] => {
      const parent = s.parentSpanContext && byId.get(s.parentSpanContext.spanId);
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    const scope = (name: string) => (s: ReadableSpan) => s.instrumentationScope.name === name;
    const server = spans.find(
      (s) => scope('@opentelemetry/instrumentation-http')(s) && s.kind === SpanKind.SERVER,
    );
    expect(server?.name).toBe('POST /v1/metrics');
    expect(server?.attributes['http.response.header.x-request-id']).toEqual([res.headers['x-request-id']]);
    const traceId = server!.spanContext().traceId;

    const enqueue = spans.find((s) => s.kind === SpanKind.PRODUCER && s.name === 'addBulk metrics');
    expect(ancestors(enqueue!)).toContain(server);
    expect(job.spanContext().traceId).toBe(traceId);
    // BullMQ's context, carried in the job's options through Redis, makes the job the enqueue's child.
    expect(job.parentSpanContext?.spanId).toBe(enqueue!.spanContext().spanId);

    const inJob = (s: ReadableSpan) => ancestors(s).includes(job);
    const pgInJob = spans.filter((s) => scope('@opentelemetry/instrumentation-pg')(s) && inJob(s));
    const redisInJob = spans.filter((s) => scope('@opentelemetry/instrumentation-ioredis')(s) && inJob(s));
    expect(pgInJob.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query/)]));
    expect(redisInJob.length).toBeGreaterThan(0);
    for (const s of [...pgInJob, ...redisInJob]) expect(s.spanContext().traceId).toBe(traceId);
  });
});
