import type { JobsOptions } from 'bullmq';
import { QUEUES, type QueueName } from './names';

export interface QueueSettings {
  job: JobsOptions;
  /** Longer than the slowest job so a busy worker is not mistaken for a dead one. */
  lockDurationMs: number;
  defaultConcurrency: number;
}

const retention = {
  // Bounded retention: enough to inspect recent history and dedupe re-adds, never unbounded growth.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
};

const backoff = { type: 'exponential', delay: 1_000, jitter: 0.5 } as const;

export const QUEUE_SETTINGS: Record<QueueName, QueueSettings> = {
  [QUEUES.transcode]: {
    job: { attempts: 8, backoff, ...retention },
    lockDurationMs: 120_000,
    defaultConcurrency: 2,
  },
  [QUEUES.score]: {
    job: { attempts: 8, backoff, ...retention },
    lockDurationMs: 120_000,
    defaultConcurrency: 2,
  },
  [QUEUES.metrics]: {
    // Many attempts: a Postgres outage must delay events, never drop them. Jobs carry up to ~1 MB of
    // events and rows are deduplicated by event id, so completed jobs are kept only briefly: the
    // shared retention would let them hold gigabytes of Redis memory.
    job: {
      attempts: 25,
      backoff: { type: 'exponential', delay: 500, jitter: 0.5 },
      removeOnComplete: { age: 600, count: 1_000 },
      removeOnFail: { age: 14 * 24 * 3600, count: 1_000 },
    },
    lockDurationMs: 60_000,
    defaultConcurrency: 64,
  },
  [QUEUES.maintenance]: {
    job: { attempts: 5, backoff, ...retention },
    lockDurationMs: 300_000,
    defaultConcurrency: 1,
  },
  [QUEUES.housekeeping]: {
    // Each run is idempotent and the next scheduled one repeats it: few attempts are enough.
    job: { attempts: 3, backoff, ...retention },
    lockDurationMs: 300_000,
    defaultConcurrency: 1,
  },
  [QUEUES.webhooks]: {
    // A receiver down for a while still gets its event: 12 attempts, 2 s doubling (capped by the
    // exponent at ~34 min between the last two), about 70 minutes in all; then the job waits in
    // the failed set, where `npm run jobs -- retry webhooks` replays it.
    job: { attempts: 12, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 }, ...retention },
    // One attempt is bounded by the 10 s receiver timeout plus DNS.
    lockDurationMs: 60_000,
    // Deliveries wait on other people's servers, not on our CPU.
    defaultConcurrency: 16,
  },
};
