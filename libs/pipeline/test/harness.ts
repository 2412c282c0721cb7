/**
 * The real backing services the stage tests run against, set up once per file: a migrated test
 * database, an fs blob store in a temp dir, score/metrics producers on a private Redis prefix and
 * the analyzer; plus the upload the gateway would have made, and the stages wired to them.
 */
import { createAnalyzer, analysisConfigSchema, type Analyzer } from '@voicepulse/analysis';
import { createDatabase, runMigrations, type Database } from '@voicepulse/db';
import { createLogger } from '@voicepulse/logger';
import { createProducer, createRedis, type JobContext, type Producer } from '@voicepulse/queues';
import { RecordingsRepository, blobKeys, type NewRecording } from '@voicepulse/recordings';
import { FsBlobStore } from '@voicepulse/storage';
import { createTestDatabase, deleteRedisPrefix, testRedisUrl, uniquePrefix, type TestDatabase } from '@voicepulse/testing';
import type { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { StatusReporter, scoreStage, transcodeStage, type TerminalStatusListener } from '../src';

export const ctx = {
  job: {} as Job,
  logger: createLogger({ service: 'test', level: 'silent' }),
  attempt: 1,
  isFinalAttempt: false,
} satisfies JobContext;

export interface PipelineHarness {
  readonly prefix: string;
  database: Database;
  repo: RecordingsRepository;
  store: FsBlobStore;
  /** The blob store's root, a temp dir removed after the file. */
  root: string;
  scoreProducer: Producer<'score'>;
  metricsProducer: Producer<'metrics'>;
  analyzer: Analyzer;
  /** Stores `body` as an original and creates its `uploaded` row, as the gateway does; returns the transcode job. */
  upload(
    body: Buffer,
    contentType: string,
    row?: Partial<NewRecording>,
  ): Promise<{ id: string; recordingId: string; userId: string; correlationId: string }>;
  /** The two stages on these services, reporting terminal statuses to `listener`. */
  stages(
    listener: TerminalStatusListener,
    maxDurationS: number,
  ): {
    status: () => StatusReporter;
    transcode: () => ReturnType<typeof transcodeStage>;
    score: () => ReturnType<typeof scoreStage>;
  };
}

/** Registers the file's beforeAll/afterAll; the harness's fields are set once beforeAll ran. */
export function usePipelineHarness(name: string, analysisEnv: Record<string, string> = {}): PipelineHarness {
  const prefix = uniquePrefix(name);
  const redis = createRedis(testRedisUrl(), 'worker');
  let tdb: TestDatabase | undefined;
  const h = { prefix } as PipelineHarness;
  h.upload = async (body, contentType, row = {}) => {
    const id = randomUUID();
    const userId = `${name}-user`;
    const originalKey = blobKeys.original(userId, id);
    const put = await h.store.put(originalKey, body, { contentType });
    await h.repo.create({
      id,
      userId,
      status: 'uploaded',
      originalKey,
      contentType,
      sizeBytes: put.sizeBytes,
      sha256: put.sha256,
      ...row,
    });
    return { id, recordingId: id, userId, correlationId: randomUUID() };
  };
  h.stages = (listener, maxDurationS) => {
    // Called while the file is collected, before beforeAll: the services are read when a stage is built.
    const status = () => new StatusReporter(h.repo, redis, prefix, listener);
    return {
      status,
      transcode: () => transcodeStage({ ...h, status: status(), maxDurationS }),
      score: () => scoreStage({ ...h, status: status() }),
    };
  };

  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: name, migrate: runMigrations });
    h.database = createDatabase(tdb.url, { max: 4 });
    h.repo = new RecordingsRepository(h.database.db);
    h.root = await mkdtemp(path.join(tmpdir(), `vp-${name}-`));
    h.store = new FsBlobStore({ root: h.root, signingSecret: 'x'.repeat(32), publicUrl: 'http://127.0.0.1/v1/blobs' });
    h.scoreProducer = createProducer('score', redis, prefix);
    h.metricsProducer = createProducer('metrics', redis, prefix);
    h.analyzer = await createAnalyzer(analysisConfigSchema.parse(analysisEnv));
  });
  afterAll(async () => {
    await h.analyzer?.close();
    await h.scoreProducer?.close();
    await h.metricsProducer?.close();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
    await h.database?.close();
    await tdb?.drop();
    if (h.root) await rm(h.root, { recursive: true, force: true });
  });
  return h;
}
