import type { Logger } from '@voicepulse/logger';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
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
 * Per-subject limits shared by every gateway replica (rate-limiter-flexible over Redis, one
 * atomic round trip per request), mounted after authentication so the key is the verified
 * subject, not a spoofable header. A fixed window is enough: the limit protects shared capacity
 * from one runaway client, it is not billing. When Redis is unreachable requests pass: the upload
 * and metrics paths report that outage themselves, and limiting must not turn a Redis blip into a
 * full API outage.
 */
export function rateLimit(opts: RateLimitOptions) {
  const windowMs = opts.windowMs ?? 60_000;
  const limiter = (role: string, points: number) =>
    points > 0
      ? new RateLimiterRedis({
          storeClient: opts.redis,
          keyPrefix: `${opts.keyPrefix}:ratelimit:${role}`,
          points,
          duration: windowMs / 1000,
          // Not connected: answer at once (and let the request through) instead of queueing.
          rejectIfRedisNotReady: true,
        })
      : null;
  const limiters = { ingest: limiter('ingest', opts.ingestPerWindow), other: limiter('user', opts.perWindow) };
  return async (req: Request, res: Response, next: NextFunction) => {
    const { userId, role } = authOf(req);
    const rl = role === 'ingest' ? limiters.ingest : limiters.other;
    if (!rl) return next();
    let outcome: RateLimiterRes;
    let allowed = true;
    try {
      outcome = await rl.consume(`${role}:${userId}`);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        opts.logger.warn({ err }, 'rate limiter unavailable; request allowed');
        return next();
      }
      outcome = err;
      allowed = false;
    }
    const resetS = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
    res.setHeader('RateLimit-Limit', String(rl.points));
    res.setHeader('RateLimit-Remaining', String(outcome.remainingPoints));
    res.setHeader('RateLimit-Reset', String(resetS));
    if (!allowed) {
      return next(
        new HttpError(429, 'rate_limited', `rate limit of ${rl.points} requests per ${windowMs / 1000} s exceeded`, undefined, {
          'Retry-After': String(resetS),
        }),
      );
    }
    next();
  };
}
