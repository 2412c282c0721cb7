import { operations, type DevTokenResponse } from '@voicepulse/contracts';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { BlockList, isIPv6 } from 'node:net';
import type { GatewayDeps } from '../deps';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { HttpError } from '../http/errors';
import { route } from '../http/route';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * The socket's peer, never `req.ip`: with TRUST_PROXY on, X-Forwarded-For is whatever the client
 * wrote. Behind an Ingress the peer is the proxy, so only a local shell (or `kubectl port-forward`,
 * which connects from 127.0.0.1 inside the pod) gets through — before any body is parsed.
 */
function loopbackOnly(req: Request, _res: Response, next: NextFunction) {
  const peer = req.socket.remoteAddress ?? '';
  const local = peer !== '' && loopback.check(peer, isIPv6(peer) ? 'ipv6' : 'ipv4');
  next(local ? undefined : new HttpError(403, 'forbidden', 'dev tokens are issued to loopback callers only'));
}

/**
 * Local convenience only: mounted when AUTH_DEV_TOKENS=true, which config refuses with
 * NODE_ENV=production. Mints `user` tokens unless AUTH_DEV_TOKEN_ROLES names more roles.
 */
export function devRouter(deps: GatewayDeps): Router {
  const router = Router();
  const roles = deps.config.AUTH_DEV_TOKEN_ROLES;
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  route(router, operations.devToken, [loopbackOnly, controlJson], async (_req, res, { body }) => {
    if (!deps.auth.sign) throw new HttpError(404, 'not_found', 'dev tokens are disabled');
    const role = body.role ?? 'user';
    if (!roles.includes(role)) {
      throw new HttpError(
        403,
        'role_not_allowed',
        `dev tokens may have the roles ${roles.join(', ')} (AUTH_DEV_TOKEN_ROLES)`,
      );
    }
    const { token, expiresAt } = await deps.auth.sign({ userId: body.userId, role });
    const response: DevTokenResponse = { token, expiresAt: expiresAt.toISOString() };
    res.json(response);
  });
  return router;
}
