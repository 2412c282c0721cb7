import { randomUUID } from 'node:crypto';
import { encodeWavPcm16 } from '@voicepulse/audio';
import { parseConfig } from '@voicepulse/config';
import { runMigrations } from '@voicepulse/db';
import { createLogger } from '@voicepulse/logger';
import { startMinio, type RunningMinio } from '@voicepulse/storage/testing';
import { createTestDatabase, deleteRedisPrefix, uniquePrefix, type TestDatabase } from '@voicepulse/testing';
import type { Express } from 'express';
import request from 'supertest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app';
import { composeGateway } from '../src/compose';
import { gatewayConfigSchema, type GatewayConfig } from '../src/config';
import type { GatewayDeps } from '../src/deps';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface Stack {
  env: Record<string, string>;
  db: TestDatabase;
  prefix: string;
  minio?: RunningMinio;
  fsRoot?: string;
  stop(): Promise<void>;
}

/**
 * Real backing services for one suite: a fresh database with migrations, a private Redis prefix, and
 * either a MinIO server or a temp-dir fs store. `env` is what every service process of the suite gets.
 */
export async function startStack(opts: { storage: 'fs' | 's3'; extraEnv?: Record<string, string> }): Promise<Stack> {
  const db = await createTestDatabase({ prefix: 'gw', migrate: runMigrations });
  const prefix = uniquePrefix('gw');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    METADATA_SERVER_DETECTION: 'none',
  };
  let minio: RunningMinio | undefined;
  let fsRoot: string | undefined;
  let minioDir: string | undefined;
  if (opts.storage === 's3') {
    // The stack owns the data dir, so a test can stop and restart MinIO (an outage) without losing objects.
    minioDir = await mkdtemp(path.join(tmpdir(), 'vp-gw-minio-'));
    minio = await startMinio({ dataDir: minioDir, buckets: ['voicepulse-test'] });
    Object.assign(env, {
      STORAGE_DRIVER: 's3',
      STORAGE_BUCKET: 'voicepulse-test',
      S3_ENDPOINT: minio.endpoint,
      S3_ACCESS_KEY_ID: minio.accessKeyId,
      S3_SECRET_ACCESS_KEY: minio.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
  } else {
    fsRoot = await mkdtemp(path.join(tmpdir(), 'vp-gw-blobs-'));
    Object.assign(env, { STORAGE_DRIVER: 'fs', STORAGE_FS_ROOT: fsRoot });
  }
  Object.assign(env, opts.extraEnv ?? {});
  const stack: Stack = {
    env,
    db,
    prefix,
    minio,
    fsRoot,
    async stop() {
      // stack.minio, not the first instance: an outage test may have restarted it.
      await stack.minio?.stop();
      if (minioDir) await rm(minioDir, { recursive: true, force: true });
      if (fsRoot) await rm(fsRoot, { recursive: true, force: true });
      await deleteRedisPrefix(prefix);
      await db.drop();
    },
  };
  return stack;
}

export interface GatewayHarness {
  app: Express;
  deps: GatewayDeps;
  config: GatewayConfig;
  token(userId: string, role?: 'user' | 'admin' | 'ingest'): Promise<string>;
  close(): Promise<void>;
}

/** The gateway's real dependency graph, in-process, for supertest. */
export async function startGateway(stack: Stack, extraEnv: Record<string, string> = {}): Promise<GatewayHarness> {
  const config = parseConfig('gateway', gatewayConfigSchema, { ...stack.env, ...extraEnv });
  const logger = createLogger({ service: 'gateway-test', level: stack.env.LOG_LEVEL });
  const { deps, close } = await composeGateway(config, logger);
  return {
    app: createApp(deps),
    deps,
    config,
    token: async (userId, role = 'user') => (await deps.auth.sign!({ userId, role })).token,
    close,
  };
}

/**
 * PUTs bytes to the signed URL a POST /v1/uploads answered with, sent to the in-process app
 * (the URL names the gateway's public origin, which supertest does not listen on).
 */
export function putToSignedUrl(app: Express, start: { uploadUrl: string; headers: Record<string, string> }, body: Buffer) {
  const url = new URL(start.uploadUrl);
  return request(app).put(url.pathname + url.search).set(start.headers).send(body);
}

/** A WAV of `seconds` of a quiet tone, made in memory. */
export function toneWav(seconds = 1, sampleRate = 16_000, freq = 440): Buffer {
  const x = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * freq * i) / sampleRate);
  return encodeWavPcm16(x, sampleRate);
}

/** A metric event the ingestion endpoint accepts, as a phone client sends it. */
export function validEvent(overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    sessionId: randomUUID(),
    deviceId: 'pixel-7',
    talkedTimeMs: 90_000,
    microphoneUsed: true,
    speakerUsed: false,
    voiceSentiment: 0.25,
    recordedAt: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}
