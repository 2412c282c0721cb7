import { isNormalizedMetricEvent } from '@voicepulse/contracts';
import type { z } from 'zod';
import type { QueueName } from './names';
import { JOB_SCHEMAS, type JobPayload, type MetricsJob } from './payloads';

const METRICS_JOB_KEYS = new Set(['events', 'correlationId']);

/** `metricsJobSchema` compiled by hand: same bounds, unknown keys refused (see isNormalizedMetricEvent). */
function isMetricsJob(v: unknown): v is MetricsJob {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const job = v as Record<string, unknown>;
  for (const k in job) if (Object.hasOwn(job, k) && !METRICS_JOB_KEYS.has(k)) return false;
  const { events, correlationId } = job;
  if (typeof correlationId !== 'string' || correlationId.length < 1 || correlationId.length > 128) return false;
  if (!Array.isArray(events) || events.length < 1 || events.length > 5_000) return false;
  for (const e of events) if (!isNormalizedMetricEvent(e)) return false;
  return true;
}

/*
 * Hand-compiled checks for queues whose jobs are big enough for schema validation to show in a
 * profile: a metrics job carries up to 5,000 events and is checked at both ends of the queue
 * (zod took ~1.5 µs per event per check, plus the garbage of its copy). Each check accepts only
 * what the schema accepts, so a payload it accepts is used as is; anything else goes through the
 * schema, which either accepts it or gives the precise reason a malformed job fails with.
 */
const PRECHECKS: { [Q in QueueName]?: (v: unknown) => boolean } = { metrics: isMetricsJob };

export function safeParsePayload<Q extends QueueName>(
  queue: Q,
  data: unknown,
): { success: true; data: JobPayload<Q> } | { success: false; error: z.ZodError } {
  if (PRECHECKS[queue]?.(data)) return { success: true, data: data as JobPayload<Q> };
  const parsed = (JOB_SCHEMAS[queue] as z.ZodType).safeParse(data);
  return parsed.success ? { success: true, data: parsed.data as JobPayload<Q> } : { success: false, error: parsed.error };
}

/** Like the schema's `parse`: returns the valid payload, throws the ZodError otherwise. */
export function parsePayload<Q extends QueueName>(queue: Q, data: unknown): JobPayload<Q> {
  const parsed = safeParsePayload(queue, data);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}
