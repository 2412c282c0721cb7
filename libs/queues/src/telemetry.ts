import { tracingEnabled } from '@voicepulse/tracing';
import { BullMQOtel } from 'bullmq-otel';

/**
 * BullMQ's own telemetry: the producer's context travels in the job's options and the worker runs
 * the processor inside a span continuing it, so pg/Redis/storage spans of a job join the trace of
 * the request that enqueued it. Undefined while tracing is off, so BullMQ does no telemetry work
 * and stores no trace metadata in jobs.
 */
export const queueTelemetry = (): BullMQOtel | undefined =>
  tracingEnabled() ? new BullMQOtel({ tracerName: 'bullmq' }) : undefined;
