import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sentimentLabelOf, type NormalizedMetricEvent } from '@voicepulse/contracts';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { createProducer, createRedis, jobIds, type Producer } from '@voicepulse/queues';
import { freePort, testRedisUrl, waitFor, workerUnderTest, type WorkerUnderTest } from '@voicepulse/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const JOBS = 120;
const PER_JOB = 500;
const OVERLAP = 50;

function makeEvent(i: number): NormalizedMetricEvent {
  const voiceSentiment = ((i % 21) - 10) / 10;
  return {
    eventId: randomUUID(),
    userId: `user-${i % 37}`,
    sessionId: null,
    deviceId: `dev-${i % 3}`,
    talkedTimeMs: (i * 131) % 300_000,
    microphoneUsed: i % 2 === 0,
    speakerUsed: i % 3 === 0,
    voiceSentiment,
    voiceSentimentLabel: sentimentLabelOf(voiceSentiment),
    recordedAt: new Date(Date.now() - (i % 240) * 3_600_000).toISOString(),
    timezone: null,
    platform: 'android',
    appVersion: '2.0.0',
    source: 'api',
    recordingId: null,
    participant: null,
    counterpart: false,
  };
}

describe('ingestor process killed with SIGKILL mid-batch', () => {
  let testDb: MigratedTestDatabase;
  let redis: Redis;
  let producer: Producer<'metrics'>;
  let ingestor: WorkerUnderTest;

  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('ingestor');
    ingestor = workerUnderTest('ingestor', ENTRY, testDb.tdb.url);
    redis = createRedis(testRedisUrl(), 'producer');
    producer = createProducer('metrics', redis, ingestor.prefix);
  });
  afterAll(async () => {
    await ingestor?.cleanup('SIGKILL');
    await producer?.close();
    redis?.disconnect();
    await testDb?.close();
  });

  async function startIngestor() {
    return ingestor.start({
      LOG_LEVEL: 'warn',
      HEALTH_PORT: String(await freePort()),
      INGEST_BATCH_SIZE: '2000',
      INGEST_FLUSH_MS: '50',
      WORKER_CONCURRENCY: '16',
      WORKER_LOCK_DURATION_MS: '2000',
    });
  }

  const stored = async () =>
    (await testDb.database.pool.query<{ n: number }>('select count(*)::int as n from metric_events')).rows[0]!.n;

  it('loses nothing and duplicates nothing after a restart', async () => {
    // Consecutive jobs share OVERLAP events, as client retries would.
    const all = Array.from({ length: JOBS * PER_JOB }, (_, i) => makeEvent(i));
    const jobs = Array.from({ length: JOBS }, (_, j) => {
      const start = Math.max(0, j * PER_JOB - OVERLAP);
      return all.slice(start, (j + 1) * PER_JOB);
    });
    const distinct = all.length;
    await producer.addBulk(
      jobs.map((events, j) => ({
        payload: { events, correlationId: `kill-${j}` },
        jobId: jobIds.metricsBatch(`kill${j}`),
      })),
    );

    const first = await startIngestor();
    await waitFor(async () => (await stored()) >= distinct / 10 || undefined, {
      what: `the first tenth of the events to be stored (ingestor output: ${first.output().slice(-2000)})`,
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await stored();
    expect(atKill).toBeLessThan(distinct);

    const second = await startIngestor();
    await waitFor(
      async () => {
        const counts = await producer.queue.getJobCounts(
          'completed',
          'failed',
          'waiting',
          'active',
          'delayed',
        );
        return counts.completed === JOBS ? counts : undefined;
      },
      {
        what: `all jobs completed (ingestor output: ${second.output().slice(-2000)})`,
        timeoutMs: 150_000,
        intervalMs: 250,
      },
    );

    const { rows } = await testDb.database.pool.query(
      `select count(*)::int as rows, count(distinct event_id)::int as ids,
              (select sum(events)::int from metric_daily_rollups) as rolled,
              (select count(*)::int from metric_event_failures) as failures
         from metric_events`,
    );
    expect(rows[0]).toEqual({ rows: distinct, ids: distinct, rolled: distinct, failures: 0 });
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
