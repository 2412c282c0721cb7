import { devTokenRequestSchema, type DevTokenResponse } from '@voicepulse/contracts';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { HttpError } from '../http/errors';

/** Local convenience only: mounted when AUTH_DEV_TOKENS=true (never in production values). */
export function devRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  router.post('/dev/token', controlJson, async (req, res) => {
    const body = devTokenRequestSchema.parse(req.body ?? {});
    if (!deps.auth.sign) throw new HttpError(404, 'not_found', 'dev tokens are disabled');
    const { token, expiresAt } = await deps.auth.sign({ userId: body.userId, role: body.role ?? 'user' });
    const response: DevTokenResponse = { token, expiresAt: expiresAt.toISOString() };
    res.json(response);
  });
  return router;
}
