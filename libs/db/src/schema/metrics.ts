import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { sessionMember } from './core';
import { sentimentLabel } from './recordings';

/**
 * Raw client metric events. In Postgres this is RANGE-partitioned by `recorded_at` (monthly
 * partitions, see migrations/0001_metrics.sql); Drizzle cannot express partitioning, so this
 * declaration exists for typed queries only. The primary key includes the partition key, as
 * Postgres requires: `event_id` is the idempotency key and a retried event carries the same
 * `recorded_at`, so (user_id, recorded_at, event_id) deduplicates exactly what clients resend. The
 * user is part of the key because event ids are client-chosen: a key without it let one user's
 * (event_id, recorded_at) silently discard another's accepted event. The same index serves
 * per-user time ranges and keyset pagination (newest first, event id as the tie-breaker).
 */
export const metricEvents = pgTable(
  'metric_events',
  {
    eventId: uuid('event_id').notNull(),
    userId: text('user_id').notNull(),
    sessionId: uuid('session_id'),
    deviceId: text('device_id'),
    talkedTimeMs: integer('talked_time_ms').notNull(),
    microphoneUsed: boolean('microphone_used').notNull(),
    speakerUsed: boolean('speaker_used').notNull(),
    voiceSentiment: doublePrecision('voice_sentiment').notNull(),
    voiceSentimentLabel: sentimentLabel('voice_sentiment_label').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    timezone: text('timezone'),
    platform: text('platform'),
    appVersion: text('app_version'),
    source: text('source', { enum: ['api', 'recording'] }).notNull(),
    recordingId: uuid('recording_id'),
    /** The call participant whose talk this is; null for a one-party report. */
    participant: text('participant'),
    /** Another party's talk in the user's call: counts as the user's listened time. */
    counterpart: boolean('counterpart').notNull().default(false),
    ingestedAt: timestamp('ingested_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.recordedAt, t.eventId] }),
    index('metric_events_session_idx')
      .on(t.sessionId, t.recordedAt)
      .where(sql`${t.sessionId} is not null`),
  ],
);

/** Events the ingestor could not store, with the reason, so one bad event never blocks its batch. */
export const metricEventFailures = pgTable(
  'metric_event_failures',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: uuid('event_id').notNull(),
    userId: text('user_id').notNull(),
    reason: text('reason').notNull(),
    event: jsonb('event').notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('metric_event_failures_failed_at_idx').on(t.failedAt)],
);

/**
 * Per-user UTC-day aggregates maintained in the ingest transaction, so dashboards never scan raw
 * events. Sums (not means) are stored so that increments from any number of batches compose.
 */
export const metricDailyRollups = pgTable(
  'metric_daily_rollups',
  {
    userId: text('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    events: bigint('events', { mode: 'number' }).notNull(),
    sessions: integer('sessions').notNull(),
    talkedTimeMs: bigint('talked_time_ms', { mode: 'number' }).notNull(),
    /** Counterparts' talk in the user's calls (see metric_events.counterpart). */
    listenedTimeMs: bigint('listened_time_ms', { mode: 'number' }).notNull().default(0),
    microphoneUsedEvents: bigint('microphone_used_events', { mode: 'number' }).notNull(),
    speakerUsedEvents: bigint('speaker_used_events', { mode: 'number' }).notNull(),
    sentimentSum: doublePrecision('sentiment_sum').notNull(),
    // Null while the day holds only counterparts' events (no sentiment of the user's own yet).
    sentimentMin: doublePrecision('sentiment_min'),
    sentimentMax: doublePrecision('sentiment_max'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);

/** The distinct sessions seen per user and day: makes the rollup's `sessions` count exact under retries. */
export const metricDailySessions = pgTable(
  'metric_daily_sessions',
  {
    userId: text('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sessionId: uuid('session_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.sessionId] })],
);

/** Per-session sentiment timeline in five-minute buckets per participant (cheap to maintain, enough to chart). */
export const sentimentSamples = pgTable(
  'sentiment_samples',
  {
    sessionId: uuid('session_id').notNull(),
    userId: text('user_id').notNull(),
    bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
    samples: integer('samples').notNull(),
    sentimentSum: doublePrecision('sentiment_sum').notNull(),
    sentimentMin: doublePrecision('sentiment_min').notNull(),
    sentimentMax: doublePrecision('sentiment_max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId, t.bucketStart] })],
);

/** Session timeline reported by clients: join, leave, mute, unmute, device-change. */
export const sessionEvents = pgTable(
  'session_events',
  {
    eventId: uuid('event_id').notNull(),
    ...sessionMember(),
    deviceId: text('device_id'),
    type: text('type', { enum: ['join', 'leave', 'mute', 'unmute', 'device-change'] }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    data: jsonb('data'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Client-chosen event ids deduplicate within one user's timeline of one session only, so
    // nobody can discard another's event by reusing its id.
    primaryKey({ columns: [t.sessionId, t.userId, t.eventId] }),
    index('session_events_session_time_idx').on(t.sessionId, t.occurredAt),
  ],
);
