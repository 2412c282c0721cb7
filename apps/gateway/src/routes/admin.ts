import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import {
  ALL_QUEUES,
  parseQueueName,
  registerQueueGauges,
  UnknownQueueError,
  type QueueName,
} from '@voicepulse/queues';
import { parseCookie } from 'cookie';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { GatewayDeps } from '../deps';
import { acceptQueryToken, requireAuth, requireRole } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { HttpError } from '../http/errors';
import { parseRequest } from '../http/params';

export const BOARD_PATH = '/admin/queues';
const BOARD_COOKIE = 'vp_board_token';

const failedQuery = z.object({
  queue: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const retryBody = z.object({ jobId: z.string().min(1).max(200).optional() }).strict();
const purgeBody = z.object({ olderThanMs: z.number().int().min(0).default(0) }).strict();

function queueParam(req: Request): QueueName {
  try {
    return parseQueueName(String(req.params.queue));
  } catch (err) {
    if (err instanceof UnknownQueueError) throw new HttpError(404, 'not_found', err.message);
    throw err;
  }
}

/** Admin-only view of the job system: JSON API under /v1/admin/jobs, Bull Board's UI at /admin/queues. */
export function createJobsAdmin(deps: GatewayDeps) {
  const inspector = deps.jobInspector;
  registerQueueGauges(deps.metrics.registry, inspector, ALL_QUEUES);

  const api = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  api.use('/admin', requireRole('admin'));
  api.get('/admin/jobs', async (_req, res) => {
    res.json({ queues: await inspector.counts() });
  });
  api.get('/admin/jobs/failed', async (req, res) => {
    const q = parseRequest(failedQuery, req.query);
    const names = q.queue ? [queueParamValue(q.queue)] : ALL_QUEUES;
    res.json({ jobs: await inspector.failed(names, q.limit) });
  });
  api.post('/admin/jobs/:queue/retry', controlJson, async (req, res) => {
    const queue = queueParam(req);
    const body = parseRequest(retryBody, req.body ?? {});
    const retried = await inspector.retry(queue, body.jobId);
    if (body.jobId && retried === 0) throw new HttpError(404, 'not_found', 'no failed job with that id');
    req.log?.info({ queue, jobId: body.jobId, retried }, 'failed jobs retried by admin');
    res.json({ queue, retried });
  });
  api.post('/admin/jobs/:queue/purge', controlJson, async (req, res) => {
    const queue = queueParam(req);
    const body = parseRequest(purgeBody, req.body ?? {});
    const purged = await inspector.purge(queue, body.olderThanMs);
    req.log?.info({ queue, purged }, 'failed jobs purged by admin');
    res.json({ queue, purged });
  });

  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: inspector.all().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const board = Router();
  board.use(
    boardToken,
    acceptQueryToken,
    requireAuth(deps.auth),
    requireRole('admin'),
    rememberBoardToken,
    // The board parses JSON itself, with no depth rule; reading it here first gives its routes the
    // same one as every other JSON route (its parser skips a body already read).
    controlJson,
    adapter.getRouter(),
  );

  return { api, board };
}

function queueParamValue(name: string): QueueName {
  try {
    return parseQueueName(name);
  } catch (err) {
    if (err instanceof UnknownQueueError) throw new HttpError(400, 'invalid_queue', err.message);
    throw err;
  }
}

/**
 * The board is a browser app whose own API calls cannot add a bearer header. The first visit
 * brings the token (header or ?access_token=); we then keep it in a cookie scoped to the board's
 * path only — HttpOnly and SameSite=Strict, so other pages and other sites cannot use it.
 */
function boardToken(req: Request, _res: Response, next: NextFunction) {
  if (!req.headers.authorization && typeof req.query.access_token !== 'string') {
    const cookie = parseCookie(req.headers.cookie ?? '')[BOARD_COOKIE];
    if (cookie) req.headers.authorization = `Bearer ${cookie}`;
  }
  next();
}

function rememberBoardToken(req: Request, res: Response, next: NextFunction) {
  // Only a GET may bring it (acceptQueryToken); any other method with one was refused before this.
  const token =
    req.method === 'GET' && typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
  if (token) {
    res.cookie(BOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: BOARD_PATH,
      maxAge: 3600_000,
    });
  }
  next();
}
