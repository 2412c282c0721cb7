import { randomUUID } from 'node:crypto';
import type { Database } from '@voicepulse/db';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMonths,
  dropExpiredPartitions,
  ensurePartitionsAhead,
  listPartitions,
  monthOf,
  partitionName,
} from '../src';
import { ConcurrentInsertError, MetricsWriter } from '../src/writer';
import { event } from './helpers';

describe('MetricsWriter (real Postgres)', () => {
  let testDb: MigratedTestDatabase;
  let database: Database;
  let writer: MetricsWriter;

  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('ingest', { max: 4 });
    database = testDb.database;
    writer = new MetricsWriter(database.pool, { retentionDays: 400 });
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const count = async (sql: string, params: unknown[] = []) =>
    (await database.pool.query<{ n: number }>(sql, params)).rows[0]!.n;

  it('stores duplicates within a batch and across batches once, and counts them once in the rollups', async () => {
    const userId = `dup-${randomUUID()}`;
    const a = event({ userId, talkedTimeMs: 1000 });
    const b = event({ userId, talkedTimeMs: 2000 });
    const first = await writer.write([a, a, b]);
    expect(first).toEqual({ inserted: 2, duplicates: 1, failed: 0 });
    const second = await writer.write([b, a]);
    expect(second).toEqual({ inserted: 0, duplicates: 2, failed: 0 });
    expect(await count('select count(*)::int as n from metric_events where user_id = $1', [userId])).toBe(2);
    const { rows } = await database.pool.query(
      'select events, talked_time_ms from metric_daily_rollups where user_id = $1',
      [userId],
    );
    expect(rows).toEqual([{ events: '2', talked_time_ms: '3000' }]);
  });

  it('folds only the new events of a batch that mixes new and already-stored ones', async () => {
    const userId = `mix-${randomUUID()}`;
    const sessionId = randomUUID();
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const [a, b, c] = [1000, 2000, 4000].map((talkedTimeMs) =>
      event({ userId, sessionId, talkedTimeMs, recordedAt: at }),
    );
    expect(await writer.write([a!])).toEqual({ inserted: 1, duplicates: 0, failed: 0 });
    expect(await writer.write([b!, a!, c!])).toEqual({ inserted: 2, duplicates: 1, failed: 0 });
    const rollup = await database.pool.query(
      'select events, sessions, talked_time_ms from metric_daily_rollups where user_id = $1',
      [userId],
    );
    expect(rollup.rows).toEqual([{ events: '3', sessions: 1, talked_time_ms: '7000' }]);
    const samples = await database.pool.query(
      'select sum(samples)::int as n from sentiment_samples where user_id = $1',
      [userId],
    );
    expect(samples.rows[0].n).toBe(3);
  });

  it('keeps one id at two instants as two events (the key is id and time), each once', async () => {
    const userId = `dup-${randomUUID()}`;
    const a = event({ userId });
    const later = { ...a, recordedAt: new Date(Date.parse(a.recordedAt) + 60_000).toISOString() };
    expect(await writer.write([a, later, later, a, later])).toEqual({
      inserted: 2,
      duplicates: 3,
      failed: 0,
    });
    expect(await count('select count(*)::int as n from metric_events where user_id = $1', [userId])).toBe(2);
  });

  it("dedupes per user: another user's event with the same id and instant is stored too, in one batch or across batches", async () => {
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => `tenant-${n}-${randomUUID()}`);
    const a = event({ userId: alice! });
    expect(await writer.write([a])).toEqual({ inserted: 1, duplicates: 0, failed: 0 });
    // Same (eventId, recordedAt) from two other users: a later batch, and twice within one batch.
    expect(
      await writer.write([
        { ...a, userId: bob! },
        { ...a, userId: carol! },
        { ...a, userId: carol! },
      ]),
    ).toEqual({
      inserted: 2,
      duplicates: 1,
      failed: 0,
    });
    const { rows } = await database.pool.query<{ user_id: string }>(
      'select user_id from metric_events where event_id = $1 order by user_id',
      [a.eventId],
    );
    expect(rows.map((r) => r.user_id)).toEqual([alice, bob, carol].sort());
  });

  it('two writers racing on the same new events: each event is stored once (the other writer skips it or is told to retry), and a retry stores nothing twice', async () => {
    const userId = `race-${randomUUID()}`;
    const batch = Array.from({ length: 2000 }, () => event({ userId }));
    const other = new MetricsWriter(database.pool, { retentionDays: 400 });
    const outcomes = await Promise.allSettled([writer.write(batch), other.write(batch)]);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrentInsertError);
    }
    const retried = await writer.write(batch);
    expect(retried.inserted).toBe(0);
    expect(await count('select count(*)::int as n from metric_events where user_id = $1', [userId])).toBe(
      2000,
    );
    const { rows } = await database.pool.query(
      'select sum(events)::int as n from metric_daily_rollups where user_id = $1',
      [userId],
    );
    expect(rows[0].n).toBe(2000);
  });

  it('records one bad event as failed with its reason and stores the rest of its batch', async () => {
    const userId = `bad-${randomUUID()}`;
    const good = Array.from({ length: 9 }, () => event({ userId }));
    // Postgres text cannot hold NUL: the database itself rejects this event.
    const bad = event({ userId: `${userId}\u0000x` });
    const expired = event({ userId, recordedAt: new Date(Date.now() - 500 * 86_400_000).toISOString() });
    const result = await writer.write([...good.slice(0, 4), bad, expired, ...good.slice(4)]);
    expect(result).toEqual({ inserted: 9, duplicates: 0, failed: 2 });
    expect(await count('select count(*)::int as n from metric_events where user_id = $1', [userId])).toBe(9);
    const { rows } = await database.pool.query<{ event_id: string; reason: string }>(
      'select event_id, reason from metric_event_failures where event_id = any($1::uuid[]) order by reason',
      [[bad.eventId, expired.eventId]],
    );
    expect(rows.map((r) => r.event_id)).toEqual([expired.eventId, bad.eventId]);
    expect(rows[0]!.reason).toMatch(/^expired/);
    expect(rows[1]!.reason).toMatch(/^rejected by database/);
  });

  it("creates a new month's partition on demand, without a migration", async () => {
    const month = addMonths(monthOf(new Date()), -6);
    expect((await listPartitions(database.pool)).map((p) => p.name)).not.toContain(partitionName(month));
    const e = event({ recordedAt: new Date(`${month}T12:00:00Z`).toISOString() });
    expect(await writer.write([e])).toMatchObject({ inserted: 1 });
    expect((await listPartitions(database.pool)).map((p) => p.name)).toContain(partitionName(month));
    const { rows } = await database.pool.query(
      'select tableoid::regclass::text as part from metric_events where event_id = $1',
      [e.eventId],
    );
    expect(rows[0].part).toBe(partitionName(month));
  });

  it('maintenance creates partitions ahead and drops only those entirely past retention', async () => {
    const now = new Date();
    const ahead = await ensurePartitionsAhead(database.pool, 5, now);
    expect(ahead).toContain(partitionName(addMonths(monthOf(now), 5)));
    const old = addMonths(monthOf(now), -16);
    await database.pool.query('select metric_events_ensure_partition($1::date)', [old]);
    const dropped = await dropExpiredPartitions(database.pool, 400, now);
    expect(dropped).toEqual([partitionName(old)]);
    const names = (await listPartitions(database.pool)).map((p) => p.name);
    expect(names).not.toContain(partitionName(old));
    expect(names).toContain(partitionName(addMonths(monthOf(now), -6)));
  });

  it('counts a counterpart-only batch as listened time, leaving the day\'s own figures to own events', async () => {
    const userId = `cp-${randomUUID()}`;
    const at = new Date(Date.now() - 7_200_000).toISOString();
    const rollup = async () =>
      (
        await database.pool.query(
          `select events, talked_time_ms, listened_time_ms, microphone_used_events, sentiment_min, sentiment_max
             from metric_daily_rollups where user_id = $1`,
          [userId],
        )
      ).rows;
    await writer.write([
      event({ userId, recordedAt: at, counterpart: true, participant: 'customer', talkedTimeMs: 30_000, voiceSentiment: -0.8 }),
    ]);
    expect(await rollup()).toEqual([
      { events: '0', talked_time_ms: '0', listened_time_ms: '30000', microphone_used_events: '0', sentiment_min: null, sentiment_max: null },
    ]);
    await writer.write([event({ userId, recordedAt: at, participant: 'agent', talkedTimeMs: 45_000, voiceSentiment: 0.4 })]);
    expect(await rollup()).toEqual([
      { events: '1', talked_time_ms: '45000', listened_time_ms: '30000', microphone_used_events: '1', sentiment_min: 0.4, sentiment_max: 0.4 },
    ]);
    const stored = await database.pool.query(
      'select participant, counterpart from metric_events where user_id = $1 order by talked_time_ms',
      [userId],
    );
    expect(stored.rows).toEqual([
      { participant: 'customer', counterpart: true },
      { participant: 'agent', counterpart: false },
    ]);
  });

  it('keeps rollups equal to a recomputation from raw events, counterparts as listened time only', async () => {
    const users = ['r1', 'r2', 'r3'].map((u) => `${u}-${randomUUID()}`);
    const sessions = Array.from({ length: 5 }, () => randomUUID());
    const events = Array.from({ length: 3000 }, (_, i) =>
      event({
        userId: users[i % users.length]!,
        sessionId: i % 7 === 0 ? null : sessions[i % sessions.length]!,
        talkedTimeMs: (i * 7919) % 600_000,
        microphoneUsed: i % 3 !== 0,
        speakerUsed: i % 5 === 0,
        voiceSentiment: ((i % 201) - 100) / 100,
        recordedAt: new Date(Date.now() - ((i * 3_600_000 * 7) % (20 * 86_400_000)) - 60_000).toISOString(),
        // Every fourth event is the other party's talk in the user's call.
        counterpart: i % 4 === 1,
        participant: i % 4 === 1 ? 'customer' : i % 4 === 2 ? 'agent' : null,
      }),
    );
    // Overlapping batches: the second half is re-sent, as a retry after a crash would.
    await writer.write(events.slice(0, 2000));
    await writer.write(events.slice(1000));
    const { rows } = await database.pool.query(
      `with raw as (
         select user_id, (recorded_at at time zone 'UTC')::date as day,
                count(*) filter (where not counterpart)::bigint as events,
                count(distinct session_id)::int as sessions,
                coalesce(sum(talked_time_ms) filter (where not counterpart), 0)::bigint as talked,
                coalesce(sum(talked_time_ms) filter (where counterpart), 0)::bigint as listened,
                count(*) filter (where microphone_used and not counterpart)::bigint as mic,
                count(*) filter (where speaker_used and not counterpart)::bigint as spk,
                round(coalesce(sum(voice_sentiment) filter (where not counterpart), 0)::numeric, 6) as ssum,
                min(voice_sentiment) filter (where not counterpart) as smin,
                max(voice_sentiment) filter (where not counterpart) as smax
           from metric_events where user_id = any($1) group by 1, 2)
       select (select count(*) from raw)::int as groups,
              (select count(*) from raw full join metric_daily_rollups r using (user_id, day)
                where r.user_id = any($1) or raw.user_id is not null) as joined,
              (select count(*) from raw join metric_daily_rollups r using (user_id, day)
                where raw.events = r.events and raw.sessions = r.sessions and raw.talked = r.talked_time_ms
                  and raw.listened = r.listened_time_ms
                  and raw.mic = r.microphone_used_events and raw.spk = r.speaker_used_events
                  and raw.ssum = round(r.sentiment_sum::numeric, 6) and raw.smin is not distinct from r.sentiment_min
                  and raw.smax is not distinct from r.sentiment_max)::int as equal,
              (select count(*) from raw where listened > 0)::int as with_listened`,
      [users],
    );
    expect(rows[0].groups).toBeGreaterThan(20);
    expect(Number(rows[0].joined)).toBe(rows[0].groups);
    expect(rows[0].equal).toBe(rows[0].groups);
    expect(rows[0].with_listened).toBeGreaterThan(10);
    expect(await count('select count(*)::int as n from metric_events where user_id = any($1)', [users])).toBe(
      3000,
    );
  });
});
