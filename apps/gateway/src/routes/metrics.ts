import { createHash } from 'node:crypto';
import { operations } from '@voicepulse/contracts';
import {
  admitSessionWrites,
  bodyKindOf,
  hasLegacySessionIds,
  normalizeEvent,
  parseIngestBody,
  MAX_INGEST_BODY_BYTES,
  MAX_INGEST_JSON_DEPTH,
  readLimited,
  type RejectedEvent,
} from '@voicepulse/ingest';
import { jobIds } from '@voicepulse/queues';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { GatewayDeps } from '../deps';
import { authOf, readSubject, resolveSubject } from '../http/auth';
import { admitBody } from '../http/body';
import { streamUnlessStalled } from '../http/exports';
import { HttpError, unavailable } from '../http/errors';
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

/**
 * The firehose endpoint and the metrics read API. Ingestion is acknowledged once the accepted
 * events are in Redis (one BullMQ job per request, id derived from the events so a retried request
 * is deduplicated by the queue, and by the event ids in Postgres in any case).
 */
export function metricsRouter(deps: GatewayDeps): Router {
  const router = Router();
  // Events older than the retention window are refused at the door: their partitions are dropped anyway.
  const retentionDays = deps.config.RETENTION_DAYS;

  route(router, operations.ingestMetrics, [], async (req, res) => {
    const kind = bodyKindOf(req.headers['content-type']);
    const limit = admitBody(deps.bodyBudget, INGEST_BODY, req, res);
    const body = await readLimited(req, {
      limit,
      maxDepth: INGEST_BODY.maxDepth,
      lineDelimited: kind === 'ndjson',
    });
    const parsed = parseIngestBody(kind, body);
    const principal = sessionPrincipal(req);
    const ctx = {
      now: new Date(),
      retentionDays,
      // Legacy session numbers are the sender's own: scoped to it, keyed so they stay opaque.
      sessionScope: {
        tenant: principal.id,
        ...(hasLegacySessionIds(parsed.raws) && { key: await deps.legacySessionKey() }),
      },
      resolveUser: (requested: string | undefined) => {
        try {
          return { userId: resolveSubject(req, requested) };
        } catch (err) {
          if (err instanceof HttpError) return { error: err.message };
          throw err;
        }
      },
    };
    const lineErrors = new Map(parsed.lineErrors.map((e) => [e.index, e]));
    const events: NormalizedMetricEvent[] = [];
    const rejected: RejectedEvent[] = [];
    parsed.raws.forEach((raw, index) => {
      const lineError = lineErrors.get(index);
      if (lineError) return void rejected.push(lineError);
      const outcome = normalizeEvent(raw, ctx);
      if (outcome.ok) events.push(outcome.event);
      else rejected.push({ index, errors: outcome.errors });
    });
    if (!events.length) {
      throw new HttpError(400, 'invalid_events', 'every event was rejected', { accepted: 0, rejected });
    }
    // Before acknowledging: every session named must be one the event's user was admitted to.
    const writes = events.flatMap((e) =>
      e.sessionId ? [{ sessionId: e.sessionId, userId: e.userId, at: e.recordedAt }] : [],
    );
    const refused = await admitSessionWrites(deps.database.pool, principal, writes);
    if (refused.length) throw new HttpError(404, 'not_found', 'session not found', { sessionIds: refused });
    const digest = createHash('sha256')
      .update(events.map((e) => e.eventId).join(','))
      .digest('hex')
      .slice(0, 32);
    try {
      await deps.producers.metrics.addBulk([
        {
          payload: { events, correlationId: String(res.locals.requestId ?? digest) },
          jobId: jobIds.metricsBatch(digest),
        },
      ]);
    } catch (err) {
      req.log?.warn({ err }, 'metrics enqueue failed');
      throw unavailable('the ingestion queue');
    }
    res.status(202).json({ accepted: events.length, rejected });
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
