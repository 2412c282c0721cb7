import { z } from 'zod';
import { userIdSchema } from './auth';
import { plainText } from './text';
import { sentimentLabelSchema } from './recordings';

export const MAX_SESSION_EVENTS_PER_REQUEST = 500;

export const sessionEventTypeSchema = z.enum(['join', 'leave', 'mute', 'unmute', 'device-change']);
export type SessionEventType = z.infer<typeof sessionEventTypeSchema>;

/** One entry of a session's timeline as a client reports it. `eventId` makes retries idempotent. */
export const sessionEventInputSchema = z.strictObject({
  eventId: z.uuid().optional(),
  type: sessionEventTypeSchema,
  occurredAt: z.iso.datetime({ offset: true }),
  deviceId: plainText(1, 128).optional(),
  timezone: plainText(1, 64).optional(),
  /** Small free-form detail, e.g. the new device for `device-change`. */
  data: z
    .record(plainText(0, 64), z.union([plainText(0, 256), z.number(), z.boolean(), z.null()]))
    .optional(),
});
export type SessionEventInput = z.infer<typeof sessionEventInputSchema>;

export const sessionEventsRequestSchema = z.union([
  sessionEventInputSchema,
  z.strictObject({ events: z.array(sessionEventInputSchema).min(1).max(MAX_SESSION_EVENTS_PER_REQUEST) }),
]);

export const sessionEventsResponseSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
});

const isoRange = {
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
};

/** Keyset pagination over the caller's raw events, newest first. */
export const metricEventsQuerySchema = z.strictObject({
  ...isoRange,
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: z.string().max(200).optional(),
  userId: userIdSchema.optional(),
});
export type MetricEventsQuery = z.infer<typeof metricEventsQuerySchema>;

/** The caller's sessions with activity in a period, most recently active first (keyset-paginated). */
export const sessionsInPeriodQuerySchema = z.strictObject({
  ...isoRange,
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  userId: userIdSchema.optional(),
});
export type SessionsInPeriodQuery = z.infer<typeof sessionsInPeriodQuerySchema>;

/**
 * One session's activity of one user in a period, from the rollups the ingestor keeps: the period is
 * widened to whole five-minute buckets (the sentiment samples' resolution), which day ranges at any
 * real time zone's midnight already are.
 */
export const sessionInPeriodSchema = z.object({
  sessionId: z.string(),
  /** The last event's time (the list is ordered by its five-minute bucket). */
  lastActivityAt: z.string(),
  events: z.number().int(),
  talkedTimeMs: z.number(),
  sentimentMean: z.number().nullable(),
});
export type SessionInPeriod = z.infer<typeof sessionInPeriodSchema>;

export const sessionsInPeriodPageSchema = z.object({
  items: z.array(sessionInPeriodSchema),
  nextCursor: z.string().nullable(),
});
export type SessionsInPeriodPage = z.infer<typeof sessionsInPeriodPageSchema>;

export const metricsExportQuerySchema = z.strictObject({ ...isoRange, userId: userIdSchema.optional() });
export type MetricsExportQuery = z.infer<typeof metricsExportQuerySchema>;

export const storedMetricEventSchema = z.object({
  eventId: z.string(),
  userId: z.string(),
  sessionId: z.string().nullable(),
  deviceId: z.string().nullable(),
  talkedTimeMs: z.number(),
  microphoneUsed: z.boolean(),
  speakerUsed: z.boolean(),
  voiceSentiment: z.number(),
  voiceSentimentLabel: sentimentLabelSchema,
  recordedAt: z.string(),
  timezone: z.string().nullable(),
  platform: z.string().nullable(),
  appVersion: z.string().nullable(),
  source: z.enum(['api', 'recording']),
  recordingId: z.string().nullable(),
  participant: z.string().nullable(),
  counterpart: z.boolean(),
});
export type StoredMetricEvent = z.infer<typeof storedMetricEventSchema>;

export const metricEventsPageSchema = z.object({
  items: z.array(storedMetricEventSchema),
  nextCursor: z.string().nullable(),
});
export type MetricEventsPage = z.infer<typeof metricEventsPageSchema>;

export const sessionDetailSchema = z.object({
  id: z.string(),
  firstEventAt: z.string(),
  lastEventAt: z.string(),
  participants: z.array(
    z.object({
      userId: z.string(),
      deviceId: z.string(),
      joinedAt: z.string(),
      leftAt: z.string().nullable(),
      timezone: z.string().nullable(),
    }),
  ),
  timeline: z.array(
    z.object({
      eventId: z.string(),
      userId: z.string(),
      deviceId: z.string().nullable(),
      type: sessionEventTypeSchema,
      occurredAt: z.string(),
      data: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  sentiment: z.array(
    z.object({
      userId: z.string(),
      start: z.string(),
      samples: z.number(),
      mean: z.number(),
      min: z.number(),
      max: z.number(),
    }),
  ),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;
