import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ALL_QUEUES, type QueueName } from './names';

export interface FailedJob {
  queue: QueueName;
  id: string;
  /** BullMQ's failedReason: the error message of the last attempt (PermanentJobError codes included). */
  reason: string;
  attemptsMade: number;
  failedAt: string | null;
  correlationId: string | null;
  /** First line of the last stack trace, enough to tell a bug from an outage without reading logs. */
  where: string | null;
}

export interface QueueCounts {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export class UnknownQueueError extends Error {
  constructor(readonly queue: string) {
    super(`unknown queue "${queue}"; expected one of ${ALL_QUEUES.join(', ')}`);
    this.name = 'UnknownQueueError';
  }
}

export function parseQueueName(name: string): QueueName {
  if (!(ALL_QUEUES as string[]).includes(name)) throw new UnknownQueueError(name);
  return name as QueueName;
}

/**
 * Failed jobs you can see and replay without reading logs: shared by `npm run jobs` and the admin
 * API. Read-mostly; the only writes are the explicit retry and purge an operator asks for.
 */
export class JobInspector {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Every queue, opened lazily: Bull Board and the gauges need the Queue objects themselves. */
  all(): Queue[] {
    return ALL_QUEUES.map((n) => this.queue(n));
  }

  async counts(names: QueueName[] = ALL_QUEUES): Promise<QueueCounts[]> {
    return Promise.all(
      names.map(async (queue) => {
        const c = await this.queue(queue).getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed');
        return {
          queue,
          waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
        };
      }),
    );
  }

  /** Newest first, `limit` per queue. */
  async failed(names: QueueName[] = ALL_QUEUES, limit = 50): Promise<FailedJob[]> {
    const perQueue = await Promise.all(
      names.map(async (queue) => {
        const jobs = await this.queue(queue).getFailed(0, Math.max(0, limit - 1));
        return jobs.filter(Boolean).map(
          (job): FailedJob => ({
            queue,
            id: String(job.id),
            reason: job.failedReason ?? '',
            attemptsMade: job.attemptsMade,
            failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
            correlationId: (job.data as { correlationId?: string } | undefined)?.correlationId ?? null,
            where: job.stacktrace?.at(-1)?.split('\n')[1]?.trim() ?? null,
          }),
        );
      }),
    );
    return perQueue.flat();
  }

  /**
   * Moves failed jobs back to waiting with a fresh attempt budget (one id, or all of a queue).
   * Returns how many were moved.
   */
  async retry(name: QueueName, jobId?: string): Promise<number> {
    const queue = this.queue(name);
    if (jobId !== undefined) {
      const job = await queue.getJob(jobId);
      if (!job || !(await job.isFailed())) return 0;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 1;
    }
    let moved = 0;
    // Page through by id rather than retryJobs(): each job gets its attempt counters reset.
    for (;;) {
      const batch = (await queue.getFailed(0, 499)).filter(Boolean);
      if (!batch.length) return moved;
      for (const job of batch) {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        moved++;
      }
    }
  }

  /** Deletes failed jobs older than `graceMs` (0 = all). Returns how many were removed. */
  async purge(name: QueueName, graceMs = 0): Promise<number> {
    let removed = 0;
    for (;;) {
      const ids = await this.queue(name).clean(graceMs, 1_000, 'failed');
      removed += ids.length;
      if (ids.length < 1_000) return removed;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
