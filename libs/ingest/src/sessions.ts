import type { SessionDetail, SessionEventInput } from '@voicepulse/contracts';
import type pg from 'pg';
import { contentUuid } from './event-id';

export interface SessionEventsResult {
  accepted: number;
  duplicates: number;
}

/**
 * Appends to a session's timeline and keeps the participant row in step (join → joined_at,
 * leave → left_at), in one transaction. Events without an id get one derived from their content,
 * so a retried request is a no-op.
 */
export async function recordSessionEvents(
  pool: pg.Pool,
  sessionId: string,
  userId: string,
  events: readonly SessionEventInput[],
): Promise<SessionEventsResult> {
  const rows = events.map((e) => ({
    eventId:
      e.eventId?.toLowerCase() ??
      contentUuid('voicepulse.session-event.v1', [sessionId, userId, e.type, e.occurredAt, e.deviceId]),
    type: e.type,
    occurredAt: new Date(e.occurredAt).toISOString(),
    deviceId: e.deviceId ?? null,
    timezone: e.timezone ?? null,
    data: e.data ? JSON.stringify(e.data) : null,
  }));
  const times = rows.map((r) => r.occurredAt).sort();
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into users (id, last_seen_at) values ($1, $2)
       on conflict (id) do update set last_seen_at = greatest(users.last_seen_at, excluded.last_seen_at)`,
      [userId, times[times.length - 1]],
    );
    await client.query(
      `insert into sessions as s (id, first_event_at, last_event_at) values ($1, $2, $3)
       on conflict (id) do update set first_event_at = least(s.first_event_at, excluded.first_event_at),
                                      last_event_at = greatest(s.last_event_at, excluded.last_event_at)`,
      [sessionId, times[0], times[times.length - 1]],
    );
    const { rowCount } = await client.query(
      `insert into session_events (event_id, session_id, user_id, device_id, type, occurred_at, data)
       select e.event_id, $1, $2, e.device_id, e.type, e.occurred_at, e.data
         from unnest($3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
              as e(event_id, device_id, type, occurred_at, data)
       on conflict (session_id, user_id, event_id) do nothing`,
      [
        sessionId,
        userId,
        rows.map((r) => r.eventId),
        rows.map((r) => r.deviceId),
        rows.map((r) => r.type),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.data),
      ],
    );
    await client.query(
      `insert into session_participants as p (session_id, user_id, device_id, joined_at, left_at, timezone)
       select $1, $2, coalesce(e.device_id, ''),
              coalesce(min(e.occurred_at) filter (where e.type = 'join'), min(e.occurred_at)),
              max(e.occurred_at) filter (where e.type = 'leave'),
              (array_agg(e.timezone) filter (where e.timezone is not null))[1]
         from unnest($3::text[], $4::text[], $5::timestamptz[], $6::text[]) as e(device_id, type, occurred_at, timezone)
        group by coalesce(e.device_id, '')
       on conflict (session_id, user_id, device_id) do update set
         joined_at = least(p.joined_at, excluded.joined_at),
         left_at = greatest(p.left_at, excluded.left_at),
         timezone = coalesce(excluded.timezone, p.timezone)`,
      [
        sessionId,
        userId,
        rows.map((r) => r.deviceId),
        rows.map((r) => r.type),
        rows.map((r) => r.occurredAt),
        rows.map((r) => r.timezone),
      ],
    );
    await client.query('commit');
    const accepted = rowCount ?? 0;
    return { accepted, duplicates: rows.length - accepted };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A session as its participants see it; `viewer` null means an admin (no participation check). */
export async function getSessionDetail(
  pool: Pick<pg.Pool, 'query'>,
  sessionId: string,
  viewer: string | null,
): Promise<SessionDetail | null> {
  const { rows: sessions } = await pool.query<{ id: string; first: Date; last: Date }>(
    `select id, first_event_at as first, last_event_at as last from sessions s
      where id = $1 and ($2::text is null or exists (
        select 1 from session_participants p where p.session_id = s.id and p.user_id = $2))`,
    [sessionId, viewer],
  );
  const session = sessions[0];
  if (!session) return null;
  const [participants, timeline, sentiment] = await Promise.all([
    pool.query<{
      userId: string;
      deviceId: string;
      joinedAt: Date;
      leftAt: Date | null;
      timezone: string | null;
    }>(
      `select user_id as "userId", device_id as "deviceId", joined_at as "joinedAt", left_at as "leftAt", timezone
         from session_participants where session_id = $1 order by joined_at, user_id, device_id`,
      [sessionId],
    ),
    pool.query<{
      eventId: string;
      userId: string;
      deviceId: string | null;
      type: SessionDetail['timeline'][number]['type'];
      occurredAt: Date;
      data: Record<string, unknown> | null;
    }>(
      `select event_id as "eventId", user_id as "userId", device_id as "deviceId", type, occurred_at as "occurredAt", data
         from session_events where session_id = $1 order by occurred_at, event_id limit 10000`,
      [sessionId],
    ),
    pool.query<{ userId: string; start: Date; samples: number; sum: number; min: number; max: number }>(
      `select user_id as "userId", bucket_start as start, samples, sentiment_sum as sum, sentiment_min as min, sentiment_max as max
         from sentiment_samples where session_id = $1 order by bucket_start, user_id limit 10000`,
      [sessionId],
    ),
  ]);
  return {
    id: session.id,
    firstEventAt: session.first.toISOString(),
    lastEventAt: session.last.toISOString(),
    participants: participants.rows.map((p) => ({
      ...p,
      joinedAt: p.joinedAt.toISOString(),
      leftAt: p.leftAt?.toISOString() ?? null,
    })),
    timeline: timeline.rows.map((t) => ({ ...t, occurredAt: t.occurredAt.toISOString() })),
    sentiment: sentiment.rows.map((s) => ({
      userId: s.userId,
      start: s.start.toISOString(),
      samples: s.samples,
      mean: s.sum / s.samples,
      min: s.min,
      max: s.max,
    })),
  };
}
