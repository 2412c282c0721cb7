import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TooLargeError } from './errors';

/**
 * Pass-through that hashes and counts bytes as they flow to the backend, and fails the stream the
 * moment `maxBytes` is exceeded so the upload is aborted instead of stored.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly maxBytes?: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.maxBytes !== undefined && this.bytes > this.maxBytes) {
      cb(new TooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Only meaningful once the stream has ended. */
  sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

export function toReadable(body: Readable | Buffer): Readable {
  // Readable.from(buffer) would iterate byte by byte; wrap it so it is one chunk.
  return Buffer.isBuffer(body) ? Readable.from([body]) : body;
}

/**
 * Runs `body → DigestStream → sink` where `sink` is the backend upload consuming the digest stream.
 * Whichever side fails first tears down the other, so a failed backend never leaves the source
 * hanging and a failed source (or TooLarge) always aborts the backend request.
 */
export async function digestUpload<T>(
  body: Readable | Buffer,
  maxBytes: number | undefined,
  sink: (stream: DigestStream) => Promise<T>,
): Promise<{ result: T; sizeBytes: number; sha256: string }> {
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 0)) {
    throw new RangeError('maxBytes must be a non-negative integer');
  }
  const digest = new DigestStream(maxBytes);
  // Remember which side failed first: that is the root cause, the other side's error is fallout.
  let firstFailure: unknown;
  const feeding = pipeline(toReadable(body), digest).catch((err: unknown) => {
    firstFailure ??= err;
    throw err;
  });
  const uploading = sink(digest).catch((err: unknown) => {
    firstFailure ??= err;
    digest.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  });
  const [fed, uploaded] = await Promise.allSettled([feeding, uploading]);
  if (fed.status === 'rejected' || uploaded.status === 'rejected') {
    const reasons = [fed, uploaded].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    throw reasons.map(findTooLarge).find(Boolean) ?? firstFailure;
  }
  return { result: uploaded.value, sizeBytes: digest.sizeBytes, sha256: digest.sha256() };
}

function findTooLarge(err: unknown): TooLargeError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (e instanceof TooLargeError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
