import { checkFfmpeg, FfmpegUnusableError } from '@voicepulse/audio';
import { ConfigError, exitOnConfigError, loadConfigOrExit } from '@voicepulse/config';
import { StatusReporter, transcodeStage } from '@voicepulse/pipeline';
import { createConsumer, createProducer } from '@voicepulse/queues';
import { RecordingsRepository } from '@voicepulse/recordings';
import { runWorkerService } from '@voicepulse/worker';
import { createBlobStore } from '@voicepulse/storage';
import { transcoderConfigSchema } from './config';

const config = loadConfigOrExit('transcoder', transcoderConfigSchema);
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
      status: new StatusReporter(repo, redis, config.QUEUE_PREFIX),
      scoreProducer,
      maxDurationS: config.MAX_DURATION_S,
      timeoutMs: config.TRANSCODE_TIMEOUT_S * 1000,
      ffmpegPath: config.FFMPEG_PATH,
    }),
  });
  return {
    consumers: [consumer],
    readiness: { storage: () => store.ping() },
    close: async () => {
      await scoreProducer.close();
      await store.close?.();
    },
  };
});
