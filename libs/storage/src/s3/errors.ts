import { InvalidRangeError, isNetworkError, NotFoundError, StorageError, UnavailableError } from '../errors';

interface AwsLikeError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

/** Translates AWS SDK v3 failures into the library's typed errors. */
export function mapS3Error(err: unknown, key: string): unknown {
  if (err instanceof StorageError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code;
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) {
    return new NotFoundError(key, { cause: err });
  }
  if (name === 'InvalidRange' || status === 416)
    return new InvalidRangeError(`range not satisfiable for ${key}`);
  if (
    isNetworkError(err) ||
    (status !== undefined && status >= 500) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    name === 'SlowDown' ||
    (status === undefined && e.$fault !== 'client' && name !== 'AbortError')
  ) {
    return new UnavailableError(`s3 unavailable: ${e.message ?? name ?? 'unknown error'}`, { cause: err });
  }
  return new StorageError(
    'BACKEND',
    `s3 ${name ?? 'error'}${status ? ` (${status})` : ''}: ${e.message ?? ''}`,
    { cause: err },
  );
}
