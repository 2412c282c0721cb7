import type { Logger } from '@voicepulse/logger';
import { Worker, type Job, UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { PermanentJobError, toBullError } from './errors';
import type { QueueName } from './names';
import type { JobPayload } from './payloads';
import { safeParsePayload } from './prechecks';
import { QUEUE_SETTINGS } from './settings';
import { queueTelemetry } from './telemetry';

export interface JobContext {
  job: Job;
  logger: Logger;
  attempt: number;
  /** True on the last attempt: handlers record a permanent failure instead of leaving it to retries. */
  isFinalAttempt: boolean;
}

export interface ConsumerOptions<Q extends QueueName> {
  queue: Q;
  connection: Redis;
  prefix: string;
  logger: Logger;
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  handler: (payload: JobPayload<Q>, ctx: JobContext) => Promise<void>;
  onJobDone?: (outcome: 'completed' | 'failed' | 'retry', durationMs: number) => void;
}

/**
 * The one way a service consumes a queue: payloads are validated against the same schema the
 * producer used, invalid ones fail permanently, and every log line carries the correlation id.
 */
export function createConsumer<Q extends QueueName>(opts: ConsumerOptions<Q>): Worker {
  const settings = QUEUE_SETTINGS[opts.queue];
  const worker = new Worker(
    opts.queue,
    async (job: Job) => {
      const started = performance.now();
      const parsed = safeParsePayload(opts.queue, job.data);
      const correlationId = (job.data as { correlationId?: string })?.correlationId ?? job.id ?? 'unknown';
      const logger = opts.logger.child({
        correlationId,
        queue: opts.queue,
        jobId: job.id,
        attempt: job.attemptsMade + 1,
      });
      const maxAttempts = job.opts.attempts ?? 1;
      try {
        if (!parsed.success) {
          throw new PermanentJobError(
            `invalid ${opts.queue} payload: ${parsed.error.message}`,
            'invalid_payload',
          );
        }
        await opts.handler(parsed.data as JobPayload<Q>, {
          job,
          logger,
          attempt: job.attemptsMade + 1,
          isFinalAttempt: job.attemptsMade + 1 >= maxAttempts,
        });
        opts.onJobDone?.('completed', performance.now() - started);
      } catch (err) {
        const bullErr = toBullError(err);
        const permanent = bullErr instanceof UnrecoverableError || job.attemptsMade + 1 >= maxAttempts;
        logger[permanent ? 'error' : 'warn'](
          { err },
          permanent ? 'job failed permanently' : 'job failed, will retry',
        );
        opts.onJobDone?.(permanent ? 'failed' : 'retry', performance.now() - started);
        throw bullErr;
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency ?? settings.defaultConcurrency,
      lockDuration: opts.lockDurationMs ?? settings.lockDurationMs,
      stalledInterval:
        opts.stalledIntervalMs ?? Math.min(30_000, opts.lockDurationMs ?? settings.lockDurationMs),
      maxStalledCount: 3,
      autorun: false,
      telemetry: queueTelemetry(),
    },
  );
  worker.on('error', (err) => opts.logger.warn({ err }, 'worker connection error'));
  return worker;
}
