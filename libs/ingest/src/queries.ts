import {
  decodeCursor,
  type Granularity,
  type MetricEventsPage,
  type MetricsSummary,
  type SessionsInPeriodPage,
  type StoredMetricEvent,
} from '@voicepulse/contracts';
import { beforeKeysetText, keysetPage, utcMicrosText } from '@voicepulse/db';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { PassThrough, type Readable } from 'node:stream';
import { STAGE_COLUMNS } from './copy-text';

/** Hourly series come from raw events (rollups are daily); bound the range they may scan. */
export const MAX_HOURLY_RANGE_DAYS = 31;

export class QueryError extends Error {
  constructor(
    readonly code: 'invalid_range',
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

interface Range {
  userId: string;
  from: string;
  to: string;
}

function checkRange({ from, to }: Range, maxDays?: number): void {
  const span = Date.parse(to) - Date.parse(from);
  if (!(span > 0)) throw new QueryError('invalid_range', '`from` must be before `to`');
  if (maxDays && span > maxDays * 86_400_000) {
    throw new QueryError('invalid_range', `hourly granularity covers at most ${maxDays} days`);
  }
}

interface AggRow {
  start: Date;
  events: string;
  sessions: string;
  talked: string;
  listened: string;
  mic: string;
  spk: string;
  ssum: number;
}

function toAggregate(r: Omit<AggRow, 'start'>) {
  const events = Number(r.events);
  const talked = Number(r.talked);
  const listened = Number(r.listened);
  return {
    events,
    sessions: Number(r.sessions),
    talkedTimeMs: talked,
    listenedTimeMs: listened,
    talkToListenRatio: listened ? talked / listened : null,
    microphoneUsedRatio: events ? Number(r.mic) / events : null,
    speakerUsedRatio: events ? Number(r.spk) / events : null,
    sentimentMean: events ? r.ssum / events : null,
  };
}

// Days (UTC) overlapping [from, to): dashboards read whole days from the rollups.
const ROLLUP_SERIES = `
select date_trunc($4, day::timestamp) at time zone 'UTC' as start,
       sum(events) as events, sum(sessions) as sessions, sum(talked_time_ms) as talked,
       sum(listened_time_ms) as listened, sum(microphone_used_events) as mic, sum(speaker_used_events) as spk, sum(sentiment_sum) as ssum
  from metric_daily_rollups
 where user_id = $1
   and day::timestamp < ($3::timestamptz at time zone 'UTC')
   and day::timestamp + interval '1 day' > ($2::timestamptz at time zone 'UTC')
 group by 1 order by 1`;

const HOURLY_SERIES = `
select date_trunc('hour', recorded_at at time zone 'UTC') at time zone 'UTC' as start,
       count(*) filter (where not counterpart) as events, count(distinct session_id) as sessions,
       coalesce(sum(talked_time_ms) filter (where not counterpart), 0) as talked,
       coalesce(sum(talked_time_ms) filter (where counterpart), 0) as listened,
       count(*) filter (where microphone_used and not counterpart) as mic,
       count(*) filter (where speaker_used and not counterpart) as spk,
       coalesce(sum(voice_sentiment) filter (where not counterpart), 0) as ssum
  from metric_events
 where user_id = $1 and recorded_at >= $2 and recorded_at < $3
 group by 1 order by 1`;

/**
 * The dashboard query. Day and week series are read from the daily rollups only; the hour series
 * (finer than a rollup) scans the caller's own events through the (user, time) index, bounded to
 * MAX_HOURLY_RANGE_DAYS. Session counts are distinct per bucket; totals sum the buckets.
 */
async function metricsSummary(
  db: Pick<pg.Pool, 'query'>,
  q: Range & { granularity: Granularity },
): Promise<MetricsSummary> {
  checkRange(q, q.granularity === 'hour' ? MAX_HOURLY_RANGE_DAYS : undefined);
  const { rows } =
    q.granularity === 'hour'
      ? await db.query<AggRow>(HOURLY_SERIES, [q.userId, q.from, q.to])
      : await db.query<AggRow>(ROLLUP_SERIES, [q.userId, q.from, q.to, q.granularity]);
  const totals = rows.reduce(
    (acc, r) => ({
      events: acc.events + Number(r.events),
      sessions: acc.sessions + Number(r.sessions),
      talked: acc.talked + Number(r.talked),
      listened: acc.listened + Number(r.listened),
      mic: acc.mic + Number(r.mic),
      spk: acc.spk + Number(r.spk),
      ssum: acc.ssum + Number(r.ssum),
    }),
    { events: 0, sessions: 0, talked: 0, listened: 0, mic: 0, spk: 0, ssum: 0 },
  );
  return {
    series: rows.map((r) => ({ start: r.start.toISOString(), ...toAggregate(r) })),
    totals: toAggregate({
      events: String(totals.events),
      sessions: String(totals.sessions),
      talked: String(totals.talked),
      listened: String(totals.listened),
      mic: String(totals.mic),
      spk: String(totals.spk),
      ssum: totals.ssum,
    }),
  };
}

/** The origin of the five-minute buckets sentiment_samples is kept in (see UPSERT_ROLLUPS). */
const EPOCH = `timestamptz '1970-01-01 00:00:00+00'`;

// Microsecond text so a cursor round-trips exactly, whatever precision Postgres stored.
const RECORDED_AT_TEXT = utcMicrosText('recorded_at');

const EVENT_COLUMNS = `event_id as "eventId", user_id as "userId", session_id as "sessionId", device_id as "deviceId",
  talked_time_ms as "talkedTimeMs", microphone_used as "microphoneUsed", speaker_used as "speakerUsed",
  voice_sentiment as "voiceSentiment", voice_sentiment_label as "voiceSentimentLabel",
  ${RECORDED_AT_TEXT} as "recordedAt", timezone, platform, app_version as "appVersion", source,
  recording_id as "recordingId", participant, counterpart`;

/** Keyset pagination, newest first: stable under concurrent inserts and O(limit) at any depth. */
async function listMetricEvents(
  db: Pick<pg.Pool, 'query'>,
  q: Range & { limit: number; cursor?: string },
): Promise<MetricEventsPage> {
  checkRange(q);
  const params: unknown[] = [q.userId, q.from, q.to, q.limit + 1];
  const after = q.cursor ? `and ${beforeKeysetText('recorded_at', 'event_id', decodeCursor(q.cursor), params)}` : '';
  const { rows } = await db.query<StoredMetricEvent>(
    `select ${EVENT_COLUMNS} from metric_events
      where user_id = $1 and recorded_at >= $2 and recorded_at < $3 ${after}
      order by recorded_at desc, event_id desc limit $4`,
    params,
  );
  return keysetPage(rows, q.limit, (e) => ({ at: e.recordedAt, id: e.eventId }));
}

/**
 * The user's sessions with activity in [from, to), widened to whole five-minute buckets, most
 * recently active first. Which sessions, and their order, events and sentiment, come from the
 * rollups (metric_daily_sessions names the sessions of each day, sentiment_samples holds per-bucket
 * counts and sums), so a busy period costs what its sessions cost, not what its raw events do;
 * only the page's own sessions then read their raw events, through the session index, for talk
 * time (no rollup keeps it per session) and the exact last event.
 */
async function listSessionsInPeriod(
  db: Pick<pg.Pool, 'query'>,
  q: Range & { limit: number; cursor?: string },
): Promise<SessionsInPeriodPage> {
  checkRange(q);
  const params: unknown[] = [q.userId, q.from, q.to, q.limit + 1];
  const after = q.cursor ? `where ${beforeKeysetText('last_bucket', 'session_id', decodeCursor(q.cursor), params)}` : '';
  const { rows } = await db.query<{
    sessionId: string;
    keysetAt: string;
    lastActivityAt: string;
    events: string;
    talkedTimeMs: string;
    sentimentMean: number | null;
  }>(
    `with w as (
       select date_bin('5 minutes', $2::timestamptz, ${EPOCH}) as start,
              date_bin('5 minutes', $3::timestamptz - interval '1 microsecond', ${EPOCH}) + interval '5 minutes' as stop
     ), agg as (
       select s.session_id, max(s.bucket_start) as last_bucket, sum(s.samples) as events,
              sum(s.sentiment_sum) / nullif(sum(s.samples), 0) as sentiment_mean
         from sentiment_samples s, w
        where s.user_id = $1 and s.bucket_start >= w.start and s.bucket_start < w.stop
          and s.session_id in (
            select d.session_id from metric_daily_sessions d
             where d.user_id = $1 and d.day >= (w.start at time zone 'UTC')::date
               and d.day <= ((w.stop - interval '1 microsecond') at time zone 'UTC')::date)
        group by s.session_id
     ), page as (
       select * from agg ${after} order by last_bucket desc, session_id desc limit $4
     )
     select p.session_id as "sessionId", ${utcMicrosText('p.last_bucket')} as "keysetAt",
            ${utcMicrosText('coalesce(t.last, p.last_bucket)')} as "lastActivityAt",
            p.events::text as events, t.talked::text as "talkedTimeMs", p.sentiment_mean as "sentimentMean"
       from page p, w, lateral (
         select coalesce(sum(e.talked_time_ms), 0) as talked, max(e.recorded_at) as last
           from metric_events e
          where e.session_id = p.session_id and e.user_id = $1
            and e.recorded_at >= w.start and e.recorded_at < w.stop) t
      order by p.last_bucket desc, p.session_id desc`,
    params,
  );
  const page = keysetPage(rows, q.limit, (r) => ({ at: r.keysetAt, id: r.sessionId }));
  return {
    items: page.items.map((r) => ({
      sessionId: r.sessionId,
      lastActivityAt: r.lastActivityAt,
      events: Number(r.events),
      talkedTimeMs: Number(r.talkedTimeMs),
      sentimentMean: r.sentimentMean,
    })),
    nextCursor: page.nextCursor,
  };
}

/** The export carries exactly the columns an event is stored with. */
export const CSV_COLUMNS: readonly string[] = STAGE_COLUMNS;

/** Client-supplied free text; every other column is a uuid, number, boolean, timestamp or enum. */
const FREE_TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'user_id',
  'device_id',
  'timezone',
  'platform',
  'app_version',
  'participant',
]);

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @ TAB or CR as a
 * formula, so such free-text cells get a leading single quote, and every free-text cell is
 * quoted (Postgres doubles embedded quotes).
 */
function csvCell(column: string): string {
  if (column === 'recorded_at') return `${RECORDED_AT_TEXT} as recorded_at`;
  if (!FREE_TEXT_COLUMNS.has(column)) return column;
  return `case when ${column} ~ '^[=+@\\t\\r-]' then '''' || ${column} else ${column} end as ${column}`;
}

/**
 * CSV of the caller's events via COPY … TO STDOUT on a dedicated connection: Postgres produces the
 * CSV, and the socket is paused whenever the HTTP client reads slower, so memory stays constant
 * however many rows there are. The connection returns to the pool when the stream ends or is
 * destroyed (client gone).
 */
async function exportMetricEventsCsv(pool: pg.Pool, q: Range): Promise<Readable> {
  checkRange(q);
  const client = await pool.connect();
  const lit = (v: string) => client.escapeLiteral(v);
  // COPY cannot take bind parameters; every value below is validated and then escaped.
  const sql = `copy (
      select ${CSV_COLUMNS.map(csvCell).join(', ')}
        from metric_events
       where user_id = ${lit(q.userId)}
         and recorded_at >= ${lit(new Date(q.from).toISOString())}::timestamptz
         and recorded_at < ${lit(new Date(q.to).toISOString())}::timestamptz
       order by recorded_at, event_id
    ) to stdout with (format csv, header true, force_quote (${[...FREE_TEXT_COLUMNS].join(', ')}))`;
  const source = client.query(copyTo(sql));
  const out = new PassThrough();
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    // A COPY cut short leaves the connection mid-protocol: destroy it rather than reuse it.
    client.release(err ?? (source.readableEnded ? undefined : new Error('copy aborted')));
  };
  source.on('error', (err) => {
    release(err);
    out.destroy(err);
  });
  source.on('end', () => release());
  out.on('close', () => {
    if (!source.readableEnded) {
      source.destroy();
      release(new Error('client went away'));
    }
  });
  source.pipe(out);
  return out;
}

/**
 * The metric read side, one repository over the pool like the Drizzle ones elsewhere. Raw SQL
 * because these reads are shaped by the rollup tables and indexes (row comparisons, date_bin,
 * lateral joins, COPY) that the query builder would only wrap in `sql` strings anyway.
 */
export class MetricsReadRepository {
  constructor(private readonly pool: pg.Pool) {}

  summary(q: Range & { granularity: Granularity }): Promise<MetricsSummary> {
    return metricsSummary(this.pool, q);
  }

  events(q: Range & { limit: number; cursor?: string }): Promise<MetricEventsPage> {
    return listMetricEvents(this.pool, q);
  }

  sessionsInPeriod(q: Range & { limit: number; cursor?: string }): Promise<SessionsInPeriodPage> {
    return listSessionsInPeriod(this.pool, q);
  }

  exportCsv(q: Range): Promise<Readable> {
    return exportMetricEventsCsv(this.pool, q);
  }
}
