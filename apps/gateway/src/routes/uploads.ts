import { operations } from '@voicepulse/contracts';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { REPLAYED_HEADER } from '../http/idempotency';
import { route } from '../http/route';
import { uploadContext } from '../http/upload-request';

/**
 * Direct-to-bucket uploads: the browser PUTs large files straight to object storage with a
 * short-lived signed URL, then tells us to take it from there.
 */
export function uploadsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);

  route(router, operations.startUpload, [controlJson], async (req, res, { body: request }) => {
    const { body, replayed } = await deps.uploads.startDirect(uploadContext(req, res), request);
    if (replayed) res.set(REPLAYED_HEADER, 'true');
    res.status(201).json(body);
  });

  route(router, operations.completeUpload, [], async (req, res, { id }) => {
    const body = await deps.uploads.completeDirect(authOf(req).userId, id, String(res.locals.requestId));
    res.status(202).location(body.links.self).json(body);
  });

  return router;
}
