import { checkFfmpeg, FfmpegUnusableError } from '@voicepulse/audio';
import { ConfigError, exitOnConfigError, loadConfigOrExit } from '@voicepulse/config';
import {
  expirePendingUploads,
  reconcileStuckRecordings,
  StatusReporter,
  transcodeStage,
} from '@voicepulse/pipeline';
import { createConsumer, createProducer, type HousekeepingJob } from '@voicepulse/queues';
import { RecordingsRepository } from '@voicepulse/recordings';
import { runWorkerService } from '@voicepulse/worker';
import { createBlobStore } from '@voicepulse/storage';
import {
  WebhookEndpointsRepository,
  WebhookFanout,
  deliveryCounter,
  webhookDeliveryHandler,
} from '@voicepulse/webhooks';
import { transcoderConfigSchema } from './config';

const config = loadConfigOrExit('transcoder', transcoderConfigSchema);
const HOUSEKEEPING: { task: HousekeepingJob['task']; everyMs: number }[] = [
  { task: 'reconcile-recordings', everyMs: 5 * 60_000 },
  { task: 'expire-pending-uploads', everyMs: 10 * 60_000 },
];
// Without a usable ffmpeg every browser recording (WebM/Opus) would sit in `transcoding` through
// all its retries; refuse to start instead, with the fix.
await checkFfmpeg(config.FFMPEG_PATH).catch((err: unknown) => {
  if (err instanceof FfmpegUnusableError) {
    exitOnConfigError(new ConfigError('transcoder', [{ variable: 'FFMPEG_PATH', message: err.message }]));
  }
  throw err;
});

await runWorkerService('transcoder', config, async ({ logger, database, workerRedis, redis, metrics }) => {
  const store = createBlobStore(config, logger);
  const repo = new RecordingsRepository(database.db);
  const scoreProducer = createProducer('score', redis, config.QUEUE_PREFIX);
  const transcodeProducer = createProducer('transcode', redis, config.QUEUE_PREFIX);
  const housekeepingProducer = createProducer('housekeeping', redis, config.QUEUE_PREFIX);
  const webhooksProducer = createProducer('webhooks', redis, config.QUEUE_PREFIX);
  const endpoints = new WebhookEndpointsRepository(database.db);
  if (config.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS)
    logger.warn('WEBHOOK_ALLOW_PRIVATE_DESTINATIONS is on: webhooks may reach private and loopback addresses');
  const webhooks = createConsumer({
    queue: 'webhooks',
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    onJobDone: metrics.jobObserver('webhooks'),
    handler: webhookDeliveryHandler({
      endpoints,
      policy: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS },
      onOutcome: deliveryCounter(metrics.registry),
    }),
  });
  const housekeeping = createConsumer({
    queue: 'housekeeping',
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    onJobDone: metrics.jobObserver('housekeeping'),
    handler: async ({ task }, { logger: log }) => {
      if (task === 'reconcile-recordings') {
        const { requeued } = await reconcileStuckRecordings(
          { repo, store, transcodeProducer, scoreProducer },
          config.RECONCILE_STUCK_AFTER_S * 1000,
        );
        if (requeued.length) log.warn({ requeued }, 're-enqueued recordings whose job was lost');
      } else {
        const { expired } = await expirePendingUploads(
          { repo, store },
          config.PENDING_UPLOAD_EXPIRY_S * 1000,
        );
        if (expired.length) log.info({ expired: expired.length }, 'expired abandoned direct uploads');
      }
    },
  });
  const consumer = createConsumer({
    queue: 'transcode',
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    concurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.WORKER_LOCK_DURATION_MS,
    onJobDone: metrics.jobObserver('transcode'),
    handler: transcodeStage({
      repo,
      store,
      status: new StatusReporter(repo, redis, config.QUEUE_PREFIX, new WebhookFanout(endpoints, webhooksProducer)),
      scoreProducer,
      maxDurationS: config.MAX_DURATION_S,
      timeoutMs: config.TRANSCODE_TIMEOUT_S * 1000,
      ffmpegPath: config.FFMPEG_PATH,
    }),
  });
  return {
    consumers: [consumer, housekeeping, webhooks],
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
      await housekeepingProducer.close();
      await webhooksProducer.close();
      await transcodeProducer.close();
      await scoreProducer.close();
      await store.close?.();
    },
  };
});
