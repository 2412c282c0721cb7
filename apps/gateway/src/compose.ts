import { CorpusExporter, PromptsRepository } from '@voicepulse/corpus';
import { createDatabase } from '@voicepulse/db';
import { legacySessionKey, MetricsIntake, MetricsReadRepository, SessionsRepository } from '@voicepulse/ingest';
import type { Logger } from '@voicepulse/logger';
import { createRedis, createStatusHub, JobInspector } from '@voicepulse/queues';
import { RecordingsRepository } from '@voicepulse/recordings';
import { createMetrics, prom } from '@voicepulse/runtime';
import { declaredProducers } from '@voicepulse/services';
import { createBlobStore } from '@voicepulse/storage';
import { RecordingUploads } from '@voicepulse/uploads';
import { WebhookEndpointsRepository } from '@voicepulse/webhooks';
import type { GatewayConfig } from './config';
import type { GatewayDeps } from './deps';
import { createAuthenticator } from './http/auth';
import { BodyBudget } from './http/body';
import { ExportSlots } from './http/exports';
import { StreamRegistry } from './http/streams';
import { gatewayService } from './manifest';

/** Wires real clients from config. Used by main.ts and by the tests, so both run the same graph. */
export async function composeGateway(
  config: GatewayConfig,
  logger: Logger,
): Promise<{ deps: GatewayDeps; close: () => Promise<void>; setShuttingDown: () => void }> {
  let shuttingDown = false;
  const database = createDatabase(config.DATABASE_URL, {
    max: config.DATABASE_POOL_MAX,
    applicationName: 'gateway',
  });
  const redis = createRedis(config.REDIS_URL, 'producer');
  const statusHub = await createStatusHub(createRedis(config.REDIS_URL, 'subscriber'), config.QUEUE_PREFIX);
  // Only the queues the manifest says the gateway produces: the KEDA and consumer checks read it.
  const declared = declaredProducers(gatewayService, redis, config.QUEUE_PREFIX);
  const producers = { transcode: declared.producer('transcode'), metrics: declared.producer('metrics') };
  const jobInspector = new JobInspector(redis, config.QUEUE_PREFIX);
  const store = createBlobStore(config, logger);
  const metrics = createMetrics('gateway');
  const bytesStored = new prom.Counter({
    name: 'voicepulse_bytes_stored_total',
    help: 'Bytes of audio written to object storage by uploads',
    registers: [metrics.registry],
  });
  const prompts = new PromptsRepository(database.db);
  const recordings = new RecordingsRepository(database.db);
  const sessions = new SessionsRepository(database.pool);
  const deps: GatewayDeps = {
    config,
    logger,
    database,
    redis,
    producers,
    store,
    statusHub,
    jobInspector,
    metrics,
    bytesStored,
    auth: createAuthenticator(config),
    bodyBudget: new BodyBudget(config.BODY_BYTES_IN_FLIGHT_MAX, metrics),
    exports: new ExportSlots(config.CSV_EXPORTS_MAX),
    streams: new StreamRegistry({
      perUser: config.SSE_STREAMS_PER_USER,
      maxLifetimeMs: config.SSE_MAX_LIFETIME_S * 1000,
    }),
    recordings,
    metricsIntake: new MetricsIntake({
      sessions,
      metrics: producers.metrics,
      retentionDays: config.RETENTION_DAYS,
      // Loaded once from Postgres, when the first legacy batch needs it.
      legacySessionKey: legacySessionKey(database.pool),
    }),
    metricsReads: new MetricsReadRepository(database.pool),
    sessions,
    prompts,
    corpus: new CorpusExporter(prompts, store, { signedUrlTtlS: config.SIGNED_URL_TTL_S }),
    uploads: new RecordingUploads({
      recordings,
      prompts,
      admitToSession: async (userId, sessionId) =>
        !(
          await sessions.admitWrites({ id: userId, admin: false }, [
            { sessionId, userId, at: new Date().toISOString() },
          ])
        ).length,
      store,
      transcode: producers.transcode,
      logger,
      bytesStored,
      limits: {
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
        pipelineQuota: config.MAX_RECORDINGS_IN_FLIGHT_PER_USER,
        maxPendingDirect: config.UPLOAD_MAX_PENDING_PER_USER,
        signedUrlTtlS: config.SIGNED_URL_TTL_S,
      },
    }),
    webhookEndpoints: new WebhookEndpointsRepository(database.db),
    isShuttingDown: () => shuttingDown,
  };
  return {
    deps,
    setShuttingDown: () => {
      shuttingDown = true;
    },
    async close() {
      deps.streams.closeAll();
      await statusHub.close();
      await declared.close();
      await jobInspector.close();
      redis.disconnect();
      await store.close?.();
      await database.close();
    },
  };
}
