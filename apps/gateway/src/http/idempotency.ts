import type { Request } from 'express';
import { HttpError } from './errors';

/** Printable ASCII without spaces, as most APIs accept (a UUID fits); long enough for any client scheme. */
const KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The `Idempotency-Key` of an upload request, if any: a client that retries with the same key gets
 * the recording its first attempt created instead of a second one. Keys are scoped to the caller.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY.test(value)) {
    throw new HttpError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1–128 printable ASCII characters',
    );
  }
  return value;
}

/** Marks an answer that replays an earlier request's outcome rather than doing the work again. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
