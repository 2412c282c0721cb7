import type { FailureCode } from '@voicepulse/contracts';
import { PermanentJobError, publishStatus, type JobContext } from '@voicepulse/queues';
import type { RecordingRow, RecordingsRepository } from '@voicepulse/recordings';
import type { Redis } from 'ioredis';

/** Row changes and their live broadcast, always together. */
export class StatusReporter {
  constructor(
    private readonly repo: RecordingsRepository,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async announce(row: RecordingRow | undefined): Promise<void> {
    if (!row) return;
    await publishStatus(this.redis, this.prefix, {
      id: row.id,
      status: row.status,
      ...(row.failureCode ? { failure: { code: row.failureCode, message: row.failureMessage ?? '' } } : {}),
      at: row.updatedAt.toISOString(),
    }).catch(() => undefined); // best effort: the row is the truth, SSE re-reads it on connect
  }

  async fail(id: string, code: FailureCode, message: string): Promise<void> {
    await this.announce(await this.repo.fail(id, code, message));
  }
}

/**
 * Runs a stage body; when a transient fault outlasts every retry, the recording is marked failed
 * (`internal`) with the reason, so it never sits in a working state forever. Permanent errors have
 * recorded their own, more specific, failure already.
 */
export async function failOnLastAttempt<T>(
  status: StatusReporter,
  recordingId: string,
  ctx: JobContext,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof PermanentJobError) && ctx.isFinalAttempt) {
      const reason = err instanceof Error ? err.message : String(err);
      await status
        .fail(recordingId, 'internal', `gave up after ${ctx.attempt} attempts: ${reason}`)
        .catch(() => undefined);
    }
    throw err;
  }
}
