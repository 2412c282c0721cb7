import { createDatabase, runMigrations, type Database } from '@voicepulse/db';
import { createProducer, createRedis, type Producer } from '@voicepulse/queues';
import { RecordingsRepository, blobKeys, type NewRecording } from '@voicepulse/recordings';
import { FsBlobStore } from '@voicepulse/storage';
import {
  createTestDatabase,
  deleteRedisPrefix,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from '@voicepulse/testing';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expirePendingUploads, reconcileStuckRecordings, type HousekeepingDeps } from '../src';

const prefix = uniquePrefix('housekeeping');
const redis = createRedis(testRedisUrl(), 'worker');
const HOUR = 3_600_000;

let tdb: TestDatabase;
let database: Database;
let root: string;
let deps: HousekeepingDeps;
let transcodeProducer: Producer<'transcode'>;
let scoreProducer: Producer<'score'>;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'housekeeping', migrate: runMigrations });
  database = createDatabase(tdb.url, { max: 4 });
  root = await mkdtemp(path.join(tmpdir(), 'vp-housekeeping-'));
  transcodeProducer = createProducer('transcode', redis, prefix);
  scoreProducer = createProducer('score', redis, prefix);
  deps = {
    repo: new RecordingsRepository(database.db),
    store: new FsBlobStore({ root, signingSecret: 'x'.repeat(32), publicUrl: 'http://127.0.0.1/v1/blobs' }),
    transcodeProducer,
    scoreProducer,
  };
});
afterAll(async () => {
  await transcodeProducer?.close();
  await scoreProducer?.close();
  redis.disconnect();
  await deleteRedisPrefix(prefix);
  await database?.close();
  await tdb?.drop();
  await rm(root, { recursive: true, force: true });
});

/** A recording row as the gateway writes it, aged by `ageMs` (created and last updated then). */
async function recording(patch: Partial<NewRecording>, ageMs: number) {
  const id = randomUUID();
  const userId = 'hk-user';
  await deps.repo.create({
    id,
    userId,
    status: 'uploaded',
    originalKey: blobKeys.original(userId, id),
    contentType: 'audio/wav',
    ...patch,
  });
  await database.pool.query(
    `update recordings set created_at = now() - make_interval(secs => $2), updated_at = now() - make_interval(secs => $2) where id = $1`,
    [id, ageMs / 1000],
  );
  return id;
}

describe('reconciler', () => {
  it('re-enqueues the stage job of recordings stuck past the bound whose job was lost, once', async () => {
    const lostUpload = await recording({ status: 'uploaded' }, HOUR);
    const lostScore = await recording({ status: 'transcoded' }, HOUR);
    const fresh = await recording({ status: 'uploaded' }, 0);
    const done = await recording({ status: 'scored' }, HOUR);
    const pending = await recording({ status: 'uploaded', uploadState: 'pending' }, 30 * 60_000);
    // Still queued (a backlog, not a loss): nothing to add.
    const queued = await recording({ status: 'uploaded' }, HOUR);
    await transcodeProducer.add(
      { recordingId: queued, userId: 'hk-user', correlationId: 'c' },
      { jobId: `${queued}.transcode` },
    );

    const { requeued } = await reconcileStuckRecordings(deps, 15 * 60_000);
    expect(requeued.sort()).toEqual([lostUpload, lostScore].sort());
    expect(await transcodeProducer.queue.getJob(`${lostUpload}.transcode`)).toBeDefined();
    expect(await scoreProducer.queue.getJob(`${lostScore}.score`)).toBeDefined();
    for (const id of [fresh, done, pending]) {
      expect(await transcodeProducer.queue.getJob(`${id}.transcode`)).toBeUndefined();
    }
    // A second pass while those jobs wait adds nothing.
    expect((await reconcileStuckRecordings(deps, 15 * 60_000)).requeued).toEqual([]);
    expect(
      await transcodeProducer.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active'),
    ).toBe(2);
  });
});

describe('upload janitor', () => {
  it('deletes pending direct uploads past the expiry with their staging object, and nothing else', async () => {
    const abandoned = await recording({ uploadState: 'pending' }, 2 * HOUR);
    await deps.store.put(blobKeys.staging('hk-user', abandoned), Buffer.from('partial'));
    const recent = await recording({ uploadState: 'pending' }, 60_000);
    const completed = await recording({ uploadState: 'complete' }, 2 * HOUR);

    expect((await expirePendingUploads(deps, HOUR)).expired).toEqual([abandoned]);
    expect(await deps.repo.get(abandoned, null)).toBeUndefined();
    expect(await deps.store.exists(blobKeys.staging('hk-user', abandoned))).toBe(false);
    expect(await deps.repo.get(recent, null)).toBeDefined();
    expect(await deps.repo.get(completed, null)).toBeDefined();
  });
});
