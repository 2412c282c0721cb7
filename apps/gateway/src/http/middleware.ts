import type { Logger } from '@voicepulse/logger';
import { prom, type ServiceMetrics } from '@voicepulse/runtime';
import corsMiddleware from 'cors';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

declare module 'express-serve-static-core' {
  interface Request {
    log?: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Request id = correlation id: taken from a trusted upstream header or minted here, echoed back. */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    req.log = logger.child({ correlationId: id });
    next();
  };
}

export function httpMetrics(metrics: ServiceMetrics) {
  const histogram = new prom.Histogram({
    name: 'voicepulse_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics.registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const end = histogram.startTimer();
    res.on('finish', () => {
      // Route templates, never raw paths: ids in paths would explode label cardinality.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * CORS for an explicit allowlist only (exact origins, no patterns); credentials travel as bearer
 * tokens, never cookies, so credentials mode stays off.
 */
export function cors(allowed: string[]) {
  return corsMiddleware({
    origin: allowed,
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposedHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}

/** How much of a refused body we read and discard so the client can see our answer. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_LIMIT_MS = 5_000;

/**
 * When a request fails before its body was read (413, 415 on a large upload), most HTTP clients only
 * see the answer if they can finish sending: cutting the connection at once makes them report
 * ECONNRESET instead of our 4xx. So the rest of the body is discarded — up to a bound, after which
 * the connection is closed rather than draining gigabytes we already refused.
 */
export function closeUnreadBodies(req: Request, res: Response, next: NextFunction) {
  res.on('finish', () => {
    if (req.complete || res.statusCode < 400 || req.destroyed) return;
    let drained = 0;
    const cut = () => req.destroy();
    const timer = setTimeout(cut, DRAIN_LIMIT_MS);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_LIMIT_BYTES) cut();
    });
    req.once('end', () => clearTimeout(timer));
    req.once('close', () => clearTimeout(timer));
    req.resume();
  });
  next();
}
