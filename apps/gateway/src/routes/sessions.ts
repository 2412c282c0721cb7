import { sessionEventsRequestSchema } from '@voicepulse/contracts';
import { getSessionDetail, recordSessionEvents } from '@voicepulse/ingest';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf, ownerFilter } from '../http/auth';
import { jsonBody } from '../http/body';
import { notFound } from '../http/errors';
import { idParam } from '../http/params';

/** Session timelines: low volume, so written synchronously (no queue) and read back per session. */
export function sessionsRouter(deps: GatewayDeps): Router {
  const router = Router();
  // `{"events":[{…, "data":{…}}]}` is four levels deep; nothing valid nests further.
  const eventsJson = jsonBody(deps.bodyBudget, { limit: 512 * 1024, maxDepth: 4 });

  router.post('/sessions/:id/events', eventsJson, async (req, res) => {
    const id = idParam(req, 'session');
    const body = sessionEventsRequestSchema.parse(req.body);
    const events = 'events' in body ? body.events : [body];
    // Timeline entries are the caller's own: a participant reports what it did.
    const result = await recordSessionEvents(deps.database.pool, id, authOf(req).userId, events);
    res.status(200).json(result);
  });

  router.get('/sessions/:id', async (req, res) => {
    const detail = await getSessionDetail(deps.database.pool, idParam(req, 'session'), ownerFilter(req));
    if (!detail) throw notFound('session');
    res.json(detail);
  });

  return router;
}
