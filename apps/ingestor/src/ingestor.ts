import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import {
  dropExpiredPartitions,
  ensurePartitionsAhead,
  MetricsWriter,
  MicroBatcher,
} from '@voicepulse/ingest';
import type { MaintenanceJob } from '@voicepulse/queues';
import { prom } from '@voicepulse/runtime';
import type { WorkerContext, WorkerParts } from '@voicepulse/worker';
import type { IngestorConfig } from './config';
import type { ingestorService } from './manifest';

type Manifest = typeof ingestorService;
type Consumed = Manifest['consumes'][number];
type Produced = Manifest['produces'][number];

const SCHEDULES: { task: MaintenanceJob['task']; everyMs: number }[] = [
  { task: 'ensure-partitions', everyMs: 6 * 3600_000 },
  { task: 'drop-expired-partitions', everyMs: 24 * 3600_000 },
];

/**
 * The ingestor's wiring: many metrics jobs feed one micro-batcher, so dozens of small HTTP
 * batches become one COPY transaction; every job completes only after the flush that carried
 * its events has committed (a crash before that leaves the job to stalled-job recovery).
 */
export function createIngestor({
  config,
  logger,
  database,
  metrics,
  producer,
}: WorkerContext<IngestorConfig, Produced>): WorkerParts<Consumed> {
  const batchSize = new prom.Histogram({
    name: 'voicepulse_ingest_batch_events',
    help: 'Events per committed ingest transaction',
    buckets: [10, 100, 500, 1_000, 2_500, 5_000, 10_000, 20_000],
    registers: [metrics.registry],
  });
  const rows = new prom.Counter({
    name: 'voicepulse_ingest_events_total',
    help: 'Ingested metric events by outcome',
    labelNames: ['outcome'] as const,
    registers: [metrics.registry],
  });
  const flushSeconds = new prom.Histogram({
    name: 'voicepulse_ingest_flush_seconds',
    help: 'Time to write and commit one ingest batch',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [metrics.registry],
  });

  const writer = new MetricsWriter(database.pool, { retentionDays: config.RETENTION_DAYS, logger });
  const batcher = new MicroBatcher<NormalizedMetricEvent>({
    maxItems: config.INGEST_BATCH_SIZE,
    maxWaitMs: config.INGEST_FLUSH_MS,
    // Enough to fill the next batch while one is being written; beyond that, jobs wait in Redis.
    maxPendingItems: Math.max(config.INGEST_BATCH_SIZE * (config.INGEST_FLUSH_CONCURRENCY + 2), 10_000),
    maxConcurrentFlushes: config.INGEST_FLUSH_CONCURRENCY,
    async flush(events) {
      const end = flushSeconds.startTimer();
      const result = await writer.write(events);
      end();
      batchSize.observe(events.length);
      rows.inc({ outcome: 'inserted' }, result.inserted);
      rows.inc({ outcome: 'duplicate' }, result.duplicates);
      rows.inc({ outcome: 'failed' }, result.failed);
      logger.debug({ events: events.length, ...result }, 'batch committed');
    },
  });

  const maintenanceProducer = producer('maintenance');

  return {
    handlers: {
      metrics: {
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.WORKER_LOCK_DURATION_MS,
        handle: (payload) => batcher.submit(payload.events),
      },
      maintenance: {
        handle: async ({ task }, { logger: log }) => {
          if (task === 'ensure-partitions') {
            const names = await ensurePartitionsAhead(database.pool, config.PARTITIONS_AHEAD_MONTHS);
            log.info({ partitions: names }, 'partitions ensured');
          } else {
            const dropped = await dropExpiredPartitions(database.pool, config.RETENTION_DAYS);
            log.info({ dropped, retentionDays: config.RETENTION_DAYS }, 'expired partitions dropped');
          }
        },
      },
    },
    async start() {
      // Before taking jobs: the months ahead exist even if the scheduler has never fired yet.
      await ensurePartitionsAhead(database.pool, config.PARTITIONS_AHEAD_MONTHS);
      for (const { task, everyMs } of SCHEDULES) {
        // A job scheduler is idempotent by id: every replica may upsert it, Redis keeps one.
        await maintenanceProducer.queue.upsertJobScheduler(
          task,
          { every: everyMs, immediately: true },
          { name: 'maintenance', data: { task, correlationId: `schedule.${task}` } },
        );
      }
      logger.info(
        {
          batchSize: config.INGEST_BATCH_SIZE,
          flushMs: config.INGEST_FLUSH_MS,
          concurrency: config.WORKER_CONCURRENCY,
        },
        'ingestor consuming',
      );
    },
    // Runs after the consumers closed (their held jobs settled): flush what is buffered, then stop.
    close: () => batcher.close(),
  };
}
