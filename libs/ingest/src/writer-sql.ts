import { STAGE_COLUMNS } from './copy-text';

export const STAGE_TABLE = 'metric_events_stage';
/** The rollup-relevant columns of the events the batch's insert actually stored. */
export const NEW_EVENTS_TABLE = 'metric_events_new';

/** Per-connection staging tables; rows vanish at commit so nothing leaks between batches. */
export const CREATE_STAGE = `
create temp table if not exists ${STAGE_TABLE} (
  event_id uuid not null,
  user_id text not null,
  session_id uuid,
  device_id text,
  talked_time_ms integer not null,
  microphone_used boolean not null,
  speaker_used boolean not null,
  voice_sentiment double precision not null,
  voice_sentiment_label text not null,
  recorded_at timestamptz not null,
  timezone text,
  platform text,
  app_version text,
  source text not null,
  recording_id uuid,
  participant text,
  counterpart boolean not null
) on commit delete rows;
create temp table if not exists ${NEW_EVENTS_TABLE} (
  user_id text not null,
  session_id uuid,
  talked_time_ms integer not null,
  microphone_used boolean not null,
  speaker_used boolean not null,
  voice_sentiment double precision not null,
  recorded_at timestamptz not null,
  counterpart boolean not null,
  day date not null
) on commit delete rows`;

export const COPY_STAGE = `copy ${STAGE_TABLE} (${STAGE_COLUMNS.join(', ')}) from stdin`;

/*
 * Dimension upserts, each in key order so that concurrent ingestors lock rows in the same order
 * (no deadlocks), and each skipping the write when nothing would change. A participant's time zone
 * is any one reported (min: hash-aggregable, unlike array_agg(…)[1], and deterministic).
 */
export const UPSERT_DIMENSIONS = [
  `insert into users as u (id, last_seen_at)
   select user_id, max(recorded_at) from ${STAGE_TABLE} group by user_id order by user_id
   on conflict (id) do update set last_seen_at = excluded.last_seen_at
   where u.last_seen_at < excluded.last_seen_at`,
  `insert into devices as d (user_id, device_id, platform, app_version, first_seen_at, last_seen_at)
   select user_id, device_id,
          (array_agg(platform order by recorded_at desc) filter (where platform is not null))[1],
          (array_agg(app_version order by recorded_at desc) filter (where app_version is not null))[1],
          min(recorded_at), max(recorded_at)
     from ${STAGE_TABLE} where device_id is not null
    group by user_id, device_id order by user_id, device_id
   on conflict (user_id, device_id) do update set
     platform = coalesce(excluded.platform, d.platform),
     app_version = coalesce(excluded.app_version, d.app_version),
     first_seen_at = least(d.first_seen_at, excluded.first_seen_at),
     last_seen_at = greatest(d.last_seen_at, excluded.last_seen_at)
   where d.last_seen_at < excluded.last_seen_at or d.first_seen_at > excluded.first_seen_at`,
  `insert into sessions as s (id, first_event_at, last_event_at)
   select session_id, min(recorded_at), max(recorded_at) from ${STAGE_TABLE}
    where session_id is not null group by session_id order by session_id
   on conflict (id) do update set
     first_event_at = least(s.first_event_at, excluded.first_event_at),
     last_event_at = greatest(s.last_event_at, excluded.last_event_at)
   where s.first_event_at > excluded.first_event_at or s.last_event_at < excluded.last_event_at`,
  `insert into session_participants as p (session_id, user_id, device_id, joined_at, timezone)
   select session_id, user_id, coalesce(device_id, ''), min(recorded_at),
          min(timezone)
     from ${STAGE_TABLE} where session_id is not null
    group by 1, 2, 3 order by 1, 2, 3
   on conflict (session_id, user_id, device_id) do update set
     joined_at = least(p.joined_at, excluded.joined_at),
     timezone = coalesce(p.timezone, excluded.timezone)
   where p.joined_at > excluded.joined_at or (p.timezone is null and excluded.timezone is not null)`,
];

/*
 * The insert, with the rollup-relevant columns of exactly the rows it stored (RETURNING) kept in a
 * second temp table: the rollups below are computed from those, so a duplicate (in the batch or
 * from an earlier one) never counts twice. The statement count is the number of new events.
 *
 * Deduplication is ON CONFLICT DO NOTHING, i.e. one primary-key probe per staged row, whatever the
 * size of the table. The earlier anti-join (`where not exists (…)`) looked ~35% faster on a small
 * table, but the planner, seeing an unanalysed temp table, chose a merge anti-join that scanned and
 * sorted the *whole* of metric_events for every batch: per-event cost grew with the table (8.4 µs
 * at 200k stored rows, 15.7 µs averaged over 1M; with ON CONFLICT 10 µs flat, bench/ingest/phases.ts).
 * ON CONFLICT also makes a concurrent writer of the same event wait for the other's commit and
 * skip it, instead of failing. Rows are not sorted into key order first (+15% on the statement):
 * two writers of overlapping batches in different orders can deadlock, which Postgres breaks with
 * a 40P01 that the writer reports as transient, so the batch is retried.
 *
 * Why two statements and not one: this one takes no lock another batch would wait for (distinct
 * events), while the dimension and rollup upserts lock rows every batch shares (the same users,
 * user-days). Run first, it overlaps with a concurrent transaction's upserts; the contended part
 * is kept short and last, right before commit. As one statement after the upserts, two parallel
 * flushes serialised and Postgres used one core while draining.
 */
export const INSERT_EVENTS = `
with ins as (
  insert into metric_events (${STAGE_COLUMNS.join(', ')})
  select event_id, user_id, session_id, device_id, talked_time_ms, microphone_used, speaker_used,
         voice_sentiment, voice_sentiment_label::sentiment_label, recorded_at, timezone, platform,
         app_version, source, recording_id, participant, counterpart
    from ${STAGE_TABLE}
  on conflict do nothing
  returning user_id, session_id, talked_time_ms, microphone_used, speaker_used, voice_sentiment, recorded_at,
            counterpart
)
insert into ${NEW_EVENTS_TABLE}
select user_id, session_id, talked_time_ms, microphone_used, speaker_used, voice_sentiment, recorded_at,
       counterpart, (recorded_at at time zone 'UTC')::date
  from ins`;

/**
 * Every aggregate the new events feed, each upsert in key order (see UPSERT_DIMENSIONS). A
 * counterpart's event (another party's talk in the user's call) adds only to the user's listened
 * time: their own figures (events, talk, devices, sentiment) stay the user's. A batch may hold only
 * counterpart events for a user-day, so that day's sentiment min/max are null until an own event
 * arrives (least/greatest ignore nulls, so the upsert composes either way).
 */
export const UPSERT_ROLLUPS = `
with new_sessions as (
  insert into metric_daily_sessions (user_id, day, session_id)
  select distinct user_id, day, session_id from ${NEW_EVENTS_TABLE} where session_id is not null
   order by 1, 2, 3
  on conflict do nothing
  returning user_id, day
), rollups as (
  insert into metric_daily_rollups as r (user_id, day, events, sessions, talked_time_ms,
    listened_time_ms, microphone_used_events, speaker_used_events, sentiment_sum, sentiment_min,
    sentiment_max)
  select a.user_id, a.day, a.events, coalesce(s.n, 0), a.talked, a.listened, a.mic, a.spk, a.ssum,
         a.smin, a.smax
    from (select user_id, day, count(*) filter (where not counterpart) as events,
                 coalesce(sum(talked_time_ms) filter (where not counterpart), 0) as talked,
                 coalesce(sum(talked_time_ms) filter (where counterpart), 0) as listened,
                 count(*) filter (where microphone_used and not counterpart) as mic,
                 count(*) filter (where speaker_used and not counterpart) as spk,
                 coalesce(sum(voice_sentiment) filter (where not counterpart), 0) as ssum,
                 min(voice_sentiment) filter (where not counterpart) as smin,
                 max(voice_sentiment) filter (where not counterpart) as smax
            from ${NEW_EVENTS_TABLE} group by user_id, day) a
    left join (select user_id, day, count(*) as n from new_sessions group by user_id, day) s
      using (user_id, day)
   order by a.user_id, a.day
  on conflict (user_id, day) do update set
    events = r.events + excluded.events,
    sessions = r.sessions + excluded.sessions,
    talked_time_ms = r.talked_time_ms + excluded.talked_time_ms,
    listened_time_ms = r.listened_time_ms + excluded.listened_time_ms,
    microphone_used_events = r.microphone_used_events + excluded.microphone_used_events,
    speaker_used_events = r.speaker_used_events + excluded.speaker_used_events,
    sentiment_sum = r.sentiment_sum + excluded.sentiment_sum,
    sentiment_min = least(r.sentiment_min, excluded.sentiment_min),
    sentiment_max = greatest(r.sentiment_max, excluded.sentiment_max),
    updated_at = now()
  returning 1
), samples as (
  -- date_bin, not to_timestamp(floor(extract(epoch …) / 300) * 300): the same 5-minute buckets,
  -- without numeric arithmetic per row (rollups 2.1 -> 1.8 us/event in phases.ts).
  insert into sentiment_samples as t (session_id, user_id, bucket_start, samples, sentiment_sum,
    sentiment_min, sentiment_max)
  select session_id, user_id, date_bin('5 minutes', recorded_at, timestamptz '1970-01-01 00:00:00+00'), count(*), sum(voice_sentiment),
         min(voice_sentiment), max(voice_sentiment)
    from ${NEW_EVENTS_TABLE} where session_id is not null and not counterpart
   group by 1, 2, 3 order by 1, 2, 3
  on conflict (session_id, user_id, bucket_start) do update set
    samples = t.samples + excluded.samples,
    sentiment_sum = t.sentiment_sum + excluded.sentiment_sum,
    sentiment_min = least(t.sentiment_min, excluded.sentiment_min),
    sentiment_max = greatest(t.sentiment_max, excluded.sentiment_max)
  returning 1
)
select (select count(*) from rollups)::int as rollups,
       (select count(*) from samples)::int as samples`;

export const INSERT_FAILURES = `
insert into metric_event_failures (event_id, user_id, reason, event)
select * from unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`;
