import { z } from 'zod';
import { userIdSchema } from './auth';
import { sentimentLabelSchema, type SentimentLabel } from './recordings';
import { plainText } from './text';
import { isIanaTimezone } from './timezone';

export const MAX_EVENTS_PER_REQUEST = 5_000;
export const MAX_TALKED_TIME_MS = 86_400_000;
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_PARTICIPANT_NAME = 64;

const ianaTimezone = z.string().max(64).refine(isIanaTimezone, 'must be an IANA time zone');

/** A sentiment given either as a score in [-1, 1] or as one of the three labels. */
export const voiceSentimentSchema = z.union([z.number().min(-1).max(1), sentimentLabelSchema]);

/** The documented event shape. Unknown fields are rejected so that typos never silently drop data. */
export const metricEventSchema = z.strictObject({
  eventId: z.uuid(),
  userId: userIdSchema.optional(),
  sessionId: z.uuid().optional(),
  deviceId: plainText(1, 128).optional(),
  talkedTimeMs: z.number().int().min(0).max(MAX_TALKED_TIME_MS),
  microphoneUsed: z.boolean(),
  speakerUsed: z.boolean(),
  voiceSentiment: voiceSentimentSchema,
  recordedAt: z.iso.datetime({ offset: true }),
  timezone: ianaTimezone.optional(),
  platform: plainText(1, 32).optional(),
  appVersion: plainText(1, 32).optional(),
  /** Which participant of a call talked this time (e.g. `agent`); absent for a one-party report. */
  participant: plainText(1, MAX_PARTICIPANT_NAME).optional(),
  /**
   * True when the talk is another party's (the user listened to it): such an event counts toward
   * the user's listened time, not their talked time, sentiment or device figures.
   */
  counterpart: z.boolean().optional(),
});
export type MetricEventInput = z.infer<typeof metricEventSchema>;

/** One event as a client sends it: the example the API reference shows, and what tests start from. */
export const metricEventExample = {
  eventId: '3f1c2a9e-5b7d-4c1e-9a2b-1d2e3f4a5b6c',
  sessionId: '8e2d1c0b-3a4f-4b5c-8d7e-6f5a4b3c2d1e',
  deviceId: 'pixel-7',
  talkedTimeMs: 120_000,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 'positive',
  recordedAt: '2026-06-01T13:00:00+02:00',
} as const satisfies MetricEventInput;
// Its fast check for the ingestion hot path, `isMetricEventInput`, is generated from it
// (metric-validators.generated.js, scripts/lib/validators.ts).

const legacyId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), plainText(1, 128)]);

/** The snake_case shape older clients send: seconds instead of ms, epoch seconds, integer ids. */
export const legacyMetricEventSchema = z.strictObject({
  event_id: z.uuid().optional(),
  user_id: legacyId,
  session_id: legacyId.optional(),
  device_id: legacyId.optional(),
  talked_time: z
    .number()
    .min(0)
    .max(MAX_TALKED_TIME_MS / 1000),
  microphone_used: z.boolean(),
  speaker_used: z.boolean(),
  voice_sentiment: voiceSentimentSchema,
  timestamp: z.number().int().positive().max(32503680000),
  timezone: ianaTimezone.optional(),
  platform: plainText(1, 32).optional(),
  app_version: plainText(1, 32).optional(),
});
export type LegacyMetricEventInput = z.infer<typeof legacyMetricEventSchema>;

/** The same call in the legacy shape: the API reference's second example, and what tests start from. */
export const legacyMetricEventExample = {
  user_id: 1,
  session_id: 1,
  talked_time: 120,
  microphone_used: true,
  speaker_used: true,
  voice_sentiment: 'positive',
  timestamp: 1780315200, // 2026-06-01T12:00:00Z
} as const satisfies LegacyMetricEventInput;

/** What travels on the metrics queue and lands in `metric_events`: fully resolved, no optional user. */
export const normalizedMetricEventSchema = z.object({
  eventId: z.uuid(),
  userId: z.string().min(1).max(128),
  sessionId: z.uuid().nullable(),
  deviceId: z.string().max(128).nullable(),
  talkedTimeMs: z.number().int().min(0).max(MAX_TALKED_TIME_MS),
  microphoneUsed: z.boolean(),
  speakerUsed: z.boolean(),
  voiceSentiment: z.number().min(-1).max(1),
  voiceSentimentLabel: sentimentLabelSchema,
  recordedAt: z.iso.datetime({ offset: true }),
  timezone: z.string().nullable(),
  platform: z.string().nullable(),
  appVersion: z.string().nullable(),
  source: z.enum(['api', 'recording']),
  recordingId: z.uuid().nullable(),
  // Defaults: jobs queued by a release that predates these fields still parse during an upgrade.
  participant: z.string().max(MAX_PARTICIPANT_NAME).nullable().default(null),
  counterpart: z.boolean().default(false),
});
export type NormalizedMetricEvent = z.infer<typeof normalizedMetricEventSchema>;
// The queue checks it at both ends with a validator generated from `metricsJobSchema` (libs/queues).

export const SENTIMENT_LABEL_THRESHOLD = 0.05;
const LABEL_SCORES: Record<SentimentLabel, number> = { negative: -1, neutral: 0, positive: 1 };

export function sentimentLabelOf(score: number): SentimentLabel {
  if (score >= SENTIMENT_LABEL_THRESHOLD) return 'positive';
  if (score <= -SENTIMENT_LABEL_THRESHOLD) return 'negative';
  return 'neutral';
}

/** Labels map to the ends and middle of the scale so numeric and labelled reports aggregate together. */
export function sentimentScoreOf(value: number | SentimentLabel): number {
  return typeof value === 'number' ? value : LABEL_SCORES[value];
}

export const metricsIngestResponseSchema = z.object({
  accepted: z.number().int(),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      errors: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
});
export type MetricsIngestResponse = z.infer<typeof metricsIngestResponseSchema>;

export const granularitySchema = z.enum(['hour', 'day', 'week']);
export type Granularity = z.infer<typeof granularitySchema>;

export const metricsSummaryQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  granularity: granularitySchema.default('day'),
  userId: userIdSchema.optional(),
});

const aggregate = {
  events: z.number(),
  sessions: z.number(),
  talkedTimeMs: z.number(),
  microphoneUsedRatio: z.number().nullable(),
  speakerUsedRatio: z.number().nullable(),
  sentimentMean: z.number().nullable(),
  /** Counterparts' talk in the user's calls: what the user listened to. */
  listenedTimeMs: z.number(),
  /** talkedTimeMs / listenedTimeMs; null when nobody else was heard. */
  talkToListenRatio: z.number().nullable(),
};

export const metricsSummarySchema = z.object({
  series: z.array(z.object({ start: z.string(), ...aggregate })),
  totals: z.object(aggregate),
});
export type MetricsSummary = z.infer<typeof metricsSummarySchema>;
