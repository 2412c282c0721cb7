import { TERMINAL_STATUSES, type FailureCode } from '@voicepulse/contracts';
import { PermanentJobError, publishStatus, type JobContext } from '@voicepulse/queues';
import type { RecordingRow, RecordingsRepository } from '@voicepulse/recordings';
import type { Redis } from 'ioredis';

/** Told once a recording's terminal status is in Postgres (the webhook fan-out). */
export interface TerminalStatusListener {
  recordingFinished(row: RecordingRow): Promise<unknown>;
}

/** Row changes and their live broadcast, always together. */
export class StatusReporter {
  constructor(
    private readonly repo: RecordingsRepository,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly listener: TerminalStatusListener,
  ) {}

  async announce(row: RecordingRow | undefined): Promise<void> {
    if (!row) return;
    await publishStatus(this.redis, this.prefix, {
      id: row.id,
      status: row.status,
      ...(row.failureCode ? { failure: { code: row.failureCode, message: row.failureMessage ?? '' } } : {}),
      at: row.updatedAt.toISOString(),
    }).catch(() => undefined); // best effort: the row is the truth, SSE re-reads it on connect
    await this.finished(row);
  }

  /**
   * Hands a terminal row to the listener. Not best effort: a failure fails the stage's attempt, and
   * the retry, finding the row already terminal, calls this again (the listener is idempotent).
   */
  async finished(row: RecordingRow): Promise<void> {
    if (TERMINAL_STATUSES.includes(row.status)) await this.listener.recordingFinished(row);
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
