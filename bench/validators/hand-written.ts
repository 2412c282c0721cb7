/**
 * The hand-compiled checks the generated validators replaced, as they were at 7d4c470
 * (libs/contracts/src/metrics.ts and libs/queues/src/prechecks.ts), kept only as this benchmark's
 * baseline: the figure the generated code is held to. Nothing else may import it.
 */
import {
  MAX_PARTICIPANT_NAME,
  MAX_TALKED_TIME_MS,
  isIanaTimezone,
  isPlainText,
  metricEventSchema,
  normalizedMetricEventSchema,
  sentimentLabelSchema,
  userIdSchema,
  type MetricEventInput,
  type NormalizedMetricEvent,
} from '@voicepulse/contracts';
import type { MetricsJob } from '@voicepulse/queues';
import { z } from 'zod';

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
function isNormalizedMetricEvent(v: unknown): v is NormalizedMetricEvent {
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

const METRICS_JOB_KEYS = new Set(['events', 'correlationId', 'traceparent']);

/** `metricsJobSchema` compiled by hand: same bounds, unknown keys refused (see isNormalizedMetricEvent). */
export function isMetricsJob(v: unknown): v is MetricsJob {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const job = v as Record<string, unknown>;
  for (const k in job) if (Object.hasOwn(job, k) && !METRICS_JOB_KEYS.has(k)) return false;
  const { events, correlationId, traceparent } = job;
  if (typeof correlationId !== 'string' || correlationId.length < 1 || correlationId.length > 128)
    return false;
  if ('traceparent' in job && (typeof traceparent !== 'string' || traceparent.length > 128)) return false;
  if (!Array.isArray(events) || events.length < 1 || events.length > 5_000) return false;
  for (const e of events) if (!isNormalizedMetricEvent(e)) return false;
  return true;
}
