import { AudioError, CONTENT_TYPES, transcodeToCanonical, type SniffedFormat } from '@voicepulse/audio';
import {
  PermanentJobError,
  jobIds,
  type JobContext,
  type Producer,
  type TranscodeJob,
} from '@voicepulse/queues';
import { blobKeys, deleteRecordingBlobs, type RecordingsRepository } from '@voicepulse/recordings';
import type { BlobStore } from '@voicepulse/storage';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestWhileReading } from './input-digest';
import { failOnLastAttempt, type StatusReporter } from './status';

export interface TranscodeStageDeps {
  repo: RecordingsRepository;
  store: BlobStore;
  status: StatusReporter;
  scoreProducer: Producer<'score'>;
  maxDurationS: number;
  /** Wall-clock bound on decoding one recording (ffmpeg is killed past it). */
  timeoutMs?: number;
  ffmpegPath?: string;
}

const FORMAT_BY_TYPE = new Map(Object.entries(CONTENT_TYPES).map(([f, t]) => [t, f as SniffedFormat]));

/**
 * transcode job: original → canonical 16 kHz mono WAV next to it → score job. Safe to run twice:
 * a recording already past this stage only gets its (deduplicated) score job re-sent.
 */
export function transcodeStage(deps: TranscodeStageDeps) {
  const enqueueScore = (job: TranscodeJob) =>
    deps.scoreProducer.add(
      { recordingId: job.recordingId, userId: job.userId, correlationId: job.correlationId },
      { jobId: jobIds.score(job.recordingId) },
    );

  return (job: TranscodeJob, ctx: JobContext): Promise<void> =>
    failOnLastAttempt(deps.status, job.recordingId, ctx, async () => {
      const row = await deps.repo.get(job.recordingId, null);
      if (!row) {
        ctx.logger.info('recording was deleted; nothing to transcode');
        return;
      }
      if (row.status === 'failed') {
        // Failed by an earlier attempt that may have crashed before its notifications went out.
        await deps.status.finished(row);
        return;
      }
      if (row.status !== 'uploaded' && row.status !== 'transcoding') {
        await enqueueScore(job);
        return;
      }
      const format = FORMAT_BY_TYPE.get(row.contentType);
      if (!format) {
        await deps.status.fail(row.id, 'unsupported_audio', `unsupported content type ${row.contentType}`);
        throw new PermanentJobError(`unsupported content type ${row.contentType}`, 'unsupported_audio');
      }
      await deps.status.announce(
        await deps.repo.transition(row.id, ['uploaded', 'transcoding'], 'transcoding'),
      );

      const normalizedKey = blobKeys.normalized(row.userId, row.id);
      // A direct upload arrives without a digest (the gateway only sniffed its head): hash it here.
      const input = row.sha256 ? undefined : digestWhileReading(await deps.store.get(row.originalKey));
      // The canonical WAV goes to a local file as it is decoded and from there to the store, so
      // a two-hour recording costs disk, not hundreds of MB of worker memory.
      const work = await mkdtemp(join(tmpdir(), 'vp-transcode-stage-'));
      let result;
      let sha256;
      try {
        const outputPath = join(work, 'normalized.wav');
        try {
          result = await transcodeToCanonical(input?.stream ?? (await deps.store.get(row.originalKey)), {
            format,
            maxDurationS: deps.maxDurationS,
            timeoutMs: deps.timeoutMs,
            ffmpegPath: deps.ffmpegPath,
            outputPath,
          });
        } catch (err) {
          if (err instanceof AudioError) {
            await deps.status.fail(row.id, err.code, err.message);
            throw new PermanentJobError(err.message, err.code);
          }
          throw err;
        }
        sha256 = input && (await input.finish(deps.store, row.originalKey, row.sizeBytes));
        await deps.store.put(normalizedKey, createReadStream(outputPath), { contentType: 'audio/wav' });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      const moved = await deps.repo.transition(row.id, ['transcoding'], 'transcoded', {
        normalizedKey,
        durationMs: Math.round(result.info.durationMs),
        sampleRate: result.info.sampleRate,
        channels: result.info.channels,
        codec: result.info.codec,
        ...(sha256 && { sha256 }),
      });
      if (!moved && !(await deps.repo.get(row.id, null))) {
        // Deleted while ffmpeg ran: the delete may have listed the prefix before our WAV existed.
        await deleteRecordingBlobs(deps.store, row.userId, row.id);
        ctx.logger.info('recording was deleted while transcoding; its blobs are removed');
        return;
      }
      await deps.status.announce(moved);
      ctx.logger.info({ durationMs: result.info.durationMs, codec: result.info.codec }, 'transcoded');
      await enqueueScore(job);
    });
}
