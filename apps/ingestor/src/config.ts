import { envInt, retentionSchema, serviceBaseSchema } from '@voicepulse/config';
import { z } from 'zod';

export const ingestorConfigSchema = serviceBaseSchema
  .extend(retentionSchema.shape)
  .extend({
    // 20,000: per-transaction costs amortised; bench:ingest measured 15k events/s with one
    // 5,000-event job per flush, 35k with 20k.
    INGEST_BATCH_SIZE: envInt(20_000, 1, 100_000).describe('flush a COPY transaction once this many events are buffered'),
    INGEST_FLUSH_MS: envInt(200, 1, 60_000).describe('… or once the oldest buffered event has waited this long'),
    // 2 lets Postgres use a second core while this process prepares the next batch (deadlocks
    // between overlapping batches, if any, are retried like any transient error); 1 keeps lock order trivial.
    INGEST_FLUSH_CONCURRENCY: envInt(2, 1, 8).describe('write transactions in parallel'),
    WORKER_CONCURRENCY: envInt(64, 1, 1_000).describe(
      'metrics jobs held at once; each awaits the flush carrying its events, so this bounds batch merging',
    ),
    PARTITIONS_AHEAD_MONTHS: envInt(3, 0, 24).describe('monthly partitions created ahead'),
    // Tests use a short lock so jobs of a killed worker are recovered quickly.
    WORKER_LOCK_DURATION_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .optional()
      .describe("stalled-job detection window of metrics jobs (unset: the queue's own setting)"),
  });

export type IngestorConfig = z.output<typeof ingestorConfigSchema>;
