import { AudioError, CONTENT_TYPES, transcodeToCanonical, type SniffedFormat } from '@voicepulse/audio';
import { channelLayoutFieldSchema, channelLayoutProblem } from '@voicepulse/contracts';
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
import type { Readable } from 'node:stream';
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
 * transcode job: original → canonical 16 kHz mono WAV next to it (plus one canonical mono WAV per
 * channel when the upload declared a channel layout) → score job. Safe to run twice: a recording
 * already past this stage only gets its (deduplicated) score job re-sent.
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
        const decode = async (from: Readable, path: string, channel?: number) => {
          try {
            return await transcodeToCanonical(from, {
              format,
              maxDurationS: deps.maxDurationS,
              timeoutMs: deps.timeoutMs,
              ffmpegPath: deps.ffmpegPath,
              outputPath: path,
              channel,
            });
          } catch (err) {
            if (err instanceof AudioError) {
              await deps.status.fail(row.id, err.code, err.message);
              throw new PermanentJobError(err.message, err.code);
            }
            throw err;
          }
        };
        result = await decode(input?.stream ?? (await deps.store.get(row.originalKey)), outputPath);
        sha256 = input && (await input.finish(deps.store, row.originalKey, row.sizeBytes));
        // Only now is the channel count of every container known (the gateway checks WAV headers).
        if (row.channelLayout) {
          const layout = channelLayoutFieldSchema.parse(row.channelLayout);
          const problem = channelLayoutProblem(layout, result.info.channels);
          if (problem) {
            await deps.status.fail(row.id, 'channel_layout_mismatch', problem);
            throw new PermanentJobError(problem, 'channel_layout_mismatch');
          }
          // Each channel decoded on its own from the original, so each speaker's VAD hears only them.
          for (let c = 0; c < result.info.channels; c++) {
            const channelPath = join(work, `channel-${c}.wav`);
            await decode(await deps.store.get(row.originalKey), channelPath, c);
            await deps.store.put(blobKeys.channel(row.userId, row.id, c), createReadStream(channelPath), {
              contentType: 'audio/wav',
            });
          }
        }
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
