import { envInt, serviceBaseSchema, storageSchema, webhooksSchema } from '@voicepulse/config';
import { z } from 'zod';

export const transcoderConfigSchema = serviceBaseSchema
  .extend(webhooksSchema.shape)
  .extend({
    WORKER_CONCURRENCY: envInt(2, 1, 64).describe('transcode jobs in parallel'),
    WORKER_LOCK_DURATION_MS: envInt(120_000, 1_000).describe('stalled-job detection window of transcode jobs'),
    MAX_DURATION_S: envInt(7200, 1).describe(
      'longer recordings fail as `too_long` (refused from the declared duration before decoding when the header has one)',
    ),
    // A real two-hour recording decodes in about 80 s on one core; a file that takes far longer is
    // built to be expensive.
    TRANSCODE_TIMEOUT_S: envInt(300, 1).describe(
      'wall-clock bound on decoding one recording; past it ffmpeg is killed and the recording fails as `too_long`',
    ),
    FFMPEG_PATH: z.string().default('ffmpeg').describe('ffmpeg binary (checked at start-up)'),
    // Longer than a transcode's retries (8 attempts, backoff to ~2 min); the lost job is one of a
    // Redis failover.
    RECONCILE_STUCK_AFTER_S: envInt(900, 60).describe(
      'a recording not moving this long in a non-terminal state gets its stage job re-enqueued (lost job)',
    ),
    // Above the 900 s signed-URL lifetime cap, so no upload in progress is deleted.
    PENDING_UPLOAD_EXPIRY_S: envInt(3600, 900).describe(
      'direct uploads not completed this long after signing are deleted (≥ 900)',
    ),
  })
  .and(storageSchema);

export type TranscoderConfig = z.output<typeof transcoderConfigSchema>;
