import { createDatabase, type Database } from '@voicepulse/db';
import { createLogger, redactUrl, type Logger } from '@voicepulse/logger';
import {
  createConsumer,
  createRedis,
  JobInspector,
  registerQueueGauges,
  type ConsumerOptions,
  type Producer,
  type QueueName,
} from '@voicepulse/queues';
import {
  createMetrics,
  installShutdown,
  startHealthServer,
  type ReadinessCheck,
  type ServiceMetrics,
} from '@voicepulse/runtime';
import { consumerMismatch, declaredProducers, type ServiceManifest } from '@voicepulse/services';
import { initTracing } from '@voicepulse/tracing';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';

export interface WorkerBaseConfig {
  LOG_LEVEL: string;
  HEALTH_PORT: number;
  HOST: string;
  SHUTDOWN_TIMEOUT_MS: number;
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  REDIS_URL: string;
  QUEUE_PREFIX: string;
}

export interface WorkerContext<C, P extends QueueName> {
  config: C;
  logger: Logger;
  database: Database;
  /** Non-blocking connection for status publishing (producers come from `producer`). */
  redis: Redis;
  metrics: ServiceMetrics;
  /** A producer for a queue the manifest says this service produces; closed by the shell. */
  producer<Q extends P>(queue: Q): Producer<Q>;
}

/** How the service handles one of its queues; the shell creates the BullMQ worker. */
export interface QueueHandler<Q extends QueueName> {
  handle: ConsumerOptions<Q>['handler'];
  concurrency?: number;
  lockDurationMs?: number;
}

export interface WorkerParts<C extends QueueName> {
  /** One handler per queue the manifest declares consumed: a missing one does not compile, an extra one stops start-up. */
  handlers: { [Q in C]: QueueHandler<Q> };
  readiness?: Record<string, ReadinessCheck>;
  /** Runs once before any consumer takes a job (schedules, partitions, warm-up). */
  start?: () => Promise<void>;
  /** Runs after the consumers closed, before the shell closes the producers. */
  close?: () => Promise<void>;
}

/** One BullMQ worker per queue the manifest declares consumed, with the service's handler for it. */
export function createConsumers<C extends QueueName>(
  manifest: { consumes: readonly C[] },
  handlers: WorkerParts<C>['handlers'],
  opts: { connection: Redis; prefix: string; logger: Logger; metrics: ServiceMetrics },
): Worker[] {
  return manifest.consumes.map((queue) => {
    const { handle, ...tuning } = handlers[queue] as QueueHandler<QueueName>;
    return createConsumer({
      queue,
      connection: opts.connection,
      prefix: opts.prefix,
      logger: opts.logger,
      handler: handle,
      onJobDone: opts.metrics.jobObserver(queue),
      ...tuning,
    });
  });
}

/**
 * The shared shell of every worker app: logger, Postgres, Redis, health/metrics port, one consumer
 * per queue its manifest declares, producers for the queues it declares produced, and SIGTERM
 * handling. The app supplies only handlers, so the apps stay composition roots.
 */
export async function runWorkerService<
  Cfg extends WorkerBaseConfig,
  C extends QueueName,
  P extends QueueName,
>(
  manifest: ServiceManifest<z.ZodType<unknown, Record<string, unknown>>, C, P>,
  config: Cfg,
  build: (ctx: WorkerContext<Cfg, P>) => Promise<WorkerParts<C>>,
): Promise<void> {
  const service = manifest.name;
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const tracing = initTracing(service, process.env);
  const database = createDatabase(config.DATABASE_URL, {
    max: config.DATABASE_POOL_MAX,
    applicationName: service,
  });
  const workerRedis = createRedis(config.REDIS_URL, 'worker');
  // Producers in workers must survive a Redis restart mid-job rather than fail it: queue offline.
  const redis = createRedis(config.REDIS_URL, 'worker');
  const metrics = createMetrics(service);
  const producers = declaredProducers(manifest, redis, config.QUEUE_PREFIX);
  const parts = await build({ config, logger, database, redis, metrics, producer: producers.producer });
  // The manifests give every queue exactly one consuming service (scripts/services.test.ts); this
  // proves the running worker is wired as its manifest says, so no queue goes unprocessed or is
  // handled twice.
  const mismatch = consumerMismatch(manifest, Object.keys(parts.handlers));
  if (mismatch) {
    logger.fatal(mismatch);
    process.exit(78);
  }
  const consumers = createConsumers(manifest, parts.handlers, {
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    metrics,
  });
  // Each worker reports the depth of the queues it consumes, next to its own job durations.
  registerQueueGauges(metrics.registry, new JobInspector(redis, config.QUEUE_PREFIX), [...manifest.consumes]);

  let shuttingDown = false;
  const health = await startHealthServer({
    port: config.HEALTH_PORT,
    host: config.HOST,
    logger,
    registry: metrics.registry,
    isShuttingDown: () => shuttingDown,
    checks: {
      postgres: () => database.ping(),
      redis: async () => {
        await redis.ping();
      },
      ...parts.readiness,
    },
  });

  installShutdown(
    logger,
    [
      { name: 'readiness', run: async () => void (shuttingDown = true) },
      // close() waits for active jobs to finish; unfinished ones are retried via stalled detection.
      { name: 'consumers', run: () => Promise.all(consumers.map((w) => w.close())) },
      { name: 'service', run: async () => parts.close?.() },
      { name: 'producers', run: () => producers.close() },
      { name: 'health', run: () => health.close() },
      { name: 'redis', run: async () => (workerRedis.disconnect(), redis.disconnect()) },
      { name: 'postgres', run: () => database.close() },
      { name: 'tracing', run: () => tracing.shutdown() },
    ],
    { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
  );

  try {
    await parts.start?.();
  } catch (err) {
    // Most likely an unmigrated database or unreachable Redis: say so and let the orchestrator restart us.
    logger.fatal({ err }, `${service} failed to start`);
    process.exit(1);
  }
  for (const worker of consumers) void worker.run();
  logger.info(
    {
      queues: manifest.consumes,
      database: redactUrl(config.DATABASE_URL),
      healthPort: health.port,
    },
    `${service} started`,
  );
}
