import { createDatabase, type Database } from '@voicepulse/db';
import { createLogger, redactUrl, type Logger } from '@voicepulse/logger';
import {
  consumerMismatch,
  createRedis,
  JobInspector,
  registerQueueGauges,
  type QueueName,
  type WorkerServiceName,
} from '@voicepulse/queues';
import {
  createMetrics,
  installShutdown,
  startHealthServer,
  type ReadinessCheck,
  type ServiceMetrics,
} from '@voicepulse/runtime';
import { initTracing } from '@voicepulse/tracing';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

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

export interface WorkerContext<C> {
  config: C;
  logger: Logger;
  database: Database;
  /** Blocking connection for BullMQ workers (maxRetriesPerRequest: null). */
  workerRedis: Redis;
  /** Non-blocking connection for producers and status publishing. */
  redis: Redis;
  metrics: ServiceMetrics;
}

export interface WorkerParts {
  consumers: Worker[];
  readiness?: Record<string, ReadinessCheck>;
  /** Runs once before any consumer takes a job (schedules, partitions, warm-up). */
  start?: () => Promise<void>;
  close?: () => Promise<void>;
}

/**
 * The shared shell of every worker app: logger, Postgres, Redis, health/metrics port and SIGTERM
 * handling. The app supplies only its consumers, so the apps stay composition roots.
 */
export async function runWorkerService<C extends WorkerBaseConfig>(
  service: WorkerServiceName,
  config: C,
  build: (ctx: WorkerContext<C>) => Promise<WorkerParts>,
): Promise<void> {
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
  const parts = await build({ config, logger, database, workerRedis, redis, metrics });
  // Every queue has exactly one consuming service (libs/queues WORKER_QUEUES): a worker wired to
  // another's queue, or missing one of its own, would leave jobs unprocessed or doubly handled.
  const mismatch = consumerMismatch(service, parts.consumers.map((w) => w.name));
  if (mismatch) {
    logger.fatal(mismatch);
    process.exit(78);
  }
  // Each worker reports the depth of the queues it consumes, next to its own job durations.
  registerQueueGauges(
    metrics.registry,
    new JobInspector(redis, config.QUEUE_PREFIX),
    parts.consumers.map((w) => w.name as QueueName),
  );

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
      { name: 'consumers', run: () => Promise.all(parts.consumers.map((w) => w.close())) },
      { name: 'service', run: async () => parts.close?.() },
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
  for (const worker of parts.consumers) void worker.run();
  logger.info(
    {
      queues: parts.consumers.map((w) => w.name),
      database: redactUrl(config.DATABASE_URL),
      healthPort: health.port,
    },
    `${service} started`,
  );
}
