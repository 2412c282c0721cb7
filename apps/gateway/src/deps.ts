import type { CorpusExporter, PromptsRepository } from '@voicepulse/corpus';
import type { Database } from '@voicepulse/db';
import type { MetricsIntake, MetricsReadRepository, SessionsRepository } from '@voicepulse/ingest';
import type { Logger } from '@voicepulse/logger';
import type { JobInspector, Producer, StatusHub } from '@voicepulse/queues';
import type { RecordingsRepository } from '@voicepulse/recordings';
import type { prom, ServiceMetrics } from '@voicepulse/runtime';
import type { BlobStore } from '@voicepulse/storage';
import type { RecordingUploads } from '@voicepulse/uploads';
import type { WebhookEndpointsRepository } from '@voicepulse/webhooks';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from './config';
import type { Authenticator } from './http/auth';
import type { BodyBudget } from './http/body';
import type { ExportSlots } from './http/exports';
import type { StreamRegistry } from './http/streams';

/** Everything the HTTP layer needs, built once in main.ts (or by tests against real servers). */
export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  database: Database;
  redis: Redis;
  producers: { transcode: Producer<'transcode'>; metrics: Producer<'metrics'> };
  store: BlobStore;
  statusHub: StatusHub;
  /** Every queue, read (and retried or purged) by the admin API, Bull Board and the queue gauges. */
  jobInspector: JobInspector;
  metrics: ServiceMetrics;
  bytesStored: prom.Counter;
  auth: Authenticator;
  bodyBudget: BodyBudget;
  streams: StreamRegistry;
  exports: ExportSlots;
  recordings: RecordingsRepository;
  metricsIntake: MetricsIntake;
  metricsReads: MetricsReadRepository;
  sessions: SessionsRepository;
  prompts: PromptsRepository;
  corpus: CorpusExporter;
  uploads: RecordingUploads;
  webhookEndpoints: WebhookEndpointsRepository;
  isShuttingDown: () => boolean;
}
