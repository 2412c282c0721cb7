import type { ErrorRequestHandler } from 'express';
import type { Logger } from '@voicepulse/logger';
import { InvalidCursorError, type FieldIssue } from '@voicepulse/contracts';
import { isTransientDbError } from '@voicepulse/db';
import {
  EventsRejectedError,
  PayloadError,
  QueryError,
  SessionAccessError,
  SessionWritesRefusedError,
} from '@voicepulse/ingest';
import { PipelineQuotaError } from '@voicepulse/recordings';
import { isNetworkError, NotFoundError, UnavailableError } from '@voicepulse/storage';
import { QueueUnavailableError } from '@voicepulse/queues';
import { UploadError, type UploadErrorCode } from '@voicepulse/uploads';
import { DestinationRefusedError, WebhookLimitError } from '@voicepulse/webhooks';

/** An error whose status, code and message are safe to show the client as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The request itself failed its declared schema (see parseRequest): the client's to fix, so 400.
 * Its own type, because a ZodError can also come from the server checking its own data (a stored
 * row, a job payload) — that is a bug, answered 500 like any other, never blamed on the client.
 */
export class RequestValidationError extends Error {
  constructor(
    readonly issues: FieldIssue[],
    readonly code = 'invalid_request',
    message = 'request validation failed',
  ) {
    super(message);
    this.name = 'RequestValidationError';
  }
}

export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `${what} not found`);
export const unavailable = (what: string) =>
  new HttpError(503, 'unavailable', `${what} is temporarily unavailable; retry shortly`, undefined, {
    'Retry-After': '5',
  });

/** The status of each reason an upload is refused; a new code does not compile until it has one. */
const UPLOAD_STATUS: Record<UploadErrorCode, number> = {
  empty_upload: 400,
  corrupt_audio: 400,
  size_mismatch: 400,
  channel_layout_mismatch: 400,
  invalid_metadata: 400,
  unknown_prompt: 400,
  invalid_emotion: 400,
  not_found: 404,
  upload_missing: 409,
  idempotency_key_reused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_pending_uploads: 429,
};

/** The error and the errors it wraps (Drizzle wraps pg's in `cause`), outermost first. */
function* causes(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e && depth < 5; depth++, e = (e as { cause?: unknown }).cause) yield e;
}

/**
 * Errors from body parsers and dependencies, translated once for every route — by type, never by
 * message text: body-parser's `type`, the storage adapters' typed errors, and the database
 * library's own classification of pg's connection failures.
 */
function classify(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  // A transcode takes seconds to a few minutes: by then a slot is likely free.
  if (err instanceof PipelineQuotaError)
    return new HttpError(429, 'pipeline_quota_exceeded', err.message, { limit: err.limit }, { 'Retry-After': '30' });
  if (err instanceof UploadError) {
    const headers: Record<string, string> = err.retryAfterS ? { 'Retry-After': String(err.retryAfterS) } : {};
    return new HttpError(UPLOAD_STATUS[err.code], err.code, err.message, err.details, headers);
  }
  if (err instanceof QueueUnavailableError) return unavailable(err.what);
  if (err instanceof InvalidCursorError) return new HttpError(400, 'invalid_cursor', err.message);
  if (err instanceof PayloadError) return new HttpError(err.status, err.code, err.message);
  if (err instanceof EventsRejectedError)
    return new HttpError(400, 'invalid_events', err.message, { accepted: 0, rejected: err.rejected });
  // Answered like an unknown session, so ids of others' sessions reveal nothing.
  if (err instanceof SessionAccessError) return notFound('session');
  if (err instanceof SessionWritesRefusedError)
    return new HttpError(404, 'not_found', 'session not found', { sessionIds: err.sessionIds });
  // A read the query layer refuses (e.g. a range it will not scan): the caller's to fix.
  if (err instanceof QueryError) return new HttpError(400, err.code, err.message);
  // The URL is well-formed but names a place the server will not fetch (SSRF guard).
  if (err instanceof DestinationRefusedError)
    return new HttpError(422, 'webhook_destination_refused', err.message, { reason: err.reason });
  if (err instanceof WebhookLimitError)
    return new HttpError(409, 'webhook_limit_reached', err.message, { limit: err.limit });
  if (err instanceof RequestValidationError) return new HttpError(400, err.code, err.message, err.issues);
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large')
    return new HttpError(413, 'payload_too_large', 'request body is too large');
  if (e?.type === 'entity.parse.failed')
    return new HttpError(400, 'invalid_json', 'request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new HttpError(415, 'unsupported_encoding', 'unsupported content encoding');
  for (const cause of causes(err)) {
    if (cause instanceof NotFoundError) return notFound('audio');
    if (cause instanceof UnavailableError) return unavailable('storage');
    if (isTransientDbError(cause)) return unavailable('the database');
    if (isNetworkError(cause)) return unavailable('a backing service');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, 'bad_request', 'malformed request');
  return new HttpError(500, 'internal', 'internal error');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const httpErr = classify(err);
    const log = (req as { log?: Logger }).log ?? logger;
    // A 5xx the code chose (load shedding, a dependency named as down) is expected under load and
    // needs no stack; anything that had to be classified is worth one.
    if (httpErr.status >= 500 && !(err instanceof HttpError)) log.error({ err }, 'request failed');
    else if (httpErr.status >= 500) log.warn({ code: httpErr.code, status: httpErr.status }, httpErr.message);
    else log.info({ code: httpErr.code, status: httpErr.status }, httpErr.message);
    res.set(httpErr.headers);
    res.status(httpErr.status).json({
      error: {
        code: httpErr.code,
        message: httpErr.message,
        ...(httpErr.details !== undefined ? { details: httpErr.details } : {}),
      },
    });
  };
}
