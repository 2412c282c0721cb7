import type { RecordingMetadata, UploadAccepted } from '@voicepulse/contracts';
import { blobKeys, type NewRecording } from '@voicepulse/recordings';

/** Who is uploading, and the request's correlation id and Idempotency-Key. */
export interface UploadContext {
  userId: string;
  correlationId: string;
  idempotencyKey?: string;
}

/** What is known of an upload's file when its row is written (a direct upload's hash comes later). */
export interface UploadedFile {
  contentType: string;
  sizeBytes: number;
  sha256?: string;
}

/**
 * The one mapping from an upload's metadata to its recording row, for streamed uploads (form or
 * query string) and direct ones (JSON), which carry the same fields.
 */
export function newRecordingRow(
  id: string,
  ctx: UploadContext,
  meta: RecordingMetadata,
  file: UploadedFile,
): NewRecording {
  return {
    id,
    userId: ctx.userId,
    status: 'uploaded',
    sessionId: meta.sessionId ?? null,
    deviceId: meta.deviceId ?? null,
    microphoneUsed: meta.microphoneUsed,
    speakerUsed: meta.speakerUsed,
    clientTranscript: meta.transcript ?? null,
    recordedAt: meta.recordedAt ? new Date(meta.recordedAt) : null,
    promptId: meta.promptId ?? null,
    actedEmotion: meta.actedEmotion ?? null,
    channelLayout:
      meta.channels === undefined ? null : meta.channels === 'split' ? 'split' : meta.channels.join(','),
    originalKey: blobKeys.original(ctx.userId, id),
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    ...(file.sha256 !== undefined && { sha256: file.sha256 }),
    correlationId: ctx.correlationId,
    idempotencyKey: ctx.idempotencyKey ?? null,
  };
}

export function acceptedBody(id: string): UploadAccepted {
  return {
    id,
    status: 'uploaded',
    links: { self: `/v1/recordings/${id}`, events: `/v1/recordings/${id}/events` },
  };
}
