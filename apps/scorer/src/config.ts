import { analysisConfigSchema } from '@voicepulse/analysis';
import { envInt, serviceBaseSchema, storageSchema } from '@voicepulse/config';
import type { z } from 'zod';

export const scorerConfigSchema = serviceBaseSchema
  .extend(analysisConfigSchema.shape)
  .extend({
    WORKER_CONCURRENCY: envInt(2, 1, 64).describe('score jobs in parallel'),
    WORKER_LOCK_DURATION_MS: envInt(120_000, 1_000).describe('stalled-job detection window of score jobs'),
  })
  .and(storageSchema);

export type ScorerConfig = z.output<typeof scorerConfigSchema>;
