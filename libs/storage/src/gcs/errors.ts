import { InvalidRangeError, isNetworkError, NotFoundError, StorageError, UnavailableError } from '../errors';

/** Translates @google-cloud/storage (ApiError / GaxiosError) failures into typed errors. */
export function mapGcsError(err: unknown, key: string): unknown {
  if (err instanceof StorageError) return err;
  const e = (err ?? {}) as {
    code?: unknown;
    status?: unknown;
    message?: string;
    response?: { status?: number };
  };
  const status =
    typeof e.code === 'number' ? e.code : typeof e.status === 'number' ? e.status : e.response?.status;
  if (status === 404) return new NotFoundError(key, { cause: err });
  if (status === 416) return new InvalidRangeError(`range not satisfiable for ${key}`);
  if (isNetworkError(err) || (status !== undefined && (status >= 500 || status === 429))) {
    return new UnavailableError(`gcs unavailable: ${e.message ?? 'unknown error'}`, { cause: err });
  }
  return new StorageError('BACKEND', `gcs${status ? ` (${status})` : ''}: ${e.message ?? String(err)}`, {
    cause: err,
  });
}
