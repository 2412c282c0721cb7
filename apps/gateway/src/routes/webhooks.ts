import { operations } from '@voicepulse/contracts';
import { registerWebhook, toWebhookEndpoint } from '@voicepulse/webhooks';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf, requireRole } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { notFound } from '../http/errors';
import { route } from '../http/route';

/**
 * A user's webhook endpoints (docs/webhooks.md). Each endpoint belongs to the token's subject;
 * service tokens (`ingest`) act for many users and own none.
 */
export function webhooksRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  const repo = deps.webhookEndpoints;
  const policy = { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS };
  const owner = requireRole('user', 'admin');

  route(router, operations.createWebhook, [owner, controlJson], async (req, res, { body }) => {
    const created = await registerWebhook(repo, policy, authOf(req).userId, body);
    res.status(201).location(`/v1/webhooks/${created.id}`).json(created);
  });

  route(router, operations.listWebhooks, [owner], async (req, res) => {
    res.json({ items: (await repo.list(authOf(req).userId)).map(toWebhookEndpoint) });
  });

  route(router, operations.deleteWebhook, [owner], async (req, res, { id }) => {
    if (!(await repo.delete(authOf(req).userId, id))) throw notFound('webhook');
    res.status(204).end();
  });

  return router;
}
