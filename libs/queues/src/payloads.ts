import { MAX_EVENTS_PER_REQUEST, normalizedMetricEventSchema, webhookDeliveryBodySchema } from '@voicepulse/contracts';
import { z } from 'zod';
import { QUEUES, type QueueName } from './names';

/**
 * Carried by every job so the logs of one upload line up across services (the trace context
 * travels in the job's options, by BullMQ's telemetry: telemetry.ts). Never put secrets or audio
 * in a payload: jobs are visible to anyone with Redis access and kept after completion.
 */
const jobMeta = {
  correlationId: z.string().min(1).max(128),
};

export const transcodeJobSchema = z.object({
  recordingId: z.uuid(),
  userId: z.string().min(1),
  ...jobMeta,
});

export const scoreJobSchema = z.object({
  recordingId: z.uuid(),
  userId: z.string().min(1),
  ...jobMeta,
});

/**
 * Many events per job: one job per event caps throughput far below Postgres (NOTES.md). The gateway
 * queues one request's accepted events as one job, hence the request's limit.
 */
export const metricsJobSchema = z.object({
  events: z.array(normalizedMetricEventSchema).min(1).max(MAX_EVENTS_PER_REQUEST),
  ...jobMeta,
});

export const maintenanceJobSchema = z.object({
  task: z.enum(['ensure-partitions', 'drop-expired-partitions']),
  ...jobMeta,
});

export const housekeepingJobSchema = z.object({
  task: z.enum(['reconcile-recordings', 'expire-pending-uploads']),
  ...jobMeta,
});

/** One event for one endpoint. The endpoint's URL and secrets stay in Postgres, never in Redis. */
export const webhookJobSchema = webhookDeliveryBodySchema.extend({
  endpointId: z.uuid(),
  ...jobMeta,
});

export const JOB_SCHEMAS = {
  [QUEUES.transcode]: transcodeJobSchema,
  [QUEUES.score]: scoreJobSchema,
  [QUEUES.metrics]: metricsJobSchema,
  [QUEUES.maintenance]: maintenanceJobSchema,
  [QUEUES.housekeeping]: housekeepingJobSchema,
  [QUEUES.webhooks]: webhookJobSchema,
} as const satisfies Record<QueueName, z.ZodType>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof JOB_SCHEMAS)[Q]>;
export type TranscodeJob = JobPayload<'transcode'>;
export type ScoreJob = JobPayload<'score'>;
export type MetricsJob = JobPayload<'metrics'>;
export type MaintenanceJob = JobPayload<'maintenance'>;
export type HousekeepingJob = JobPayload<'housekeeping'>;
export type WebhookJob = JobPayload<'webhooks'>;

/**
 * Deterministic job ids make enqueueing idempotent: a retried request or a re-run stage adds the same
 * id, which BullMQ ignores while the first job is still known. (BullMQ forbids ':' in custom ids.)
 */
export const jobIds = {
  transcode: (recordingId: string) => `${recordingId}.transcode`,
  score: (recordingId: string) => `${recordingId}.score`,
  recordingMetric: (recordingId: string) => `${recordingId}.metric`,
  metricsBatch: (digest: string) => `batch.${digest}`,
  /** One delivery per event and endpoint, however often the stage that finished the recording runs. */
  webhook: (recordingId: string, status: string, endpointId: string) => `${recordingId}.${status}.${endpointId}`,
};
