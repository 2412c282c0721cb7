import { API_PREFIX, operations, type Operation } from '@voicepulse/contracts';
import { checkReadiness, type ReadinessCheck } from '@voicepulse/runtime';
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import type { GatewayDeps } from './deps';
import { acceptQueryToken, requireAuth } from './http/auth';
import { HttpError, errorHandler } from './http/errors';
import { closeUnreadBodies, cors, httpMetrics, requestContext } from './http/middleware';
import { rateLimit } from './http/rate-limit';
import { buildOpenApi } from './openapi';
import { BOARD_PATH, createJobsAdmin } from './routes/admin';
import { fsBlobsRouter } from './routes/blobs';
import { metricsRouter } from './routes/metrics';
import { devRouter } from './routes/dev';
import { corpusRouter } from './routes/corpus';
import { promptsRouter } from './routes/prompts';
import { recordingsRouter } from './routes/recordings';
import { sessionsRouter } from './routes/sessions';
import { uploadsRouter } from './routes/uploads';
import { webhooksRouter } from './routes/webhooks';

export function createApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestContext(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(cors(deps.config.CORS_ORIGINS));
  app.use(closeUnreadBodies);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (deps.isShuttingDown()) {
      res.status(503).json({ ready: false, reason: 'shutting down' });
      return;
    }
    const report = await checkReadiness(readinessChecks(deps));
    res.status(report.ready ? 200 : 503).json(report);
  });
  // No /metrics here: it is served on HEALTH_PORT (metrics-server.ts), never next to the public API.
  const openapi = buildOpenApi(process.env.npm_package_version ?? '0.1.0');
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  if (deps.store.driver === 'fs') app.use(API_PREFIX, fsBlobsRouter(deps));

  if (deps.config.AUTH_DEV_TOKENS) app.use(API_PREFIX, devRouter(deps));

  const jobsAdmin = createJobsAdmin(deps);
  app.use(BOARD_PATH, jobsAdmin.board);

  app.use(API_PREFIX, queryTokenRoutes());
  app.use(API_PREFIX, requireAuth(deps.auth));
  app.use(
    API_PREFIX,
    rateLimit({
      redis: deps.redis,
      keyPrefix: deps.config.QUEUE_PREFIX,
      perWindow: deps.config.RATE_LIMIT_PER_MINUTE,
      ingestPerWindow: deps.config.RATE_LIMIT_INGEST_PER_MINUTE,
      logger: deps.logger,
    }),
  );
  app.use(API_PREFIX, jobsAdmin.api);
  app.use(API_PREFIX, recordingsRouter(deps));
  app.use(API_PREFIX, promptsRouter(deps));
  app.use(API_PREFIX, corpusRouter(deps));
  app.use(API_PREFIX, uploadsRouter(deps));
  app.use(API_PREFIX, webhooksRouter(deps));
  // Metrics and session routes (they bring their own body parsers with larger limits):
  app.use(API_PREFIX, metricsRouter(deps));
  app.use(API_PREFIX, sessionsRouter(deps));

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found', 'no such route')));
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * The GET routes a browser loads by URL, unable to add a header: the status stream (EventSource),
 * the audio (<audio src>) and the corpus archive (a download link). Only these read ?access_token=.
 */
export const QUERY_TOKEN_ROUTES = (Object.values(operations) as Operation[])
  .filter((op) => op.queryToken)
  .map((op) => op.path);

function queryTokenRoutes(): Router {
  const router = Router();
  for (const path of QUERY_TOKEN_ROUTES) router.get(path, acceptQueryToken);
  return router;
}

/** What /readyz checks, on the API port and on the metrics port alike. */
export function readinessChecks(deps: GatewayDeps): Record<string, ReadinessCheck> {
  return {
    postgres: () => deps.database.ping(),
    redis: async () => {
      await deps.redis.ping();
    },
    storage: () => deps.store.ping(),
  };
}
