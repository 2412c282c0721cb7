import { z } from 'zod';
import { userIdSchema } from './auth';
import { sentimentLabelSchema, type SentimentLabel } from './recordings';
import { isPlainText, plainText } from './text';

export const MAX_EVENTS_PER_REQUEST = 5_000;
export const MAX_TALKED_TIME_MS = 86_400_000;
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_PARTICIPANT_NAME = 64;

/*
 * Checking a zone means constructing an Intl.DateTimeFormat (~70 µs) — more than the rest of an
 * event's validation together — so answers are memoised; the same handful of zones recur. Bounded
 * so a client sending random strings cannot grow it without limit.
 */
const zoneValidity = new Map<string, boolean>();
const MAX_REMEMBERED_ZONES = 2_000;

export function isIanaTimezone(tz: string): boolean {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneValidity.size < MAX_REMEMBERED_ZONES) zoneValidity.set(tz, valid);
  }
  return valid;
}

const UUID = z.regexes.uuid();

const HEX = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/**
 * z.uuid()'s regex, answered by a character loop for the usual case (a version 1–8, variant 10xx
 * UUID: ~4× faster than the regex, and every event carries two or three ids); anything else, such
 * as the nil and max UUIDs, is left to the regex itself.
 */
function isUuid(s: string): boolean {
  if (s.length === 36) {
    let ok = true;
    for (let i = 0; i < 36 && ok; i++) {
      const c = s.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23)
        ok = c === 45; // '-'
      else if (i === 14)
        ok = c >= 49 && c <= 56; // '1'-'8'
      else if (i === 19)
        ok = c === 56 || c === 57 || c === 97 || c === 98 || c === 65 || c === 66; // 89abAB
      else ok = c < 128 && HEX[c] === 1;
    }
    if (ok) return true;
  }
  return UUID.test(s);
}
const DATETIME_WITH_OFFSET = z.regexes.datetime({ offset: true });
const SENTIMENT_LABELS: ReadonlySet<unknown> = new Set(sentimentLabelSchema.options);

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

const MAX_EVENT_ID_OR_NAME = 128;
const METRIC_EVENT_KEYS: ReadonlySet<string> = new Set(Object.keys(metricEventSchema.shape));
const optionalString = (v: unknown, min: number, max: number) =>
  v === undefined || (typeof v === 'string' && v.length >= min && v.length <= max && isPlainText(v));

/**
 * `metricEventSchema` compiled by hand for the ingestion endpoint (up to 5,000 events per request):
 * accepts only what the schema accepts (differential test in normalized-event-check.test.ts), so a
 * caller may use an accepted value as the schema's output, and must send anything it refuses
 * through the schema for the field-by-field reasons.
 */
export function isMetricEventInput(v: unknown): v is MetricEventInput {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  for (const k in e) if (Object.hasOwn(e, k) && !METRIC_EVENT_KEYS.has(k)) return false;
  const { voiceSentiment: s, timezone: tz } = e;
  return (
    typeof e.eventId === 'string' &&
    isUuid(e.eventId) &&
    (e.userId === undefined || userIdSchema.safeParse(e.userId).success) &&
    (e.sessionId === undefined || (typeof e.sessionId === 'string' && isUuid(e.sessionId))) &&
    optionalString(e.deviceId, 1, MAX_EVENT_ID_OR_NAME) &&
    Number.isInteger(e.talkedTimeMs) &&
    (e.talkedTimeMs as number) >= 0 &&
    (e.talkedTimeMs as number) <= MAX_TALKED_TIME_MS &&
    typeof e.microphoneUsed === 'boolean' &&
    typeof e.speakerUsed === 'boolean' &&
    ((typeof s === 'number' && s >= -1 && s <= 1) || SENTIMENT_LABELS.has(s)) &&
    typeof e.recordedAt === 'string' &&
    DATETIME_WITH_OFFSET.test(e.recordedAt) &&
    (tz === undefined || (typeof tz === 'string' && tz.length <= 64 && isIanaTimezone(tz))) &&
    optionalString(e.platform, 1, 32) &&
    optionalString(e.appVersion, 1, 32) &&
    optionalString(e.participant, 1, MAX_PARTICIPANT_NAME) &&
    (e.counterpart === undefined || typeof e.counterpart === 'boolean')
  );
}

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

const NORMALIZED_EVENT_KEYS = Object.keys(normalizedMetricEventSchema.shape).length;

const uuidOrNull = (v: unknown) => v === null || (typeof v === 'string' && isUuid(v));
const stringOrNull = (v: unknown, max: number) => v === null || (typeof v === 'string' && v.length <= max);

/**
 * `normalizedMetricEventSchema` compiled by hand, for the queue's hot path: every job carries up
 * to 5,000 of these and is checked by its producer and again by its consumer. It accepts exactly
 * what the schema accepts (same regexes, same bounds; differential test in contracts.test.ts) and
 * additionally refuses unknown keys, so an accepted value equals what the schema would output and
 * can be used without a copy. Callers send whatever it refuses through the schema, which then
 * either accepts it or says precisely why not.
 */
export function isNormalizedMetricEvent(v: unknown): v is NormalizedMetricEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  let keys = 0;
  for (const k in e) if (Object.hasOwn(e, k)) keys++;
  return (
    keys === NORMALIZED_EVENT_KEYS &&
    typeof e.eventId === 'string' &&
    isUuid(e.eventId) &&
    typeof e.userId === 'string' &&
    e.userId.length >= 1 &&
    e.userId.length <= 128 &&
    uuidOrNull(e.sessionId) &&
    stringOrNull(e.deviceId, 128) &&
    Number.isInteger(e.talkedTimeMs) &&
    (e.talkedTimeMs as number) >= 0 &&
    (e.talkedTimeMs as number) <= MAX_TALKED_TIME_MS &&
    typeof e.microphoneUsed === 'boolean' &&
    typeof e.speakerUsed === 'boolean' &&
    typeof e.voiceSentiment === 'number' &&
    e.voiceSentiment >= -1 &&
    e.voiceSentiment <= 1 &&
    SENTIMENT_LABELS.has(e.voiceSentimentLabel) &&
    typeof e.recordedAt === 'string' &&
    DATETIME_WITH_OFFSET.test(e.recordedAt) &&
    stringOrNull(e.timezone, Infinity) &&
    stringOrNull(e.platform, Infinity) &&
    stringOrNull(e.appVersion, Infinity) &&
    (e.source === 'api' || e.source === 'recording') &&
    uuidOrNull(e.recordingId) &&
    stringOrNull(e.participant, MAX_PARTICIPANT_NAME) &&
    typeof e.counterpart === 'boolean'
  );
}

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
