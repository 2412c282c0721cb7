import { CONTENT_TYPES, SNIFF_BYTES, readWavLayout, sniffFormat } from '@voicepulse/audio';
import {
  channelLayoutFieldSchema,
  channelLayoutProblem,
  type ChannelLayoutField,
  type DirectUploadResponse,
  type RecordingMetadata,
  type UploadAccepted,
} from '@voicepulse/contracts';
import type { PromptsRepository } from '@voicepulse/corpus';
import type { Logger } from '@voicepulse/logger';
import { jobIds, QueueUnavailableError, type Producer } from '@voicepulse/queues';
import {
  blobKeys,
  deleteRecordingBlobs,
  type RecordingRow,
  type RecordingsRepository,
} from '@voicepulse/recordings';
import { NotFoundError, TooLargeError, type BlobStore } from '@voicepulse/storage';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { UploadError } from './errors';
import { peekHead } from './head';
import { acceptedBody, newRecordingRow, type UploadContext } from './recording-row';
import { WAV_GUARD_BYTES, wavHeaderProblem } from './wav-guard';

export interface UploadsDeps {
  recordings: RecordingsRepository;
  prompts: Pick<PromptsRepository, 'emotionsOf'>;
  /**
   * Whether `userId` may write to `sessionId`: a session it was admitted to, or an unknown id,
   * which becomes a session it owns (as for any other write).
   */
  admitToSession(userId: string, sessionId: string): Promise<boolean>;
  store: BlobStore;
  transcode: Producer<'transcode'>;
  logger: Logger;
  bytesStored: { inc(bytes: number): void };
  limits: {
    maxUploadBytes: number;
    /** Recordings a user may have in the pipeline at once (0 = no bound). */
    pipelineQuota: number;
    /** Direct uploads a user may have signed but not completed. */
    maxPendingDirect: number;
    signedUrlTtlS: number;
  };
}

export interface StoredAudio {
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** From a WAV header; other containers' channel counts are known only once the transcoder decodes. */
  channels: number | null;
}

/**
 * Where a request's audio goes: `store` streams one body into storage (sniffed, hashed and
 * size-limited on the way); `discard` removes what was stored, for a request that fails after it.
 */
export interface AudioSink {
  store(body: Readable): Promise<StoredAudio>;
  discard(): Promise<void>;
}

/** Reads a request (multipart, raw body) into its metadata and the audio it stored in the sink. */
export type ReceiveUpload = (sink: AudioSink) => Promise<{ meta: RecordingMetadata; stored: StoredAudio }>;

/** The outcome of an upload request; `replayed` when an earlier request with its key made the recording. */
export interface Accepted<T> {
  body: T;
  replayed: boolean;
}

/**
 * Taking recordings in: streamed through the gateway, or put straight into the bucket with a
 * signed URL and then confirmed. Either way the client hears 202 only once the row and the
 * transcode job are durable, and a refused upload leaves neither a row nor a blob behind.
 */
export class RecordingUploads {
  constructor(private readonly deps: UploadsDeps) {}

  /** A streamed upload; `receive` reads the request and is not called for a replayed one. */
  async upload(ctx: UploadContext, receive: ReceiveUpload): Promise<Accepted<UploadAccepted>> {
    const { recordings, limits } = this.deps;
    // Refuse before reading the body; create checks again, atomically, as it admits it.
    await recordings.checkPipelineQuota(ctx.userId, limits.pipelineQuota);
    const prior = ctx.idempotencyKey && (await recordings.byIdempotencyKey(ctx.userId, ctx.idempotencyKey));
    // A retry of an upload we already acknowledged: same answer, and the body is not stored again.
    if (prior) return { body: acceptedBody(prior.id), replayed: true };
    const id = randomUUID();
    const key = blobKeys.original(ctx.userId, id);
    const discard = () => this.deps.store.delete(key).catch(() => undefined);
    const { meta, stored } = await receive({ store: (body) => this.storeAudio(body, key), discard });
    try {
      checkChannelLayout(meta.channels, stored.channels);
      const checked = await this.checkReferences(ctx.userId, meta);
      const row = await recordings.create(newRecordingRow(id, ctx, checked, stored), {
        pipelineQuota: limits.pipelineQuota,
      });
      if (!row.created) {
        // A concurrent twin with the same key won: ours was never acknowledged, drop its bytes.
        await discard();
        return { body: acceptedBody(row.id), replayed: true };
      }
      await this.enqueueTranscode(row, ctx.correlationId);
      return { body: acceptedBody(id), replayed: false };
    } catch (err) {
      // Not acknowledged, so nothing may be left half-done: the client will retry.
      await recordings.delete(id, null).catch(() => undefined);
      await discard();
      throw err;
    }
  }

  /**
   * Starts a direct upload: a pending row and a signed URL that writes only a staging key, and
   * only a body of the declared size.
   */
  async startDirect(
    ctx: UploadContext,
    request: RecordingMetadata & { contentType: string; sizeBytes: number },
  ): Promise<Accepted<DirectUploadResponse>> {
    const { recordings, limits, store } = this.deps;
    // Not counted until /complete, but a client already over quota should not upload at all.
    await recordings.checkPipelineQuota(ctx.userId, limits.pipelineQuota);
    const meta = await this.checkReferences(ctx.userId, request);
    if (request.sizeBytes > limits.maxUploadBytes) throw tooLarge(limits.maxUploadBytes);
    const row = await recordings.createPending(
      newRecordingRow(randomUUID(), ctx, meta, request),
      limits.maxPendingDirect,
    );
    if (row === 'too_many_pending') {
      throw new UploadError(
        'too_many_pending_uploads',
        `at most ${limits.maxPendingDirect} direct uploads may be pending; complete or abandon one first`,
        undefined,
        // Abandoned uploads expire (see the upload janitor); a completed one frees its slot at once.
        60,
      );
    }
    if (!row.created && row.uploadState === 'complete') {
      throw new UploadError(
        'idempotency_key_reused',
        `this Idempotency-Key already made recording ${row.id}`,
      );
    }
    // A retry (same key, still pending) gets a fresh URL for the same upload, signed as first declared.
    const signed = await store.signedUploadUrl(blobKeys.staging(ctx.userId, row.id), {
      expiresInSeconds: limits.signedUrlTtlS,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
    });
    return {
      body: {
        id: row.id,
        uploadUrl: signed.url,
        method: 'PUT',
        headers: signed.headers,
        expiresAt: signed.expiresAt.toISOString(),
      },
      replayed: !row.created,
    };
  }

  /** Confirms a direct upload: moved to its immutable key, sized and sniffed, then queued. */
  async completeDirect(userId: string, id: string, correlationId: string): Promise<UploadAccepted> {
    const { recordings, limits, store } = this.deps;
    // No catch-all here: a database outage must answer 503, or the client may discard a good upload.
    const row = await recordings.get(id, userId);
    if (!row) throw new UploadError('not_found', 'upload not found');
    if (row.uploadState === 'complete') return acceptedBody(row.id);
    // Over quota the upload stays pending: the client retries /complete after Retry-After.
    await recordings.checkPipelineQuota(userId, limits.pipelineQuota);
    // Staging → final first, then validate the final object: a PUT racing this request (or any
    // replay of the URL later) can only write the staging key, never the bytes validated below.
    try {
      await store.move(blobKeys.staging(row.userId, row.id), row.originalKey);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // No staging object: never uploaded, or an earlier /complete moved it and then failed.
      if (!(await store.exists(row.originalKey))) {
        throw new UploadError('upload_missing', 'no object was uploaded for this id yet');
      }
    }
    let facts: { sizeBytes: number; sha256: string; contentType: string };
    try {
      facts = await this.checkStoredObject(row);
    } catch (err) {
      if (err instanceof UploadError) {
        await recordings.delete(row.id, null);
        await deleteRecordingBlobs(store, row.userId, row.id);
      }
      throw err;
    }
    const updated = await recordings.markUploadComplete(row.id, facts, {
      pipelineQuota: limits.pipelineQuota,
    });
    // Deleted (by its owner or the upload janitor) while we validated.
    if (!updated) throw new UploadError('not_found', 'upload not found');
    await this.enqueueTranscode(updated, correlationId);
    return acceptedBody(row.id);
  }

  /**
   * Only the head is read (enough for a WAV header, whose channel count a declared layout must
   * match); the transcoder, which reads every byte anyway, records the sha256.
   */
  private async checkStoredObject(row: RecordingRow) {
    const { store } = this.deps;
    const info = await store.head(row.originalKey);
    if (info.sizeBytes === 0) throw new UploadError('empty_upload', 'the uploaded file is empty');
    if (info.sizeBytes !== row.sizeBytes) {
      throw new UploadError(
        'size_mismatch',
        `the uploaded file has ${info.sizeBytes} bytes, ${row.sizeBytes} were declared`,
      );
    }
    const headBytes = row.channelLayout ? Math.min(info.sizeBytes, WAV_GUARD_BYTES) : SNIFF_BYTES;
    const head = await buffer(await store.get(row.originalKey, { range: { start: 0, end: headBytes - 1 } }));
    const format = sniffFormat(head);
    if (!format) throw new UploadError('unsupported_media_type', 'not a recognised audio format');
    // The stored layout was validated on the way in: a value that no longer parses is our bug (500).
    const layout = row.channelLayout ? channelLayoutFieldSchema.parse(row.channelLayout) : undefined;
    checkChannelLayout(layout, format === 'wav' ? wavChannels(head) : null);
    return { sizeBytes: info.sizeBytes, sha256: '', contentType: CONTENT_TYPES[format] };
  }

  /**
   * Streams one audio body into storage: sniff the magic bytes first (nothing is stored for a
   * non-audio body), hash and size-limit while streaming, and return the stored object's facts.
   */
  private async storeAudio(body: Readable, key: string): Promise<StoredAudio> {
    const { store, limits } = this.deps;
    const { head, stream, discard } = await peekHead(body, Math.max(SNIFF_BYTES, WAV_GUARD_BYTES));
    if (head.length === 0) throw new UploadError('empty_upload', 'the uploaded file is empty');
    const format = sniffFormat(head);
    if (!format) {
      discard();
      throw new UploadError(
        'unsupported_media_type',
        'not a recognised audio format (WAV, WebM, Ogg, MP3, MP4/M4A or FLAC)',
      );
    }
    const wavProblem = format === 'wav' ? wavHeaderProblem(head) : null;
    if (wavProblem) {
      discard();
      throw new UploadError('corrupt_audio', wavProblem);
    }
    const contentType = CONTENT_TYPES[format];
    try {
      const put = await store.put(key, stream, { contentType, maxBytes: limits.maxUploadBytes });
      this.deps.bytesStored.inc(put.sizeBytes);
      return {
        contentType,
        sizeBytes: put.sizeBytes,
        sha256: put.sha256,
        channels: format === 'wav' ? wavChannels(head) : null,
      };
    } catch (err) {
      discard();
      if (err instanceof TooLargeError) throw tooLarge(limits.maxUploadBytes);
      throw err;
    }
  }

  /**
   * The metadata's references must hold: a session its uploader was admitted to (its metric joins
   * that session's timeline), and for corpus takes a prompt that exists with one of the emotions it
   * asks for — otherwise the dataset would hold labels nobody asked a speaker to act. Returns the
   * metadata with the emotion in its canonical (trimmed, lower-case) spelling.
   */
  private async checkReferences<M extends RecordingMetadata>(userId: string, meta: M): Promise<M> {
    const checked = await this.checkPrompt(meta);
    if (meta.sessionId && !(await this.deps.admitToSession(userId, meta.sessionId))) {
      throw new UploadError('not_found', 'session not found');
    }
    return checked;
  }

  private async checkPrompt<M extends RecordingMetadata>(meta: M): Promise<M> {
    if (meta.promptId === undefined && meta.actedEmotion === undefined) return meta;
    if (meta.promptId === undefined || meta.actedEmotion === undefined) {
      throw new UploadError('invalid_metadata', 'promptId and actedEmotion must be sent together');
    }
    const emotions = await this.deps.prompts.emotionsOf(meta.promptId);
    if (!emotions) throw new UploadError('unknown_prompt', 'no prompt with this promptId');
    const emotion = meta.actedEmotion.trim().toLowerCase();
    if (!emotions.includes(emotion)) {
      throw new UploadError('invalid_emotion', `actedEmotion must be one of: ${emotions.join(', ')}`);
    }
    return { ...meta, actedEmotion: emotion };
  }

  private async enqueueTranscode(row: RecordingRow, correlationId: string): Promise<void> {
    try {
      await this.deps.transcode.add(
        { recordingId: row.id, userId: row.userId, correlationId },
        { jobId: jobIds.transcode(row.id) },
      );
    } catch (err) {
      this.deps.logger.warn({ err, recordingId: row.id }, 'transcode enqueue failed');
      throw new QueueUnavailableError('the job queue', { cause: err });
    }
  }
}

const tooLarge = (max: number) =>
  new UploadError('payload_too_large', `the file exceeds the ${max}-byte limit`);

/** A declared layout must fit the file wherever its channel count is already known (a WAV header). */
function checkChannelLayout(layout: ChannelLayoutField | undefined, channels: number | null): void {
  const problem = layout && channels !== null ? channelLayoutProblem(layout, channels) : null;
  if (problem) {
    throw new UploadError('channel_layout_mismatch', problem, [{ path: 'channels', message: problem }]);
  }
}

/** A WAV's channel count from its head, or null when the head does not reach the data chunk. */
function wavChannels(head: Buffer): number | null {
  try {
    return readWavLayout(head)?.channels ?? null;
  } catch {
    return null; // wavHeaderProblem has judged the header already; the transcoder has the last word
  }
}
