import { toFieldIssues } from '@voicepulse/contracts';
import type { Request } from 'express';
import type { z } from 'zod';
import { notFound, RequestValidationError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `:id` of a route, normalised to lower case. A malformed id cannot name anything, so it is
 * answered like any other unknown `what` — 404, never a 400 that would tell ids apart.
 */
export function idParam(req: Request, what: string): string {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw notFound(what);
  return id.toLowerCase();
}

/**
 * The query string as a flat record for a zod schema: the first value of a repeated parameter, and
 * never the `access_token` that SSE and audio links may carry (it is auth, not input).
 */
export function queryFields(query: Request['query']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k === 'access_token') continue;
    out[k] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}

/**
 * Parses part of a request (query, body, form fields) with its schema. A failure is the client's
 * RequestValidationError (400), never a bare ZodError, which errors.ts treats as a server bug.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  error?: { code: string; message: string },
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RequestValidationError(toFieldIssues(parsed.error), error?.code, error?.message);
  return parsed.data;
}
