import type { z } from 'zod';
import type { QueueName } from './names';
import { isMetricsJob } from './payload-validators.generated';
import { JOB_SCHEMAS, type JobPayload } from './payloads';

/*
 * Validators generated from the schemas (scripts/lib/validators.ts) for queues whose jobs are big
 * enough for zod to show in a profile: a metrics job carries up to MAX_EVENTS_PER_REQUEST events
 * and is checked at both ends of the queue (zod took ~1.5 µs per event per check, plus the garbage
 * of its copy; bench/validators compares). Each accepts only what the schema accepts, as the schema
 * would output it, so a payload it accepts is used as is; anything else goes through the schema,
 * which either accepts it (filling defaults, stripping unknown keys) or gives the precise reason a
 * malformed job fails with.
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
