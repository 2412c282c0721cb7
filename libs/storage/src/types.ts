import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Upper bound on the body; exceeding it rejects with TooLargeError and stores nothing. */
  maxBytes?: number;
}

export interface PutResult {
  key: string;
  sizeBytes: number;
  /** Hex SHA-256 of the bytes actually stored, computed while streaming. */
  sha256: string;
  /** Backend ETag without surrounding quotes. */
  etag: string;
}

export interface BlobInfo {
  key: string;
  sizeBytes: number;
  contentType?: string;
  etag?: string;
  updatedAt?: Date;
  metadata?: Record<string, string>;
}

export interface GetOptions {
  /** Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` defaults to the last byte. */
  range?: { start: number; end?: number };
}

export interface SignedUrl {
  url: string;
  method: 'PUT' | 'GET';
  /** Headers the client must send verbatim (they are part of the signature). */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface SignedUploadOptions {
  expiresInSeconds: number;
  contentType: string;
  /**
   * The exact body size, signed into the grant so an uploader cannot fill the bucket: S3 signs
   * Content-Length, GCS signs `x-goog-content-length-range`, the fs driver signs it as a byte cap.
   */
  sizeBytes: number;
}

export interface SignedDownloadOptions {
  expiresInSeconds: number;
  contentType?: string;
  /** Suggested download file name (Content-Disposition: attachment). */
  filename?: string;
}

export type StorageDriver = 'fs' | 's3' | 'gcs';

export interface BlobStore {
  readonly driver: StorageDriver;
  put(key: string, body: Readable | Buffer, opts?: PutOptions): Promise<PutResult>;
  get(key: string, opts?: GetOptions): Promise<Readable>;
  head(key: string): Promise<BlobInfo>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<BlobInfo>;
  /**
   * Moves a blob inside the store (server-side copy, never through this process) and deletes the
   * source; `to` is replaced. Rejects with NotFoundError when `from` does not exist.
   */
  move(from: string, to: string): Promise<void>;
  signedUploadUrl(key: string, opts: SignedUploadOptions): Promise<SignedUrl>;
  signedDownloadUrl(key: string, opts: SignedDownloadOptions): Promise<SignedUrl>;
  /** Readiness probe: throws UnavailableError when the backend (or the bucket) is unusable. */
  ping(): Promise<void>;
  close?(): Promise<void>;
}

/** Structural subset of pino's logger, so this library does not pin a logging implementation. */
export interface StorageLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: StorageLogger = { debug() {}, warn() {} };
