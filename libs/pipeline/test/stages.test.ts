import { createAnalyzer, analysisConfigSchema, type Analyzer } from '@voicepulse/analysis';
import { encodeWavPcm16 } from '@voicepulse/audio';
import { createDatabase, runMigrations, type Database } from '@voicepulse/db';
import { createLogger } from '@voicepulse/logger';
import {
  PermanentJobError,
  createProducer,
  createRedis,
  type JobContext,
  type Producer,
} from '@voicepulse/queues';
import { RecordingsRepository, blobKeys, deleteRecordingBlobs } from '@voicepulse/recordings';
import { FsBlobStore } from '@voicepulse/storage';
import {
  createTestDatabase,
  deleteRedisPrefix,
  testRedisUrl,
  uniquePrefix,
  type TestDatabase,
} from '@voicepulse/testing';
import type { Job } from 'bullmq';
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { StatusReporter, scoreStage, transcodeStage } from '../src';

const run = promisify(execFile);
const logger = createLogger({ service: 'test', level: 'silent' });
const ctx = { job: {} as Job, logger, attempt: 1, isFinalAttempt: false } satisfies JobContext;
const prefix = uniquePrefix('pipeline');
const redis = createRedis(testRedisUrl(), 'worker');

let tdb: TestDatabase;
let database: Database;
let repo: RecordingsRepository;
let store: FsBlobStore;
let root: string;
let scoreProducer: Producer<'score'>;
let metricsProducer: Producer<'metrics'>;
let analyzer: Analyzer;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'pipe', migrate: runMigrations });
  database = createDatabase(tdb.url, { max: 4 });
  repo = new RecordingsRepository(database.db);
  root = await mkdtemp(path.join(tmpdir(), 'vp-pipe-'));
  store = new FsBlobStore({ root, signingSecret: 'x'.repeat(32), publicUrl: 'http://127.0.0.1/v1/blobs' });
  scoreProducer = createProducer('score', redis, prefix);
  metricsProducer = createProducer('metrics', redis, prefix);
  analyzer = await createAnalyzer(analysisConfigSchema.parse({}));
});
afterAll(async () => {
  await analyzer?.close();
  await scoreProducer?.close();
  await metricsProducer?.close();
  redis.disconnect();
  await deleteRedisPrefix(prefix);
  await database?.close();
  await tdb?.drop();
  await rm(root, { recursive: true, force: true });
});

/** A 48 kHz stereo WAV: 1 s silence, 1.5 s of a voiced buzz (harmonics of 150 Hz), 1 s silence. */
function buzzWav(): Buffer {
  const rate = 48_000;
  const x = new Float32Array(rate * 3.5);
  for (let i = rate; i < rate * 2.5; i++) {
    let v = 0;
    for (let h = 1; h <= 10; h++) v += Math.sin((2 * Math.PI * 150 * h * i) / rate) / h;
    x[i] = 0.2 * v;
  }
  return encodeWavPcm16(x, rate);
}

async function uploaded(body: Buffer, contentType = 'audio/wav') {
  const id = randomUUID();
  const userId = 'pipe-user';
  const originalKey = blobKeys.original(userId, id);
  const put = await store.put(originalKey, body, { contentType });
  await repo.create({
    id,
    userId,
    status: 'uploaded',
    originalKey,
    contentType,
    sizeBytes: put.sizeBytes,
    sha256: put.sha256,
    clientTranscript: 'I love this, it is wonderful.',
  });
  return { id, recordingId: id, userId, correlationId: randomUUID() };
}

describe('pipeline stages', () => {
  /** What the terminal-status listener (the webhook fan-out in the services) was handed, in order. */
  const finished: string[] = [];
  let listenerDown = false;
  const listener = {
    async recordingFinished(row: { id: string; status: string }) {
      if (listenerDown) throw new Error('fan-out unavailable');
      finished.push(`${row.id}.${row.status}`);
    },
  };
  const status = () => new StatusReporter(repo, redis, prefix, listener);
  const transcode = () => transcodeStage({ repo, store, status: status(), scoreProducer, maxDurationS: 60 });
  const score = () => scoreStage({ repo, store, status: status(), analyzer, metricsProducer });

  it('transcode → score → one metric event, and re-running either stage changes nothing', async () => {
    const job = await uploaded(buzzWav());
    await transcode()(job, ctx);
    const row = await repo.get(job.id, null);
    expect(row, JSON.stringify(row)).toMatchObject({
      status: 'transcoded',
      sampleRate: 48_000,
      channels: 1,
      durationMs: 3500,
    });
    expect(await store.exists(blobKeys.normalized(job.userId, job.id))).toBe(true);
    expect(await scoreProducer.queue.getJob(`${job.id}.score`)).toBeDefined();

    await transcode()(job, ctx); // a retry after a crash: no state change, score job deduplicated
    expect((await repo.get(job.id, null))?.updatedAt).toEqual(row?.updatedAt);
    expect(await scoreProducer.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active')).toBe(
      1,
    );

    await score()(job, ctx);
    const view = await repo.view(job.id, null);
    expect(view?.status).toBe('scored');
    expect(view?.analysis?.sentiment.label).toBe('positive');
    expect(Math.abs(view!.analysis!.talkedTimeMs - 1500)).toBeLessThan(300);
    const metricJob = await metricsProducer.queue.getJob(`${job.id}.metric`);
    expect(metricJob?.data.events).toEqual([
      expect.objectContaining({
        eventId: job.id,
        recordingId: job.id,
        userId: 'pipe-user',
        source: 'recording',
        voiceSentimentLabel: 'positive',
      }),
    ]);

    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([`${job.id}.scored`]);

    await score()(job, ctx);
    expect(
      await metricsProducer.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active'),
    ).toBe(1);
    // Told again (the fan-out's job ids make that a no-op), in case the first run crashed before it.
    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([`${job.id}.scored`, `${job.id}.scored`]);
    const segs = await database.pool.query(
      'select count(*)::int n from speech_segments where recording_id = $1',
      [job.id],
    );
    expect(segs.rows[0].n).toBe(view!.analysis!.segments.length);
  });

  it('fails corrupt audio permanently with its code', async () => {
    const wav = buzzWav();
    const job = await uploaded(wav.subarray(0, 1000));
    const err = await transcode()(job, ctx).catch((e) => e);
    expect(err, JSON.stringify(await repo.get(job.id, null))).toBeInstanceOf(PermanentJobError);
    expect(err.code).toBe('corrupt_audio');
    expect(await repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([`${job.id}.failed`]);
  });

  it('a terminal status whose notification failed is notified by the retry', async () => {
    const job = await uploaded(buzzWav().subarray(0, 1000));
    listenerDown = true;
    onTestFinished(() => {
      listenerDown = false;
    });
    // The status is durable before the fan-out runs; the fan-out's failure fails the attempt.
    await expect(transcode()(job, ctx)).rejects.toThrow(/fan-out unavailable/);
    expect(await repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([]);
    listenerDown = false;
    await transcode()(job, { ...ctx, attempt: 2 });
    await score()(job, { ...ctx, attempt: 1 });
    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([`${job.id}.failed`, `${job.id}.failed`]);
  });

  it('fails audio the analyzer cannot read permanently, on the first attempt', async () => {
    const job = await uploaded(buzzWav());
    await transcode()(job, ctx);
    // The normalized object is replaced by one with no samples: the analyzer's InvalidAudioError.
    await store.put(blobKeys.normalized(job.userId, job.id), encodeWavPcm16(new Float32Array(0), 16_000), { contentType: 'audio/wav' });
    const err = await score()(job, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect(err.code).toBe('corrupt_audio');
    expect(await repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
  });

  it('retries a transient fault, and marks the recording failed once the last attempt fails too', async () => {
    const job = await uploaded(buzzWav());
    await store.delete(blobKeys.original(job.userId, job.id)); // storage lost the object: not the audio's fault
    await expect(transcode()(job, ctx)).rejects.toThrow(/not found/);
    expect((await repo.get(job.id, null))?.status).toBe('transcoding');
    await expect(transcode()(job, { ...ctx, attempt: 8, isFinalAttempt: true })).rejects.toThrow(/not found/);
    const row = await repo.get(job.id, null);
    expect(row).toMatchObject({ status: 'failed', failureCode: 'internal' });
    expect(row?.failureMessage).toMatch(/^gave up after 8 attempts: blob not found/);
  });

  it('a two-hour silent FLAC: refused by its header when too long, by the wall clock when not; nothing left', async () => {
    const bombPath = path.join(root, 'bomb.flac');
    const silence = ['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '7200', '-c:a', 'flac'];
    await run('ffmpeg', ['-y', '-loglevel', 'error', ...silence, bombPath]);
    const bomb = await readFile(bombPath);
    // os.tmpdir() follows TMPDIR: a private one shows exactly what the stage leaves behind.
    const scratch = await mkdtemp(path.join(root, 'tmp-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    onTestFinished(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    });

    const tooLong = await uploaded(bomb, 'audio/flac');
    expect(await transcode()(tooLong, ctx).catch((e) => e)).toBeInstanceOf(PermanentJobError);
    const refused = await repo.get(tooLong.id, null);
    expect(refused).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(refused?.failureMessage).toMatch(/declares 7200 s, over the 60 s limit/);

    const slow = await uploaded(bomb, 'audio/flac');
    const stage = transcodeStage({ repo, store, status: status(), scoreProducer, maxDurationS: 7200, timeoutMs: 1000 });
    expect(await stage(slow, ctx).catch((e) => e)).toBeInstanceOf(PermanentJobError);
    const stopped = await repo.get(slow.id, null);
    expect(stopped).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(stopped?.failureMessage).toMatch(/decoding took longer than the 1 s limit/);

    for (const job of [tooLong, slow]) expect(await store.exists(blobKeys.normalized(job.userId, job.id))).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('treats a deleted recording as done', async () => {
    const job = await uploaded(buzzWav());
    await repo.delete(job.id, null);
    await expect(transcode()(job, ctx)).resolves.toBeUndefined();
    await expect(score()(job, ctx)).resolves.toBeUndefined();
  });

  it('a delete while ffmpeg runs leaves no blob behind: the WAV written after the delete is removed', async () => {
    const job = await uploaded(buzzWav());
    // The real store, with the user's DELETE (as the gateway runs it) landing just before the
    // transcoder writes its output: the delete's prefix listing cannot have seen the WAV.
    const racingStore = Object.create(store) as FsBlobStore;
    racingStore.put = async (key, body, opts) => {
      if (key === blobKeys.normalized(job.userId, job.id)) {
        await repo.delete(job.id, null);
        await deleteRecordingBlobs(store, job.userId, job.id);
      }
      return store.put(key, body, opts);
    };
    const stage = transcodeStage({
      repo,
      store: racingStore,
      status: status(),
      scoreProducer,
      maxDurationS: 60,
    });
    await expect(stage(job, ctx)).resolves.toBeUndefined();
    const left = [];
    for await (const blob of store.list(blobKeys.prefix(job.userId, job.id))) left.push(blob.key);
    expect(left).toEqual([]);
    expect(await scoreProducer.queue.getJob(`${job.id}.score`)).toBeUndefined();
  });

  it('records the sha256 of a direct upload (completed without one) from the bytes it transcodes', async () => {
    const wav = buzzWav();
    const job = await uploaded(wav);
    await database.pool.query("update recordings set sha256 = '' where id = $1", [job.id]);
    await transcode()(job, ctx);
    const row = await repo.get(job.id, null);
    expect(row?.status).toBe('transcoded');
    expect(row?.sha256).toBe(createHash('sha256').update(wav).digest('hex'));
  });
});
