import { commonSchema, databaseSchema, envInt, redisSchema, storageSchema } from '@voicepulse/config';
import { z } from 'zod';

export const transcoderConfigSchema = commonSchema
  .extend(databaseSchema.shape)
  .extend(redisSchema.shape)
  .extend({
    WORKER_CONCURRENCY: envInt(2, 1, 64),
    WORKER_LOCK_DURATION_MS: envInt(120_000, 1_000),
    MAX_DURATION_S: envInt(7200, 1),
    // Wall-clock bound on decoding one recording. A real two-hour recording decodes in about
    // 80 s on one core; a file that takes far longer is built to be expensive.
    TRANSCODE_TIMEOUT_S: envInt(300, 1),
    FFMPEG_PATH: z.string().default('ffmpeg'),
  })
  .and(storageSchema);

export type TranscoderConfig = z.output<typeof transcoderConfigSchema>;
