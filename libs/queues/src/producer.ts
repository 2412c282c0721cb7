import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueName } from './names';
import type { JobPayload } from './payloads';
import { parsePayload } from './prechecks';
import { QUEUE_SETTINGS } from './settings';
import { queueTelemetry } from './telemetry';

export interface Producer<Q extends QueueName> {
  readonly queue: Queue;
  add(payload: JobPayload<Q>, opts: { jobId: string } & Omit<JobsOptions, 'jobId'>): Promise<void>;
  addBulk(items: { payload: JobPayload<Q>; jobId: string }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Producers validate before enqueueing: a bad payload is a programming error here, and it is far
 * cheaper to fail at the producer than to let a worker discover it later.
 */
export function createProducer<Q extends QueueName>(name: Q, connection: Redis, prefix: string): Producer<Q> {
  const queue = new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: QUEUE_SETTINGS[name].job,
    telemetry: queueTelemetry(),
  });
  queue.on('error', () => undefined);
  return {
    queue,
    async add(payload, opts) {
      const data = parsePayload(name, payload);
      await queue.add(name, data, opts);
    },
    async addBulk(items) {
      if (!items.length) return;
      await queue.addBulk(
        items.map((i) => ({ name, data: parsePayload(name, i.payload), opts: { jobId: i.jobId } })),
      );
    },
    close: () => queue.close(),
  };
}
