import { createHash, randomUUID } from 'node:crypto';
import { legacyMetricEventExample, metricEventExample } from '@voicepulse/contracts';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import type { JobPayload } from '@voicepulse/queues';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EventsRejectedError,
  IntakeQueueUnavailableError,
  legacySessionKey,
  MetricsIntake,
  SessionsRepository,
  SessionWritesRefusedError,
  type IntakeRequest,
  type SessionPrincipal,
} from '../src';

type Enqueued = { payload: JobPayload<'metrics'>; jobId: string };

describe('MetricsIntake (real Postgres)', () => {
  let testDb: MigratedTestDatabase;
  let enqueued: Enqueued[];
  let keyReads: number;
  let queueDown: boolean;
  let intake: MetricsIntake;

  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('ingestin', { max: 4 });
    const pool = testDb.database.pool;
    const key = legacySessionKey(pool);
    intake = new MetricsIntake({
      sessions: new SessionsRepository(pool),
      metrics: {
        addBulk: async (items) => {
          if (queueDown) throw new Error('connect ECONNREFUSED');
          enqueued.push(...items);
        },
      },
      retentionDays: 400,
      legacySessionKey: () => (keyReads++, key()),
    });
  });
  beforeEach(() => {
    enqueued = [];
    keyReads = 0;
    queueDown = false;
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const asUser = (id: string): Omit<IntakeRequest, 'body'> => ({
    kind: 'json',
    principal: { id, admin: false } satisfies SessionPrincipal,
    resolveUser: (requested) => (requested === undefined ? { userId: id } : { error: 'not yours' }),
  });
  const batch = (...events: object[]) => JSON.stringify({ events });
  const event = (overrides: object = {}) => ({ ...metricEventExample, eventId: randomUUID(), ...overrides });

  it('enqueues the accepted events as one job named by their ids, reporting the rejected by index', async () => {
    const good = [event({ sessionId: randomUUID() }), event({ sessionId: undefined })];
    const body = batch(good[0]!, event({ talkedTimeMs: -1 }), good[1]!);
    const result = await intake.accept({ ...asUser('in-alice'), body, correlationId: 'req-1' });
    expect(result).toEqual({
      accepted: 2,
      rejected: [{ index: 1, errors: [expect.objectContaining({ path: 'talkedTimeMs' })] }],
    });
    const digest = createHash('sha256')
      .update(good.map((e) => e.eventId).join(','))
      .digest('hex')
      .slice(0, 32);
    expect(enqueued).toEqual([
      {
        jobId: `batch.${digest}`,
        payload: {
          correlationId: 'req-1',
          events: good.map((e) => expect.objectContaining({ eventId: e.eventId, userId: 'in-alice' })),
        },
      },
    ]);
    // Without a caller's id the digest correlates the batch; modern ids never need the legacy key.
    await intake.accept({ ...asUser('in-alice'), body });
    expect(enqueued.map((j) => [j.jobId, j.payload.correlationId])).toEqual([
      [`batch.${digest}`, 'req-1'],
      [`batch.${digest}`, digest],
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
    expect(enqueued[0]?.payload.events[0]?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
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
    expect(enqueued).toEqual([]);
  });

  it('names the sessions the user was not admitted to and enqueues nothing', async () => {
    const theirs = randomUUID();
    const free = randomUUID();
    await intake.accept({ ...asUser('in-erin'), body: batch(event({ sessionId: theirs })) });
    enqueued = [];
    const err = await intake
      .accept({
        ...asUser('in-frank'),
        body: batch(event({ sessionId: free }), event({ sessionId: theirs })),
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionWritesRefusedError);
    expect((err as SessionWritesRefusedError).sessionIds).toEqual([theirs]);
    expect(enqueued).toEqual([]);
  });

  it('names a failed enqueue as the queue being unavailable, keeping the cause', async () => {
    queueDown = true;
    const err = await intake.accept({ ...asUser('in-gina'), body: batch(event()) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntakeQueueUnavailableError);
    expect((err as Error).cause).toEqual(new Error('connect ECONNREFUSED'));
  });
});
