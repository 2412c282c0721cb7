import { RECORDING_STATUSES, FAILURE_CODES } from '@voicepulse/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './core';

export const recordingStatus = pgEnum('recording_status', RECORDING_STATUSES);
export const failureCode = pgEnum('failure_code', FAILURE_CODES);
export const sentimentLabel = pgEnum('sentiment_label', ['negative', 'neutral', 'positive']);

export const recordings = pgTable(
  'recordings',
  {
    id: uuid('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: recordingStatus('status').notNull(),
    /** `pending` only for direct-to-bucket uploads whose object has not been confirmed yet. */
    uploadState: text('upload_state', { enum: ['pending', 'complete'] })
      .notNull()
      .default('complete'),
    sessionId: uuid('session_id'),
    deviceId: text('device_id'),
    microphoneUsed: boolean('microphone_used').notNull().default(true),
    speakerUsed: boolean('speaker_used').notNull().default(false),
    clientTranscript: text('client_transcript'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }),
    promptId: uuid('prompt_id'),
    actedEmotion: text('acted_emotion'),
    /** Declared channel layout as sent (`split`, or `agent,customer`); null for an undeclared upload. */
    channelLayout: text('channel_layout'),
    originalKey: text('original_key').notNull(),
    normalizedKey: text('normalized_key'),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    sha256: text('sha256').notNull().default(''),
    durationMs: integer('duration_ms'),
    sampleRate: integer('sample_rate'),
    channels: integer('channels'),
    codec: text('codec'),
    failureCode: failureCode('failure_code'),
    failureMessage: text('failure_message'),
    correlationId: text('correlation_id'),
    /** The client's `Idempotency-Key` for the upload, unique per owner: a retry finds this row. */
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Keyset pagination: newest first per owner, id as the tie-breaker.
    index('recordings_user_created_idx').on(t.userId, sql`${t.createdAt} desc`, sql`${t.id} desc`),
    index('recordings_prompt_idx')
      .on(t.promptId)
      .where(sql`${t.promptId} is not null`),
    uniqueIndex('recordings_idempotency_idx')
      .on(t.userId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

export const recordingAnalyses = pgTable('recording_analyses', {
  recordingId: uuid('recording_id')
    .primaryKey()
    .references(() => recordings.id, { onDelete: 'cascade' }),
  talkedTimeMs: integer('talked_time_ms').notNull(),
  speechRatio: real('speech_ratio').notNull(),
  durationMs: integer('duration_ms').notNull(),
  sentimentScore: doublePrecision('sentiment_score').notNull(),
  sentimentLabel: sentimentLabel('sentiment_label').notNull(),
  sentimentConfidence: real('sentiment_confidence').notNull(),
  arousal: real('arousal'),
  /** Every engine that ran, with its version, so old analyses stay interpretable after upgrades. */
  engines: jsonb('engines').notNull(),
  transcript: jsonb('transcript'),
  levels: jsonb('levels'),
  prosody: jsonb('prosody'),
  /** Conversation analytics (`Conversation` in @voicepulse/contracts); null for analyses made before it existed. */
  conversation: jsonb('conversation'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The leading columns of a per-recording timeline: which recording, the position in it, the span. */
const recordingSpan = () => ({
  recordingId: uuid('recording_id')
    .notNull()
    .references(() => recordings.id, { onDelete: 'cascade' }),
  idx: integer('idx').notNull(),
  startMs: integer('start_ms').notNull(),
  endMs: integer('end_ms').notNull(),
});

export const speechSegments = pgTable(
  'speech_segments',
  {
    ...recordingSpan(),
  },
  (t) => [primaryKey({ columns: [t.recordingId, t.idx] })],
);

export const sentimentTimeline = pgTable(
  'sentiment_timeline',
  {
    ...recordingSpan(),
    score: doublePrecision('score').notNull(),
    label: sentimentLabel('label').notNull(),
  },
  (t) => [primaryKey({ columns: [t.recordingId, t.idx] })],
);
