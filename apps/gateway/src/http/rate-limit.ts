import type { Logger } from '@voicepulse/logger';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { authOf } from './auth';
import { HttpError } from './errors';

export interface RateLimitOptions {
  redis: Redis;
  keyPrefix: string;
  /** Requests per window for user and admin tokens; 0 disables limiting. */
  perWindow: number;
  /** Ingest service tokens batch for many clients, so they get their own, larger budget. */
  ingestPerWindow: number;
  windowMs?: number;
  logger: Logger;
}

/**
 * One round trip: count the request and start the window on its first hit. A fixed window is
 * enough here: the limit protects shared capacity from one runaway client, it is not billing.
 */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { n, ttl }
`;

/**
 * Per-subject limits shared by every gateway replica (Redis-backed), mounted after authentication
 * so the key is the verified subject, not a spoofable header. When Redis is unreachable requests
 * pass: the upload and metrics paths report that outage themselves, and limiting must not turn a
 * Redis blip into a full API outage.
 */
export function rateLimit(opts: RateLimitOptions) {
  const windowMs = opts.windowMs ?? 60_000;
  return async (req: Request, res: Response, next: NextFunction) => {
    const { userId, role } = authOf(req);
    const limit = role === 'ingest' ? opts.ingestPerWindow : opts.perWindow;
    if (limit <= 0) return next();
    const window = Math.floor(Date.now() / windowMs);
    const key = `${opts.keyPrefix}:ratelimit:${role}:${userId}:${window}`;
    let count: number;
    let ttlMs: number;
    try {
      [count, ttlMs] = (await opts.redis.eval(HIT, 1, key, String(windowMs))) as [number, number];
    } catch (err) {
      opts.logger.warn({ err }, 'rate limiter unavailable; request allowed');
      return next();
    }
    const resetS = Math.max(1, Math.ceil(ttlMs / 1000));
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - count)));
    res.setHeader('RateLimit-Reset', String(resetS));
    if (count > limit) {
      return next(
        new HttpError(429, 'rate_limited', `rate limit of ${limit} requests per ${windowMs / 1000} s exceeded`, undefined, {
          'Retry-After': String(resetS),
        }),
      );
    }
    next();
  };
}
