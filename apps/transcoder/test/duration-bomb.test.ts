import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { createProducer, createRedis, jobIds, type Producer } from '@voicepulse/queues';
import { RecordingsRepository, blobKeys } from '@voicepulse/recordings';
import { FsBlobStore } from '@voicepulse/storage';
import {
  renderDurationBombFlac,
  testRedisUrl,
  waitFor,
  workerUnderTest,
  type ServiceProcess,
  type WorkerUnderTest,
} from '@voicepulse/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 12 #7 against the real transcoder process: a 0.9 MB FLAC of two hours of silence, seeded
 * as an upload and handed to the transcoder through its queue.
 */
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');
// Generated per run: a literal here would be one more published secret production must refuse.
const SIGNING_SECRET = randomBytes(24).toString('hex');

let testDb: MigratedTestDatabase;
let repo: RecordingsRepository;
let root: string;
let store: FsBlobStore;
let bomb: Buffer;
const redis = createRedis(testRedisUrl(), 'worker');
const started: { worker: WorkerUnderTest; producer: Producer<'transcode'> }[] = [];

beforeAll(async () => {
  testDb = await openMigratedTestDatabase('transcoder');
  repo = new RecordingsRepository(testDb.database.db);
  root = await mkdtemp(path.join(tmpdir(), 'vp-transcoder-test-'));
  store = new FsBlobStore({ root, signingSecret: SIGNING_SECRET, publicUrl: 'http://127.0.0.1/v1/blobs' });
  const file = path.join(root, 'bomb.flac');
  await renderDurationBombFlac(file);
  bomb = await readFile(file);
  // The timeout: rendering two hours takes far longer than a few seconds on a loaded machine.
}, 180_000);
afterAll(async () => {
  for (const s of started) {
    await s.producer.close();
    await s.worker.cleanup();
  }
  redis.disconnect();
  await testDb?.close();
  await rm(root, { recursive: true, force: true });
});

/** A transcoder of its own (queue prefix and settings), as deployed. */
function startTranscoder(env: Record<string, string>) {
  const worker = workerUnderTest('transcoder', main, testDb.tdb.url);
  const proc = worker.start({
    LOG_LEVEL: 'info',
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: root,
    STORAGE_FS_SIGNING_SECRET: SIGNING_SECRET,
    ...env,
  });
  const producer = createProducer('transcode', redis, worker.prefix);
  started.push({ worker, producer });
  return { proc, producer };
}

async function transcodeBomb(producer: Producer<'transcode'>, proc: ServiceProcess) {
  const id = randomUUID();
  const userId = 'bomb-user';
  const originalKey = blobKeys.original(userId, id);
  const put = await store.put(originalKey, bomb, { contentType: 'audio/flac' });
  await repo.create({
    id,
    userId,
    status: 'uploaded',
    originalKey,
    contentType: 'audio/flac',
    sizeBytes: put.sizeBytes,
    sha256: put.sha256,
  });
  await producer.add(
    { recordingId: id, userId, correlationId: randomUUID() },
    { jobId: jobIds.transcode(id) },
  );
  const row = await waitFor(
    async () => {
      const r = await repo.get(id, null);
      return r?.status === 'failed' || r?.status === 'transcoded' ? r : undefined;
    },
    {
      what: `recording ${id} to leave transcoding\n${proc.output().slice(-3000)}`,
      timeoutMs: 120_000,
      intervalMs: 200,
    },
  );
  return { row, normalized: await store.exists(blobKeys.normalized(userId, id)) };
}

describe('transcoder against a duration bomb', () => {
  it('refuses it from the declared duration when MAX_DURATION_S is lower', async () => {
    const { proc, producer } = startTranscoder({ MAX_DURATION_S: '3600' });
    const { row, normalized } = await transcodeBomb(producer, proc);
    expect(row).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(row.failureMessage).toMatch(/declares 7200 s, over the 3600 s limit/);
    expect(normalized).toBe(false);
  });

  it('within MAX_DURATION_S, stops it at TRANSCODE_TIMEOUT_S', async () => {
    const { proc, producer } = startTranscoder({ MAX_DURATION_S: '7200', TRANSCODE_TIMEOUT_S: '1' });
    const { row, normalized } = await transcodeBomb(producer, proc);
    expect(row).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(row.failureMessage).toMatch(/decoding took longer than the 1 s limit/);
    expect(normalized).toBe(false);
  });
});
