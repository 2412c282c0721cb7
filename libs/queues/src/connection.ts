import { Redis, type RedisOptions } from 'ioredis';

export interface QueueConnectionOptions {
  url: string;
  prefix: string;
}

/**
 * One factory for every Redis connection. Workers (blocking commands) must not give up on a
 * request while Redis restarts, hence `maxRetriesPerRequest: null`; producers fail fast instead so an
 * HTTP request gets a 503 rather than hanging.
 */
export function createRedis(url: string, role: 'worker' | 'producer' | 'subscriber' = 'producer'): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'producer' ? 2 : null,
    enableReadyCheck: true,
    connectTimeout: 5_000,
    // Reconnect with capped backoff; never give up (a restart of Redis must heal by itself).
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    enableOfflineQueue: role !== 'producer',
    lazyConnect: false,
  };
  const redis = new Redis(url, options);
  // Connection errors are reported through readiness and job failures, not as crashes.
  redis.on('error', () => undefined);
  return redis;
}
