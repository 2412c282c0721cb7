import {
  isMetricEventInput,
  legacyMetricEventSchema,
  MAX_FUTURE_SKEW_MS,
  metricEventSchema,
  sentimentLabelOf,
  sentimentScoreOf,
  userIdSchema,
  type LegacyMetricEventInput,
  type MetricEventInput,
  type NormalizedMetricEvent,
  type SentimentLabel,
} from '@voicepulse/contracts';
import { z } from 'zod';
import { contentUuid } from '@voicepulse/queues';
import { legacySessionUuid, type SessionScope } from './event-id';

const DAY_MS = 86_400_000;

export interface FieldError {
  path: string;
  message: string;
}

export interface RejectedEvent {
  index: number;
  errors: FieldError[];
}

export interface NormalizeContext {
  now: Date;
  retentionDays: number;
  /**
   * The user an event is stored for: the caller's own id when `requested` is absent, `requested`
   * when the caller may act for it, otherwise a message saying why not.
   */
  resolveUser(requested: string | undefined): { userId: string } | { error: string };
  /** How legacy (integer) session ids of this request map to session uuids. */
  sessionScope: SessionScope;
}

export type NormalizeOutcome =
  { ok: true; event: NormalizedMetricEvent } | { ok: false; errors: FieldError[] };

/** Keys only the snake_case shape has; one of them is enough to pick the legacy schema. */
const LEGACY_MARKERS = [
  'user_id',
  'talked_time',
  'timestamp',
  'microphone_used',
  'speaker_used',
  'voice_sentiment',
];

function isLegacyShape(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && LEGACY_MARKERS.some((k) => k in raw);
}

/** Per event; a body with 10,000 unknown fields must not produce a 10,000-line error report. */
const MAX_ERRORS_PER_EVENT = 20;

function zodErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: [...issue.path, key].join('.'), message: 'unknown field' });
    } else {
      out.push({ path: issue.path.map(String).join('.'), message: issue.message });
    }
  }
  if (out.length <= MAX_ERRORS_PER_EVENT) return out;
  return [
    ...out.slice(0, MAX_ERRORS_PER_EVENT),
    { path: '', message: `and ${out.length - MAX_ERRORS_PER_EVENT} more errors in this event` },
  ];
}

function checkWindow(recordedAtMs: number, path: string, ctx: NormalizeContext): FieldError | undefined {
  const now = ctx.now.getTime();
  if (recordedAtMs > now + MAX_FUTURE_SKEW_MS) {
    return { path, message: 'is more than 5 minutes in the future' };
  }
  if (recordedAtMs < now - ctx.retentionDays * DAY_MS) {
    return { path, message: `is older than the retention window (${ctx.retentionDays} days)` };
  }
  return undefined;
}

function sentiment(value: number | SentimentLabel): {
  voiceSentiment: number;
  voiceSentimentLabel: SentimentLabel;
} {
  const score = sentimentScoreOf(value);
  return {
    voiceSentiment: score,
    voiceSentimentLabel: typeof value === 'string' ? value : sentimentLabelOf(score),
  };
}

function fromCurrent(input: MetricEventInput, ctx: NormalizeContext): NormalizeOutcome {
  const recordedAtMs = Date.parse(input.recordedAt);
  const windowError = checkWindow(recordedAtMs, 'recordedAt', ctx);
  const user = ctx.resolveUser(input.userId);
  if (windowError || 'error' in user) {
    const errors: FieldError[] = windowError ? [windowError] : [];
    if ('error' in user) errors.push({ path: 'userId', message: user.error });
    return { ok: false, errors };
  }
  return {
    ok: true,
    event: {
      eventId: input.eventId.toLowerCase(),
      userId: user.userId,
      sessionId: input.sessionId?.toLowerCase() ?? null,
      deviceId: input.deviceId ?? null,
      talkedTimeMs: input.talkedTimeMs,
      microphoneUsed: input.microphoneUsed,
      speakerUsed: input.speakerUsed,
      ...sentiment(input.voiceSentiment),
      recordedAt: canonicalIso(input.recordedAt, recordedAtMs),
      timezone: input.timezone ?? null,
      platform: input.platform ?? null,
      appVersion: input.appVersion ?? null,
      source: 'api',
      recordingId: null,
      participant: input.participant ?? null,
      counterpart: input.counterpart ?? false,
    },
  };
}

/**
 * Times are stored as `toISOString()` renders them. A validated time already in that form
 * (`YYYY-MM-DDTHH:mm:ss.sssZ`, what most clients send) is kept as is instead of re-rendered.
 */
function canonicalIso(validated: string, ms: number): string {
  return validated.length === 24 && validated.endsWith('Z') && validated.charCodeAt(19) === 46 /* . */
    ? validated
    : new Date(ms).toISOString();
}

function fromLegacy(input: LegacyMetricEventInput, ctx: NormalizeContext): NormalizeOutcome {
  const recordedAtMs = input.timestamp * 1000;
  const errors: FieldError[] = [];
  const windowError = checkWindow(recordedAtMs, 'timestamp', ctx);
  if (windowError) errors.push(windowError);
  const requestedUser = String(input.user_id);
  if (!userIdSchema.safeParse(requestedUser).success)
    errors.push({ path: 'user_id', message: 'is not a valid user id' });
  const user = ctx.resolveUser(requestedUser);
  if ('error' in user) errors.push({ path: 'user_id', message: user.error });
  if (errors.length || 'error' in user) return { ok: false, errors };
  // No id from the client: derive one from everything it sent, so its retry maps to the same row.
  const eventId =
    input.event_id?.toLowerCase() ??
    contentUuid('voicepulse.legacy-event.v1', [
      input.user_id,
      input.session_id,
      input.device_id,
      input.talked_time,
      input.microphone_used,
      input.speaker_used,
      input.voice_sentiment,
      input.timestamp,
      input.timezone,
      input.platform,
      input.app_version,
    ]);
  return {
    ok: true,
    event: {
      eventId,
      userId: user.userId,
      sessionId:
        input.session_id === undefined ? null : legacySessionUuid(input.session_id, ctx.sessionScope),
      deviceId: input.device_id === undefined ? null : String(input.device_id),
      talkedTimeMs: Math.round(input.talked_time * 1000),
      microphoneUsed: input.microphone_used,
      speakerUsed: input.speaker_used,
      ...sentiment(input.voice_sentiment),
      recordedAt: new Date(recordedAtMs).toISOString(),
      timezone: input.timezone ?? null,
      platform: input.platform ?? null,
      appVersion: input.app_version ?? null,
      source: 'api',
      recordingId: null,
      participant: null,
      counterpart: false,
    },
  };
}

/** Validates one client event (documented or legacy shape) and resolves it to what the queue carries. */
export function normalizeEvent(raw: unknown, ctx: NormalizeContext): NormalizeOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  }
  // The common case skips zod: the compiled check accepts only what the schema would.
  if (isMetricEventInput(raw)) return fromCurrent(raw, ctx);
  const legacy = isLegacyShape(raw);
  const parsed = (legacy ? legacyMetricEventSchema : metricEventSchema).safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  return legacy
    ? fromLegacy(parsed.data as LegacyMetricEventInput, ctx)
    : fromCurrent(parsed.data as MetricEventInput, ctx);
}

export interface NormalizedBatch {
  events: NormalizedMetricEvent[];
  rejected: RejectedEvent[];
}

/** Normalises a request's events, keeping each rejected one's index so the client can fix exactly those. */
export function normalizeEvents(raws: readonly unknown[], ctx: NormalizeContext): NormalizedBatch {
  const events: NormalizedMetricEvent[] = [];
  const rejected: RejectedEvent[] = [];
  raws.forEach((raw, index) => {
    const outcome = normalizeEvent(raw, ctx);
    if (outcome.ok) events.push(outcome.event);
    else rejected.push({ index, errors: outcome.errors });
  });
  return { events, rejected };
}
