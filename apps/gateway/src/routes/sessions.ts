import { operations } from '@voicepulse/contracts';
import type { SessionPrincipal } from '@voicepulse/ingest';
import { Router, type Request } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf, ownerFilter } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { notFound } from '../http/errors';
import { route } from '../http/route';

export function sessionPrincipal(req: Request): SessionPrincipal {
  const { userId, role } = authOf(req);
  return { id: userId, admin: role === 'admin' };
}

/**
 * Session timelines: low volume, so written synchronously (no queue) and read back per session.
 * Membership is granted by the server (see admitSessionWrites): posting to a session you were not
 * admitted to is answered like an unknown session, 404, so ids of others' sessions reveal nothing.
 */
export function sessionsRouter(deps: GatewayDeps): Router {
  const router = Router();
  // `{"events":[{…, "data":{…}}]}` is four levels deep; nothing valid nests further.
  const eventsJson = jsonBody(deps.bodyBudget, { limit: 512 * 1024, maxDepth: 4 });
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);

  route(router, operations.appendSessionEvents, [eventsJson], async (req, res, { id, body }) => {
    const events = 'events' in body ? body.events : [body];
    // Timeline entries are the caller's own: a participant reports what it did.
    const result = await deps.sessions.recordEvents(id, sessionPrincipal(req), authOf(req).userId, events);
    res.status(200).json(result);
  });

  route(router, operations.getSession, [], async (req, res, { id }) => {
    const detail = await deps.sessions.detail(id, ownerFilter(req));
    if (!detail) throw notFound('session');
    res.json(detail);
  });

  // The admission endpoint: the session's owner (or an admin) lets another user read and write it.
  route(router, operations.admitSessionMember, [controlJson], async (req, res, { id, body: { userId } }) => {
    if (!(await deps.sessions.admitMember(id, sessionPrincipal(req), userId)))
      throw notFound('session');
    res.status(204).end();
  });

  return router;
}
