import { commonSchema, databaseSchema, envInt, redisSchema, storageSchema, webhooksSchema } from '@voicepulse/config';
import { z } from 'zod';

export const transcoderConfigSchema = commonSchema
  .extend(databaseSchema.shape)
  .extend(redisSchema.shape)
  .extend(webhooksSchema.shape)
  .extend({
    WORKER_CONCURRENCY: envInt(2, 1, 64),
    WORKER_LOCK_DURATION_MS: envInt(120_000, 1_000),
    MAX_DURATION_S: envInt(7200, 1),
    // Wall-clock bound on decoding one recording. A real two-hour recording decodes in about
    // 80 s on one core; a file that takes far longer is built to be expensive.
    TRANSCODE_TIMEOUT_S: envInt(300, 1),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    /**
     * A recording not moving for this long in a non-terminal state has its stage job re-enqueued
     * (a job lost to a Redis failover). Longer than a transcode's retries (8 attempts, backoff to ~2 min).
     */
    RECONCILE_STUCK_AFTER_S: envInt(900, 60),
    /** Direct uploads not completed this long after signing are deleted; above the 900 s URL lifetime cap. */
    PENDING_UPLOAD_EXPIRY_S: envInt(3600, 900),
  })
  .and(storageSchema);

export type TranscoderConfig = z.output<typeof transcoderConfigSchema>;
