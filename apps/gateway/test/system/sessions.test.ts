import { contentUuid } from '@voicepulse/queues';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type GatewayHarness, type Stack } from '../helpers';

/**
 * Session membership is granted by the server, never asserted by posting (issue 12, item 2).
 * Real Postgres and Redis; the metrics are checked at the gateway, before anything is enqueued.
 */
let stack: Stack;
let gw: GatewayHarness;
const tokens: Record<string, string> = {};
const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
const join = () => ({ type: 'join', occurredAt: new Date(Date.now() - 1_000).toISOString() });
const metric = (extra: Record<string, unknown>) => ({
  eventId: randomUUID(),
  talkedTimeMs: 1_000,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 0.2,
  recordedAt: new Date(Date.now() - 60_000).toISOString(),
  ...extra,
});
const legacyMetric = (sessionId: number, userId: string) => ({
  user_id: userId,
  session_id: sessionId,
  talked_time: 10,
  microphone_used: true,
  speaker_used: false,
  voice_sentiment: 'neutral',
  timestamp: Math.floor(Date.now() / 1000) - 60,
});

async function ownedSessions(owner: string): Promise<string[]> {
  const { rows } = await gw.deps.database.pool.query<{ id: string }>(
    'select id from sessions where owner_id = $1',
    [owner],
  );
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '0' });
  for (const who of ['alice', 'bob', 'mallory', 'carol']) tokens[who] = await gw.token(who);
  tokens.ingest = await gw.token('ingest-svc', 'ingest');
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

describe('sessions: membership granted by the server', () => {
  it('a non-member can neither post events or metrics to a session nor read it, until its owner admits them', async () => {
    const id = randomUUID();
    expect(
      (await request(gw.app).post(`/v1/sessions/${id}/events`).set(as('alice')).send(join())).status,
    ).toBe(200);

    // Posting no longer makes Bob a participant: refused, and he still cannot read it.
    const post = await request(gw.app).post(`/v1/sessions/${id}/events`).set(as('bob')).send(join());
    expect(post.status).toBe(404);
    const jobsBefore = await gw.deps.producers.metrics.queue.getJobCountByTypes(
      'waiting',
      'prioritized',
      'delayed',
    );
    const viaMetric = await request(gw.app)
      .post('/v1/metrics')
      .set(as('bob'))
      .send(metric({ sessionId: id }));
    expect(viaMetric.status).toBe(404);
    expect(
      await gw.deps.producers.metrics.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    ).toBe(jobsBefore);
    const upload = await request(gw.app)
      .post('/v1/uploads')
      .set(as('bob'))
      .send({ contentType: 'audio/wav', sizeBytes: 10, sessionId: id });
    expect(upload.status).toBe(404);
    expect((await request(gw.app).get(`/v1/sessions/${id}`).set(as('bob'))).status).toBe(404);

    // Only the owner admits; Mallory cannot admit herself or Bob.
    expect(
      (
        await request(gw.app)
          .post(`/v1/sessions/${id}/members`)
          .set(as('mallory'))
          .send({ userId: 'mallory' })
      ).status,
    ).toBe(404);
    expect(
      (await request(gw.app).post(`/v1/sessions/${id}/members`).set(as('alice')).send({ userId: 'bob' }))
        .status,
    ).toBe(204);

    expect((await request(gw.app).post(`/v1/sessions/${id}/events`).set(as('bob')).send(join())).status).toBe(
      200,
    );
    expect(
      (
        await request(gw.app)
          .post('/v1/metrics')
          .set(as('bob'))
          .send(metric({ sessionId: id }))
      ).status,
    ).toBe(202);
    const detail = await request(gw.app).get(`/v1/sessions/${id}`).set(as('bob'));
    expect(detail.status).toBe(200);
    expect(detail.body.participants.map((p: { userId: string }) => p.userId).sort()).toEqual([
      'alice',
      'bob',
    ]);
    expect((await request(gw.app).get(`/v1/sessions/${id}`).set(as('mallory'))).status).toBe(404);
  });

  it("scopes legacy integer session ids per tenant, keyed: one tenant's 42 is not another's, nor the old global uuid", async () => {
    const [aliceBefore, bobBefore] = [await ownedSessions('alice'), await ownedSessions('bob')];
    expect(
      (await request(gw.app).post('/v1/metrics').set(as('alice')).send(legacyMetric(42, 'alice'))).status,
    ).toBe(202);
    expect(
      (await request(gw.app).post('/v1/metrics').set(as('bob')).send(legacyMetric(42, 'bob'))).status,
    ).toBe(202);
    const aliceLegacy = (await ownedSessions('alice')).filter((s) => !aliceBefore.includes(s));
    const bobLegacy = (await ownedSessions('bob')).filter((s) => !bobBefore.includes(s));
    expect(aliceLegacy).toHaveLength(1);
    expect(bobLegacy).toHaveLength(1);
    expect(aliceLegacy[0]).not.toBe(bobLegacy[0]);
    expect(aliceLegacy[0]).not.toBe(contentUuid('voicepulse.legacy-session.v1', ['42']));
    // Bob's "42" landed in his own session: he cannot read Alice's.
    for (const s of aliceLegacy)
      expect((await request(gw.app).get(`/v1/sessions/${s}`).set(as('bob'))).status).toBe(404);
  });

  it('an ingest service owns the sessions it reports and admits the users it reports for, and no one else', async () => {
    const res = await request(gw.app).post('/v1/metrics').set(as('ingest')).send(legacyMetric(7, 'carol'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const [session] = await ownedSessions('ingest-svc');
    expect((await request(gw.app).get(`/v1/sessions/${session}`).set(as('carol'))).status).toBe(200);
    expect((await request(gw.app).get(`/v1/sessions/${session}`).set(as('mallory'))).status).toBe(404);
    // A user's own legacy 7 is another session, not the service's.
    expect(
      (await request(gw.app).post('/v1/metrics').set(as('mallory')).send(legacyMetric(7, 'mallory'))).status,
    ).toBe(202);
    expect((await request(gw.app).get(`/v1/sessions/${session}`).set(as('mallory'))).status).toBe(404);
  });
});
