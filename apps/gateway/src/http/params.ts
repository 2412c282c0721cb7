import type { Request } from 'express';
import { notFound } from './errors';

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
