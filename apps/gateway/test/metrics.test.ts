import { randomUUID } from 'node:crypto';
import type { MetricsJob } from '@voicepulse/queues';
import { admitSessionWrites, MetricsWriter } from '@voicepulse/ingest';
import { legacyMetricEventExample, sentimentLabelOf } from '@voicepulse/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, validEvent, type GatewayHarness, type Stack } from './helpers';


describe('metrics and sessions API', () => {
  let stack: Stack;
  let gw: GatewayHarness;
  let alice: string;

  beforeAll(async () => {
    stack = await startStack({ storage: 'fs' });
    gw = await startGateway(stack);
    alice = await gw.token('alice');
  });
  afterAll(async () => {
    await gw?.close();
    await stack?.stop();
  });

  async function enqueuedEvents(): Promise<MetricsJob['events']> {
    const jobs = await gw.deps.producers.metrics.queue.getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.flatMap((j) => (j.data as MetricsJob).events);
  }

  it('accepts a mixed batch with an exact per-index rejection report, enqueueing only the valid events', async () => {
    const good = [validEvent(), validEvent({ voiceSentiment: 'negative' })];
    const res = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .send({
        events: [
          good[0],
          validEvent({ talkedTimeMs: 86_400_001 }),
          good[1],
          validEvent({ extra: 1 }),
          validEvent({ userId: 'bob' }),
          validEvent({ recordedAt: new Date(Date.now() + 3_600_000).toISOString() }),
        ],
      });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      { index: 1, errors: [{ path: 'talkedTimeMs', message: expect.any(String) }] },
      { index: 3, errors: [{ path: 'extra', message: 'unknown field' }] },
      { index: 4, errors: [{ path: 'userId', message: expect.stringMatching(/own user/) }] },
      { index: 5, errors: [{ path: 'recordedAt', message: expect.stringMatching(/future/) }] },
    ]);
    const queued = await enqueuedEvents();
    for (const g of good) {
      expect(queued).toContainEqual(
        expect.objectContaining({ eventId: g.eventId, userId: 'alice', source: 'api' }),
      );
    }
  });

  it('answers 400 with the same detail when every event is invalid', async () => {
    const res = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .send({ events: [validEvent({ microphoneUsed: 'yes' })] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_events',
      details: {
        accepted: 0,
        rejected: [{ index: 0, errors: [{ path: 'microphoneUsed', message: expect.any(String) }] }],
      },
    });
  });

  it('accepts the legacy snake_case shape and gives a retry the same event id', async () => {
    const service = await gw.token('ingest-bot', 'ingest');
    const legacy = { ...legacyMetricEventExample, timestamp: Math.floor(Date.now() / 1000) - 30 };
    const first = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${service}`)
      .send(legacy);
    const retry = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${service}`)
      .send(legacy);
    expect([first.status, retry.status]).toEqual([202, 202]);
    const ids = (await enqueuedEvents()).filter((e) => e.userId === '1').map((e) => e.eventId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(1);
  });

  it('parses NDJSON line by line, a malformed line rejecting only itself', async () => {
    const a = validEvent();
    const b = validEvent();
    const res = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .set('content-type', 'application/x-ndjson')
      .send(`${JSON.stringify(a)}\n{not json\n${JSON.stringify(b)}\n`);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 2,
      rejected: [{ index: 1, errors: [{ path: '', message: expect.stringMatching(/^invalid JSON/) }] }],
    });
  });

  it('refuses oversized requests and other media types', async () => {
    const tooMany = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .send({ events: Array.from({ length: 5001 }, () => ({})) });
    expect(tooMany.status).toBe(413);
    const tooBig = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .set('content-type', 'application/json')
      .send(`{"events":[${'"x",'.repeat(1_400_000)}"x"]}`);
    expect(tooBig.status).toBe(413);
    const text = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', `Bearer ${alice}`)
      .set('content-type', 'text/plain')
      .send('hi');
    expect(text.status).toBe(415);
  });

  it('serves summary, event pages, CSV export and session detail to the owner only', async () => {
    const sessionId = randomUUID();
    const day = new Date(Date.now() - 2 * 86_400_000);
    day.setUTCHours(12, 0, 0, 0);
    const writer = new MetricsWriter(gw.deps.database.pool, { retentionDays: 400 });
    // What POST /v1/metrics does before it enqueues these: carol's write creates the session she owns.
    await admitSessionWrites(gw.deps.database.pool, { id: 'carol', admin: false }, [
      { sessionId, userId: 'carol', at: day.toISOString() },
    ]);
    await writer.write(
      Array.from({ length: 5 }, (_, i) => ({
        eventId: randomUUID(),
        userId: 'carol',
        sessionId,
        deviceId: 'mac',
        talkedTimeMs: 1000 * (i + 1),
        microphoneUsed: true,
        speakerUsed: i % 2 === 0,
        voiceSentiment: 0.2,
        voiceSentimentLabel: sentimentLabelOf(0.2),
        recordedAt: new Date(day.getTime() + i * 60_000).toISOString(),
        timezone: 'UTC',
        platform: 'macos',
        appVersion: '3.1.0',
        source: 'api' as const,
        recordingId: null,
        participant: null,
        counterpart: false,
      })),
    );
    const carol = await gw.token('carol');
    const from = new Date(day.getTime() - 86_400_000).toISOString();
    const to = new Date().toISOString();

    const summary = await request(gw.app)
      .get('/v1/metrics/summary')
      .query({ from, to, granularity: 'day' })
      .set('authorization', `Bearer ${carol}`);
    expect(summary.status).toBe(200);
    expect(summary.body.totals).toMatchObject({
      events: 5,
      sessions: 1,
      talkedTimeMs: 15_000,
      microphoneUsedRatio: 1,
      speakerUsedRatio: 0.6,
    });
    const forbidden = await request(gw.app)
      .get('/v1/metrics/summary')
      .query({ from, to, userId: 'carol' })
      .set('authorization', `Bearer ${alice}`);
    expect(forbidden.status).toBe(403);

    const page = await request(gw.app)
      .get('/v1/metrics/events')
      .query({ from, to, limit: 3 })
      .set('authorization', `Bearer ${carol}`);
    expect(page.body.items).toHaveLength(3);
    const next = await request(gw.app)
      .get('/v1/metrics/events')
      .query({ from, to, limit: 3, cursor: page.body.nextCursor })
      .set('authorization', `Bearer ${carol}`);
    expect(next.body).toMatchObject({ nextCursor: null });
    expect(next.body.items).toHaveLength(2);
    // One codec for every list: a cursor that is not one the API wrote is a typed 400.
    for (const cursor of ['garbage', `${page.body.nextCursor}x`.slice(1)]) {
      const bad = await request(gw.app)
        .get('/v1/metrics/events')
        .query({ from, to, cursor })
        .set('authorization', `Bearer ${carol}`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_cursor');
    }

    const csv = await request(gw.app)
      .get('/v1/metrics/export.csv')
      .query({ from, to })
      .set('authorization', `Bearer ${carol}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(6);

    // The dashboard's sessions table: served from the rollups, agreeing with the summary's totals.
    const sessions = await request(gw.app)
      .get('/v1/metrics/sessions')
      .query({ from, to })
      .set('authorization', `Bearer ${carol}`);
    expect(sessions.status).toBe(200);
    expect(sessions.body).toEqual({
      items: [
        {
          sessionId,
          lastActivityAt: new Date(day.getTime() + 4 * 60_000).toISOString().replace('Z', '000Z'),
          events: 5,
          talkedTimeMs: 15_000,
          sentimentMean: expect.closeTo(0.2, 9),
        },
      ],
      nextCursor: null,
    });
    const notHers = await request(gw.app)
      .get('/v1/metrics/sessions')
      .query({ from, to, userId: 'carol' })
      .set('authorization', `Bearer ${alice}`);
    expect(notHers.status).toBe(403);

    const timeline = await request(gw.app)
      .post(`/v1/sessions/${sessionId}/events`)
      .set('authorization', `Bearer ${carol}`)
      .send({
        events: [
          { type: 'join', occurredAt: day.toISOString(), deviceId: 'mac' },
          { type: 'mute', occurredAt: new Date(day.getTime() + 1000).toISOString(), deviceId: 'mac' },
        ],
      });
    expect(timeline.status).toBe(200);
    expect(timeline.body).toEqual({ accepted: 2, duplicates: 0 });
    const detail = await request(gw.app)
      .get(`/v1/sessions/${sessionId}`)
      .set('authorization', `Bearer ${carol}`);
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((t: { type: string }) => t.type)).toEqual(['join', 'mute']);
    expect(detail.body.sentiment.length).toBeGreaterThan(0);
    const other = await request(gw.app)
      .get(`/v1/sessions/${sessionId}`)
      .set('authorization', `Bearer ${alice}`);
    expect(other.status).toBe(404);
  });
});
