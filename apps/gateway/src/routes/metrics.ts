import { operations } from '@voicepulse/contracts';
import { bodyKindOf, MAX_INGEST_BODY_BYTES, MAX_INGEST_JSON_DEPTH, readLimited } from '@voicepulse/ingest';
import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { GatewayDeps } from '../deps';
import { authOf, readSubject, resolveSubject } from '../http/auth';
import { admitBody } from '../http/body';
import { streamUnlessStalled } from '../http/exports';
import { HttpError } from '../http/errors';
import { sessionPrincipal } from './sessions';
import { route } from '../http/route';

/** A user's app reports its own events; an ingest service token forwards many clients' batches. */
export const USER_INGEST_BODY_BYTES = 1024 * 1024;
const INGEST_BODY = {
  limit: (req: Request) => (authOf(req).role === 'ingest' ? MAX_INGEST_BODY_BYTES : USER_INGEST_BODY_BYTES),
  maxDepth: MAX_INGEST_JSON_DEPTH,
};

type MetricsReadOperation =
  | typeof operations.metricsSummary
  | typeof operations.metricEvents
  | typeof operations.metricSessions;

/** The firehose endpoint (see MetricsIntake) and the metrics read API. */
export function metricsRouter(deps: GatewayDeps): Router {
  const router = Router();

  route(router, operations.ingestMetrics, [], async (req, res) => {
    const kind = bodyKindOf(req.headers['content-type']);
    const limit = admitBody(deps.bodyBudget, INGEST_BODY, req, res);
    const body = await readLimited(req, {
      limit,
      maxDepth: INGEST_BODY.maxDepth,
      lineDelimited: kind === 'ndjson',
    });
    const result = await deps.metricsIntake.accept({
      kind,
      body,
      principal: sessionPrincipal(req),
      resolveUser: (requested) => {
        try {
          return { userId: resolveSubject(req, requested) };
        } catch (err) {
          if (err instanceof HttpError) return { error: err.message };
          throw err;
        }
      },
      correlationId: res.locals.requestId as string | undefined,
    });
    res.status(202).json(result);
  });

  // The dashboard reads: one query each, over the caller's own events (any user's for admins).
  const read = <O extends MetricsReadOperation>(op: O, query: (q: z.output<O['query']> & { userId: string }) => Promise<unknown>) =>
    route(router, op, [], async (req, res, input) => {
      const q = input.query as z.output<O['query']>;
      res.json(await query({ ...q, userId: readSubject(req, q.userId) }));
    });
  read(operations.metricsSummary, (q) => deps.metricsReads.summary(q));
  read(operations.metricEvents, (q) => deps.metricsReads.events(q));
  read(operations.metricSessions, (q) => deps.metricsReads.sessionsInPeriod(q));

  route(router, operations.metricsExportCsv, [], async (req, res, { query: q }) => {
    const userId = readSubject(req, q.userId);
    deps.exports.acquireFor(res);
    const stream = await deps.metricsReads.exportCsv({ userId, from: q.from, to: q.to });
    res.status(200);
    res.type('text/csv; charset=utf-8');
    res.attachment(`metrics-${userId}.csv`);
    // Headers are out once the first byte streams: a later failure can only cut the response short.
    await streamUnlessStalled(stream, res, deps.config.CSV_EXPORT_STALL_S * 1000).catch((err: unknown) =>
      req.log?.warn({ err }, 'csv export aborted'),
    );
  });

  return router;
}
