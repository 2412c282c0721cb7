export type StorageErrorCode =
  'NOT_FOUND' | 'UNAVAILABLE' | 'INVALID_KEY' | 'TOO_LARGE' | 'INVALID_RANGE' | 'MISCONFIGURED' | 'BACKEND';

/**
 * Every adapter translates its SDK's errors into these, so callers branch on `code` / `instanceof`
 * instead of sniffing AWS or Google error shapes.
 */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export class NotFoundError extends StorageError {
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super('NOT_FOUND', `blob not found: ${key}`, options);
    this.name = 'NotFoundError';
  }
}

/** The backend could not be reached or answered 5xx: retryable, maps to HTTP 503 + Retry-After. */
export class UnavailableError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, options);
    this.name = 'UnavailableError';
  }
}

export class InvalidKeyError extends StorageError {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super('INVALID_KEY', `invalid blob key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}

export class TooLargeError extends StorageError {
  constructor(readonly maxBytes: number) {
    super('TOO_LARGE', `blob exceeds the limit of ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

/** Requested byte range lies outside the object (HTTP 416). */
export class InvalidRangeError extends StorageError {
  constructor(message: string) {
    super('INVALID_RANGE', message);
    this.name = 'InvalidRangeError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when an error (or one of its causes) is a socket-level failure rather than an answer. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    const errors = (e as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
    if (Array.isArray(errors) && errors.some(isNetworkError)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * `delete` for the cloud adapters: deleting a key that is already gone succeeds (delete is
 * idempotent, as the BlobStore contract says); every other fault goes through the adapter's own
 * error mapping.
 */
export async function deleteIgnoringNotFound(
  key: string,
  remove: () => Promise<unknown>,
  mapError: (err: unknown, key: string) => unknown,
): Promise<void> {
  try {
    await remove();
  } catch (err) {
    const mapped = mapError(err, key);
    if (mapped instanceof NotFoundError) return;
    throw mapped;
  }
}
