import { createAnalyzer } from '@voicepulse/analysis';
import { loadConfigOrExit } from '@voicepulse/config';
import { StatusReporter, scoreStage } from '@voicepulse/pipeline';
import { createConsumer, createProducer } from '@voicepulse/queues';
import { RecordingsRepository } from '@voicepulse/recordings';
import { runWorkerService } from '@voicepulse/worker';
import { createBlobStore } from '@voicepulse/storage';
import { WebhookEndpointsRepository, WebhookFanout } from '@voicepulse/webhooks';
import { buffer } from 'node:stream/consumers';
import { scorerConfigSchema } from './config';

const config = loadConfigOrExit('scorer', scorerConfigSchema);

await runWorkerService('scorer', config, async ({ logger, database, workerRedis, redis, metrics }) => {
  const store = createBlobStore(config, logger);
  // Models may live in the bucket (ONNX_MODEL_PATH as a storage key) so pods need no volume.
  const analyzer = await createAnalyzer(config, {
    logger,
    loadModel: async (key) => new Uint8Array(await buffer(await store.get(key))),
  });
  const repo = new RecordingsRepository(database.db);
  const metricsProducer = createProducer('metrics', redis, config.QUEUE_PREFIX);
  const webhooksProducer = createProducer('webhooks', redis, config.QUEUE_PREFIX);
  const fanout = new WebhookFanout(new WebhookEndpointsRepository(database.db), webhooksProducer);
  const consumer = createConsumer({
    queue: 'score',
    connection: workerRedis,
    prefix: config.QUEUE_PREFIX,
    logger,
    concurrency: config.WORKER_CONCURRENCY,
    lockDurationMs: config.WORKER_LOCK_DURATION_MS,
    onJobDone: metrics.jobObserver('score'),
    handler: scoreStage({
      repo,
      store,
      status: new StatusReporter(repo, redis, config.QUEUE_PREFIX, fanout),
      analyzer,
      metricsProducer,
    }),
  });
  return {
    consumers: [consumer],
    readiness: { storage: () => store.ping() },
    close: async () => {
      await metricsProducer.close();
      await webhooksProducer.close();
      await analyzer.close();
      await store.close?.();
    },
  };
});
