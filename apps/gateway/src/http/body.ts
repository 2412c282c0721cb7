import { readLimited } from '@voicepulse/ingest';
import { prom, type ServiceMetrics } from '@voicepulse/runtime';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors';

/**
 * Bytes of request bodies the process holds in memory at once (JSON is buffered to be parsed;
 * audio streams and does not count). Each request reserves its declared length — or its route's
 * whole limit when it declares none — before a byte is read, and gives it back when it is done,
 * so many large bodies at once get a quick 503 instead of growing the heap.
 */
export class BodyBudget {
  private used = 0;
  private readonly gauge: prom.Gauge;

  constructor(
    readonly maxBytes: number,
    metrics: ServiceMetrics,
  ) {
    this.gauge = new prom.Gauge({
      name: 'voicepulse_http_body_bytes_in_flight',
      help: 'Request body bytes reserved by requests being read or parsed',
      registers: [metrics.registry],
    });
  }

  get inFlight(): number {
    return this.used;
  }

  /** Reserves `bytes` until the response closes; false when that would exceed the budget. */
  reserveFor(res: Response, bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    this.gauge.set(this.used);
    res.once('close', () => {
      this.used -= bytes;
      this.gauge.set(this.used);
    });
    return true;
  }
}

export interface BodyLimits {
  /** Bytes, or bytes for this request (per role). */
  limit: number | ((req: Request) => number);
  /** JSON nesting the route's shape needs; anything deeper is refused before parsing. */
  maxDepth: number;
}

const limitOf = (limits: BodyLimits, req: Request) =>
  typeof limits.limit === 'number' ? limits.limit : limits.limit(req);

/**
 * Admits a body-reading request against the per-process budget: 413 at once when the declared
 * length is over the route's limit, 503 + Retry-After when the process is already holding too
 * much. Returns the request's byte limit.
 */
export function admitBody(budget: BodyBudget, limits: BodyLimits, req: Request, res: Response): number {
  const limit = limitOf(limits, req);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError(413, 'payload_too_large', `body exceeds ${limit} bytes`);
  }
  const reserve = Number.isFinite(declared) && declared >= 0 ? declared : limit;
  if (!budget.reserveFor(res, reserve)) {
    throw new HttpError(
      503,
      'busy',
      'the server is reading too many request bodies; retry shortly',
      undefined,
      {
        'Retry-After': '1',
      },
    );
  }
  return limit;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/**
 * The JSON body parser of every JSON route: admitted against the budget, read with a byte limit
 * and a streaming nesting-depth check (so a 5 MB `[[[[…` never reaches JSON.parse), then parsed.
 * Like express.json, a request that is not JSON keeps `req.body` undefined for the schema to refuse.
 */
export function jsonBody(budget: BodyBudget, limits: BodyLimits): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const type = req.headers['content-type'] ?? '';
    if (!JSON_TYPE.test(type)) return next();
    const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      return next(new HttpError(415, 'unsupported_encoding', 'JSON must be UTF-8'));
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity')
      return next(new HttpError(415, 'unsupported_encoding', 'unsupported content encoding'));
    try {
      const limit = admitBody(budget, limits, req, res);
      const text = (await readLimited(req, { limit, maxDepth: limits.maxDepth })).toString('utf8');
      let value: unknown;
      try {
        // An empty body is an empty object, as with express.json.
        value = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new HttpError(400, 'invalid_json', 'request body is not valid JSON');
      }
      // Only objects and arrays, as express.json's strict mode.
      if (typeof value !== 'object' || value === null)
        throw new HttpError(400, 'invalid_json', 'request body is not valid JSON');
      req.body = value;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Control endpoints: small, flat bodies (a prompt's list of emotions is the deepest). */
export const CONTROL_BODY: BodyLimits = { limit: 256 * 1024, maxDepth: 2 };
