import { createAnalyzer } from '@voicepulse/analysis';
import { loadConfigOrExit } from '@voicepulse/config';
import { StatusReporter, scoreStage } from '@voicepulse/pipeline';
import { RecordingsRepository } from '@voicepulse/recordings';
import { runWorkerService } from '@voicepulse/worker';
import { createBlobStore } from '@voicepulse/storage';
import { WebhookEndpointsRepository, WebhookFanout } from '@voicepulse/webhooks';
import { buffer } from 'node:stream/consumers';
import { scorerService } from './manifest';

const config = loadConfigOrExit(scorerService.name, scorerService.config);

await runWorkerService(scorerService, config, async ({ logger, database, redis, producer }) => {
  const store = createBlobStore(config, logger);
  // Models may live in the bucket (ONNX_MODEL_PATH as a storage key) so pods need no volume.
  const analyzer = await createAnalyzer(config, {
    logger,
    loadModel: async (key) => new Uint8Array(await buffer(await store.get(key))),
  });
  const repo = new RecordingsRepository(database.db);
  const fanout = new WebhookFanout(new WebhookEndpointsRepository(database.db), producer('webhooks'));
  return {
    handlers: {
      score: {
        concurrency: config.WORKER_CONCURRENCY,
        lockDurationMs: config.WORKER_LOCK_DURATION_MS,
        handle: scoreStage({
          repo,
          store,
          status: new StatusReporter(repo, redis, config.QUEUE_PREFIX, fanout),
          analyzer,
          metricsProducer: producer('metrics'),
        }),
      },
    },
    readiness: { storage: () => store.ping() },
    close: async () => {
      await analyzer.close();
      await store.close?.();
    },
  };
});
