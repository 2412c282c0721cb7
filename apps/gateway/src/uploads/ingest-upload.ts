import { CONTENT_TYPES, SNIFF_BYTES, readWavLayout, sniffFormat } from '@voicepulse/audio';
import {
  channelLayoutProblem,
  recordingMetadataSchema,
  toFieldIssues,
  type RecordingMetadata,
  type UploadAccepted,
} from '@voicepulse/contracts';
import { jobIds } from '@voicepulse/queues';
import { blobKeys, type RecordingRow } from '@voicepulse/recordings';
import { TooLargeError } from '@voicepulse/storage';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { GatewayDeps } from '../deps';
import { HttpError, notFound, unavailable } from '../http/errors';
import { admitSessionWrites } from '@voicepulse/ingest';
import { peekHead } from './head';
import { WAV_GUARD_BYTES, wavHeaderProblem } from './wav-guard';

export interface UploadContext {
  userId: string;
  correlationId: string;
  idempotencyKey?: string;
}

/** Validates metadata strings from a form or a query string into the typed upload metadata. */
export function parseMetadata(fields: Record<string, unknown>): RecordingMetadata {
  const parsed = recordingMetadataSchema.safeParse(fields);
  if (!parsed.success)
    throw new HttpError(400, 'invalid_metadata', 'invalid recording metadata', toFieldIssues(parsed.error));
  return parsed.data;
}

export interface StoredAudio {
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** From a WAV header; other containers' channel counts are known only once the transcoder decodes. */
  channels: number | null;
}

/** A WAV's channel count from its head, or null when the head does not reach the data chunk. */
export function wavChannels(head: Buffer): number | null {
  try {
    return readWavLayout(head)?.channels ?? null;
  } catch {
    return null; // wavHeaderProblem has judged the header already; the transcoder has the last word
  }
}

/**
 * Streams one audio body into storage: sniff the magic bytes first (nothing is stored for a
 * non-audio body), hash and size-limit while streaming, and return the stored object's facts.
 */
export async function storeAudio(
  deps: GatewayDeps,
  body: Readable,
  key: string,
): Promise<StoredAudio> {
  const { head, stream, discard } = await peekHead(body, Math.max(SNIFF_BYTES, WAV_GUARD_BYTES));
  if (head.length === 0) throw new HttpError(400, 'empty_upload', 'the uploaded file is empty');
  const format = sniffFormat(head);
  if (!format) {
    discard();
    throw new HttpError(
      415,
      'unsupported_media_type',
      'not a recognised audio format (WAV, WebM, Ogg, MP3, MP4/M4A or FLAC)',
    );
  }
  const wavProblem = format === 'wav' ? wavHeaderProblem(head) : null;
  if (wavProblem) {
    discard();
    throw new HttpError(400, 'corrupt_audio', wavProblem);
  }
  const contentType = CONTENT_TYPES[format];
  try {
    const put = await deps.store.put(key, stream, { contentType, maxBytes: deps.config.MAX_UPLOAD_BYTES });
    deps.bytesStored.inc(put.sizeBytes);
    return {
      contentType,
      sizeBytes: put.sizeBytes,
      sha256: put.sha256,
      channels: format === 'wav' ? wavChannels(head) : null,
    };
  } catch (err) {
    discard();
    if (err instanceof TooLargeError) {
      throw new HttpError(
        413,
        'payload_too_large',
        `the file exceeds the ${deps.config.MAX_UPLOAD_BYTES}-byte limit`,
      );
    }
    throw err;
  }
}

/**
 * The recording columns an upload's metadata fills: one mapping for streamed uploads (form or
 * query string) and direct ones (JSON), which carry the same fields.
 */
export function metadataColumns(meta: RecordingMetadata) {
  return {
    sessionId: meta.sessionId ?? null,
    deviceId: meta.deviceId ?? null,
    microphoneUsed: meta.microphoneUsed,
    speakerUsed: meta.speakerUsed,
    clientTranscript: meta.transcript ?? null,
    recordedAt: meta.recordedAt ? new Date(meta.recordedAt) : null,
    promptId: meta.promptId ?? null,
    actedEmotion: meta.actedEmotion ?? null,
    channelLayout: meta.channels === undefined ? null : meta.channels === 'split' ? 'split' : meta.channels.join(','),
  };
}

/** A declared layout must fit the file wherever its channel count is already known (a WAV header). */
export function checkChannelLayout(meta: Pick<RecordingMetadata, 'channels'>, channels: number | null): void {
  const problem = meta.channels && channels !== null ? channelLayoutProblem(meta.channels, channels) : null;
  if (problem) {
    throw new HttpError(400, 'channel_layout_mismatch', problem, [{ path: 'channels', message: problem }]);
  }
}

/** Records the upload and enqueues transcoding; the client hears 202 only once both are durable. */
export async function acceptRecording(
  deps: GatewayDeps,
  ctx: UploadContext,
  id: string,
  meta: RecordingMetadata,
  stored: StoredAudio,
): Promise<{ row: RecordingRow; body: UploadAccepted }> {
  checkChannelLayout(meta, stored.channels);
  meta = await checkPromptReference(deps, meta);
  await checkSessionReference(deps, ctx.userId, meta.sessionId);
  const originalKey = blobKeys.original(ctx.userId, id);
  const row = await deps.recordings.create(
    {
      id,
      userId: ctx.userId,
      status: 'uploaded',
      ...metadataColumns(meta),
      originalKey,
      contentType: stored.contentType,
      sizeBytes: stored.sizeBytes,
      sha256: stored.sha256,
      correlationId: ctx.correlationId,
      idempotencyKey: ctx.idempotencyKey ?? null,
    },
    { pipelineQuota: deps.config.MAX_RECORDINGS_IN_FLIGHT_PER_USER },
  );
  // An earlier request with the same key made this recording (and enqueued it): answer with it.
  if (!row.created) return { row, body: acceptedBody(row.id) };
  await enqueueTranscode(deps, row, ctx.correlationId);
  return { row, body: acceptedBody(id) };
}

/**
 * A recording may name only a session its owner was admitted to (its metric joins that session's
 * timeline); unknown session ids become sessions owned by the uploader, as for any other write.
 */
export async function checkSessionReference(
  deps: GatewayDeps,
  userId: string,
  sessionId: string | undefined,
): Promise<void> {
  if (!sessionId) return;
  const at = new Date().toISOString();
  const refused = await admitSessionWrites(deps.database.pool, { id: userId, admin: false }, [
    { sessionId, userId, at },
  ]);
  if (refused.length) throw notFound('session');
}

/**
 * Corpus takes must name a prompt that exists and one of the emotions it asks for; otherwise the
 * dataset would hold labels nobody asked a speaker to act. Returns the metadata with the emotion in
 * its canonical (trimmed, lower-case) spelling.
 */
export async function checkPromptReference<M extends Pick<RecordingMetadata, 'promptId' | 'actedEmotion'>>(
  deps: GatewayDeps,
  meta: M,
): Promise<M> {
  if (meta.promptId === undefined && meta.actedEmotion === undefined) return meta;
  if (meta.promptId === undefined || meta.actedEmotion === undefined) {
    throw new HttpError(400, 'invalid_metadata', 'promptId and actedEmotion must be sent together');
  }
  const emotions = await deps.prompts.emotionsOf(meta.promptId);
  if (!emotions) throw new HttpError(400, 'unknown_prompt', 'no prompt with this promptId');
  const emotion = meta.actedEmotion.trim().toLowerCase();
  if (!emotions.includes(emotion)) {
    throw new HttpError(400, 'invalid_emotion', `actedEmotion must be one of: ${emotions.join(', ')}`);
  }
  return { ...meta, actedEmotion: emotion };
}

/** Redis errors carry no type to map, so a failed enqueue is named here, where it is known. */
export async function enqueueTranscode(deps: GatewayDeps, row: RecordingRow, correlationId: string) {
  try {
    await deps.producers.transcode.add(
      { recordingId: row.id, userId: row.userId, correlationId },
      { jobId: jobIds.transcode(row.id) },
    );
  } catch (err) {
    deps.logger.warn({ err, recordingId: row.id }, 'transcode enqueue failed');
    throw unavailable('the job queue');
  }
}

export function acceptedBody(id: string): UploadAccepted {
  return {
    id,
    status: 'uploaded',
    links: { self: `/v1/recordings/${id}`, events: `/v1/recordings/${id}/events` },
  };
}

export const newRecordingId = () => randomUUID();
