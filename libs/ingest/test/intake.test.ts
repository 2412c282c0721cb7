import { createHash, randomUUID } from 'node:crypto';
import { legacyMetricEventExample, metricEventExample } from '@voicepulse/contracts';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import {
  createProducer,
  createRedis,
  QueueUnavailableError,
  type JobPayload,
  type Producer,
} from '@voicepulse/queues';
import { openQueueTestKit, type QueueTestKit } from '@voicepulse/queues/testing';
import { testRedisUrl } from '@voicepulse/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EventsRejectedError,
  legacySessionKey,
  MetricsIntake,
  SessionsRepository,
  SessionWritesRefusedError,
  type IntakeRequest,
  type SessionPrincipal,
} from '../src';

describe('MetricsIntake (real Postgres and Redis)', () => {
  let testDb: MigratedTestDatabase;
  let queues: QueueTestKit;
  let producer: Producer<'metrics'>;
  let keyReads: number;
  let intakeOn: (metrics: Producer<'metrics'>) => MetricsIntake;
  let intake: MetricsIntake;

  /** The jobs in the queue, oldest first, as the ingestor would take them. */
  const enqueued = async () =>
    (await producer.queue.getJobs(['waiting'], 0, -1, true)).map((j) => ({
      jobId: j.id,
      payload: j.data as JobPayload<'metrics'>,
    }));

  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('ingestin', { max: 4 });
    queues = openQueueTestKit('intake');
    producer = createProducer('metrics', queues.producerConn, queues.prefix);
    const pool = testDb.database.pool;
    const key = legacySessionKey(pool);
    intakeOn = (metrics) =>
      new MetricsIntake({
        sessions: new SessionsRepository(pool),
        metrics,
        retentionDays: 400,
        legacySessionKey: () => (keyReads++, key()),
      });
    intake = intakeOn(producer);
  });
  beforeEach(async () => {
    await producer.queue.drain();
    keyReads = 0;
  });
  afterAll(async () => {
    await producer?.close();
    await queues?.close();
    await testDb?.close();
  });

  const asUser = (id: string): Omit<IntakeRequest, 'body'> => ({
    kind: 'json',
    principal: { id, admin: false } satisfies SessionPrincipal,
    resolveUser: (requested) => (requested === undefined ? { userId: id } : { error: 'not yours' }),
  });
  const batch = (...events: object[]) => JSON.stringify({ events });
  // Fresh ids: the example's session would otherwise be claimed by whichever test posts it first.
  const event = (overrides: object = {}) => ({
    ...metricEventExample,
    eventId: randomUUID(),
    sessionId: randomUUID(),
    ...overrides,
  });

  it('enqueues the accepted events as one job named by their ids, reporting the rejected by index', async () => {
    const good = [event({ sessionId: randomUUID() }), event({ sessionId: undefined })];
    const body = batch(good[0]!, event({ talkedTimeMs: -1 }), good[1]!);
    const result = await intake.accept({ ...asUser('in-alice'), body, correlationId: 'req-1' });
    expect(result).toEqual({
      accepted: 2,
      rejected: [{ index: 1, errors: [expect.objectContaining({ path: 'talkedTimeMs' })] }],
    });
    const digestOf = (events: { eventId: string }[]) =>
      createHash('sha256')
        .update(events.map((e) => e.eventId).join(','))
        .digest('hex')
        .slice(0, 32);
    const digest = digestOf(good);
    expect(await enqueued()).toEqual([
      {
        jobId: `batch.${digest}`,
        payload: {
          correlationId: 'req-1',
          events: good.map((e) => expect.objectContaining({ eventId: e.eventId, userId: 'in-alice' })),
        },
      },
    ]);
    // A retry of the request is the same job, which the queue keeps once.
    await intake.accept({ ...asUser('in-alice'), body, correlationId: 'req-2' });
    // Without a caller's id the digest correlates the batch; modern ids never need the legacy key.
    const other = [event()];
    await intake.accept({ ...asUser('in-alice'), body: batch(...other) });
    expect((await enqueued()).map((j) => [j.jobId, j.payload.correlationId])).toEqual([
      [`batch.${digest}`, 'req-1'],
      [`batch.${digestOf(other)}`, digestOf(other)],
    ]);
    expect(keyReads).toBe(0);
  });

  it('reads the legacy key only for a batch with legacy session ids', async () => {
    const service = {
      ...asUser('in-bot'),
      resolveUser: (requested?: string) => ({ userId: requested ?? 'in-bot' }),
    };
    await intake.accept({ ...service, body: JSON.stringify(legacyMetricEventExample) });
    expect(keyReads).toBe(1);
    expect((await enqueued())[0]?.payload.events[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a batch where every event is rejected, enqueueing nothing', async () => {
    const session = randomUUID();
    const err = await intake
      .accept({
        ...asUser('in-carol'),
        kind: 'ndjson',
        body: `{oops\n${JSON.stringify(event({ sessionId: session, userId: 'x' }))}\n`,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EventsRejectedError);
    expect((err as EventsRejectedError).rejected).toEqual([
      { index: 0, errors: [{ path: '', message: expect.stringMatching(/^invalid JSON/) }] },
      { index: 1, errors: [{ path: 'userId', message: 'not yours' }] },
    ]);
    expect(await enqueued()).toEqual([]);
  });

  it('names the sessions the user was not admitted to and enqueues nothing', async () => {
    const theirs = randomUUID();
    const free = randomUUID();
    await intake.accept({ ...asUser('in-erin'), body: batch(event({ sessionId: theirs })) });
    await producer.queue.drain();
    const err = await intake
      .accept({
        ...asUser('in-frank'),
        body: batch(event({ sessionId: free }), event({ sessionId: theirs })),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionWritesRefusedError);
    expect((err as SessionWritesRefusedError).sessionIds).toEqual([theirs]);
    expect(await enqueued()).toEqual([]);
  });

  it('names a failed enqueue as the queue being unavailable, keeping the cause', async () => {
    // A producer whose connection to the real Redis has been lost (a producer fails fast, no offline queue).
    const down = createRedis(testRedisUrl(), 'producer');
    const unreachable = createProducer('metrics', down, queues.prefix);
    await unreachable.queue.waitUntilReady();
    down.disconnect();
    try {
      const err = await intakeOn(unreachable)
        .accept({ ...asUser('in-gina'), body: batch(event()) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueUnavailableError);
      expect((err as Error).cause).toBeInstanceOf(Error);
    } finally {
      await unreachable.close().catch(() => undefined);
      down.disconnect();
    }
  });
});
