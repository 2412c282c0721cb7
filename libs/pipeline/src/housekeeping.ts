import { jobIds, type Producer } from '@voicepulse/queues';
import { deleteRecordingBlobs, type RecordingsRepository } from '@voicepulse/recordings';
import type { BlobStore } from '@voicepulse/storage';

export interface HousekeepingDeps {
  repo: RecordingsRepository;
  store: BlobStore;
  transcodeProducer: Producer<'transcode'>;
  scoreProducer: Producer<'score'>;
}

/**
 * Re-enqueues the stage job of every recording stuck in a non-terminal state for `stuckAfterMs`.
 * Job ids are deterministic, so a job that still exists (waiting, delayed, retrying) is not
 * duplicated; one that finished while its recording did not move on (its outcome was lost) is
 * replaced. Stages are idempotent, so a re-run of a recording that was merely slow is harmless.
 */
export async function reconcileStuckRecordings(
  deps: HousekeepingDeps,
  stuckAfterMs: number,
): Promise<{ requeued: string[] }> {
  const requeued: string[] = [];
  for (const row of await deps.repo.stuck(stuckAfterMs)) {
    const transcode = row.status === 'uploaded' || row.status === 'transcoding';
    const producer: Producer<'transcode'> | Producer<'score'> = transcode
      ? deps.transcodeProducer
      : deps.scoreProducer;
    const jobId = transcode ? jobIds.transcode(row.id) : jobIds.score(row.id);
    const existing = await producer.queue.getJob(jobId);
    const state = existing ? await existing.getState() : undefined;
    if (state === 'completed' || state === 'failed') await existing!.remove();
    else if (state !== undefined && state !== 'unknown') continue;
    await producer.add(
      { recordingId: row.id, userId: row.userId, correlationId: row.correlationId ?? `reconcile.${row.id}` },
      { jobId },
    );
    requeued.push(row.id);
  }
  return { requeued };
}

/**
 * Deletes direct uploads still pending `olderThanMs` after they were signed, with whatever the
 * client put in the staging key. A /complete racing this wins: the row is deleted only while pending.
 */
export async function expirePendingUploads(
  deps: Pick<HousekeepingDeps, 'repo' | 'store'>,
  olderThanMs: number,
): Promise<{ expired: string[] }> {
  const expired: string[] = [];
  for (const row of await deps.repo.expiredPending(olderThanMs)) {
    if (!(await deps.repo.deletePending(row.id))) continue;
    await deleteRecordingBlobs(deps.store, row.userId, row.id);
    expired.push(row.id);
  }
  return { expired };
}
