/**
 * Why an upload was refused, for the client to act on. The gateway maps each code to its HTTP
 * status in one table (apps/gateway/src/http/errors.ts), so this library says what went wrong and
 * never how it is spelled on the wire.
 */
export type UploadErrorCode =
  /** The body, or the object a direct upload put, has no bytes. */
  | 'empty_upload'
  /** The magic bytes name no audio format we decode. */
  | 'unsupported_media_type'
  /** A WAV whose header cannot be right (see wavHeaderProblem). */
  | 'corrupt_audio'
  /** Larger than MAX_UPLOAD_BYTES, as declared or as streamed. */
  | 'payload_too_large'
  /** A direct upload's object is not the size its start declared. */
  | 'size_mismatch'
  /** The declared channel layout does not fit the file's channel count. */
  | 'channel_layout_mismatch'
  | 'invalid_metadata'
  | 'unknown_prompt'
  | 'invalid_emotion'
  /** An unknown or expired direct upload, or a session the uploader was not admitted to. */
  | 'not_found'
  /** /complete before anything was PUT to the signed URL. */
  | 'upload_missing'
  | 'idempotency_key_reused'
  | 'too_many_pending_uploads';

export class UploadError extends Error {
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    readonly details?: unknown,
    /** When retrying the same request can succeed, after how long. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}
