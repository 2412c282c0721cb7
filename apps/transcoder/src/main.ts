import { checkFfmpeg, FfmpegUnusableError } from '@voicepulse/audio';
import { ConfigError, exitOnConfigError, loadConfigOrExit } from '@voicepulse/config';
import {
  expirePendingUploads,
  reconcileStuckRecordings,
  StatusReporter,
  transcodeStage,
} from '@voicepulse/pipeline';
import type { HousekeepingJob } from '@voicepulse/queues';
import { RecordingsRepository } from '@voicepulse/recordings';
import { runWorkerService } from '@voicepulse/worker';
import { createBlobStore } from '@voicepulse/storage';
import {
  WebhookEndpointsRepository,
  WebhookFanout,
  deliveryCounter,
  webhookDeliveryHandler,
} from '@voicepulse/webhooks';
import { transcoderService } from './manifest';

const config = loadConfigOrExit(transcoderService.name, transcoderService.config);
const HOUSEKEEPING: { task: HousekeepingJob['task']; everyMs: number }[] = [
  { task: 'reconcile-recordings', everyMs: 5 * 60_000 },
  { task: 'expire-pending-uploads', everyMs: 10 * 60_000 },
];
// Without a usable ffmpeg every browser recording (WebM/Opus) would sit in `transcoding` through
// all its retries; refuse to start instead, with the fix.
await checkFfmpeg(config.FFMPEG_PATH).catch((err: unknown) => {
  if (err instanceof FfmpegUnusableError) {
    exitOnConfigError(new ConfigError(transcoderService.name, [{ variable: 'FFMPEG_PATH', message: err.message }]));
  }
  throw err;
});

await runWorkerService(transcoderService, config, async ({ logger, database, redis, metrics, producer }) => {
  const store = createBlobStore(config, logger);
  const repo = new RecordingsRepository(database.db);
  const scoreProducer = producer('score');
  const transcodeProducer = producer('transcode');
  const housekeepingProducer = producer('housekeeping');
  const endpoints = new WebhookEndpointsRepository(database.db);
  if (config.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS)
    logger.warn('WEBHOOK_ALLOW_PRIVATE_DESTINATIONS is on: webhooks may reach private and loopback addresses');
  return {
    handlers: {
      transcode: {
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.WORKER_LOCK_DURATION_MS,
        handle: transcodeStage({
          repo,
          store,
          status: new StatusReporter(repo, redis, config.QUEUE_PREFIX, new WebhookFanout(endpoints, producer('webhooks'))),
          scoreProducer,
          maxDurationS: config.MAX_DURATION_S,
          timeoutMs: config.TRANSCODE_TIMEOUT_S * 1000,
          ffmpegPath: config.FFMPEG_PATH,
        }),
      },
      housekeeping: {
        handle: async ({ task }, { logger: log }) => {
          if (task === 'reconcile-recordings') {
            const { requeued } = await reconcileStuckRecordings(
              { repo, store, transcodeProducer, scoreProducer },
              config.RECONCILE_STUCK_AFTER_S * 1000,
            );
            if (requeued.length) log.warn({ requeued }, 're-enqueued recordings whose job was lost');
          } else {
            const { expired } = await expirePendingUploads({ repo, store }, config.PENDING_UPLOAD_EXPIRY_S * 1000);
            if (expired.length) log.info({ expired: expired.length }, 'expired abandoned direct uploads');
          }
        },
      },
      webhooks: {
        handle: webhookDeliveryHandler({
          endpoints,
          policy: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS },
          onOutcome: deliveryCounter(metrics.registry),
        }),
      },
    },
    readiness: { storage: () => store.ping() },
    async start() {
      for (const { task, everyMs } of HOUSEKEEPING) {
        // Idempotent by id: every replica may upsert the scheduler, Redis keeps one. Run at once too:
        // a transcoder (re)starting after a Redis failover reconciles what the failover lost.
        await housekeepingProducer.queue.upsertJobScheduler(
          task,
          { every: everyMs, immediately: true },
          { name: 'housekeeping', data: { task, correlationId: `schedule.${task}` } },
        );
      }
    },
    close: async () => {
      await store.close?.();
    },
  };
});
