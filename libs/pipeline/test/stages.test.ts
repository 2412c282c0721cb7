import { encodeWavPcm16 } from '@voicepulse/audio';
import { PermanentJobError } from '@voicepulse/queues';
import { blobKeys, deleteRecordingBlobs } from '@voicepulse/recordings';
import type { FsBlobStore } from '@voicepulse/storage';
import { renderDurationBombFlac } from '@voicepulse/testing';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { transcodeStage } from '../src';
import { ctx, usePipelineHarness } from './harness';

const h = usePipelineHarness('pipe');

/** A 48 kHz stereo WAV: 1 s silence, 1.5 s of a voiced buzz (harmonics of 150 Hz), 1 s silence. */
function buzzWav(): Buffer {
  const rate = 48_000;
  const x = new Float32Array(rate * 3.5);
  for (let i = rate; i < rate * 2.5; i++) {
    let v = 0;
    for (let k = 1; k <= 10; k++) v += Math.sin((2 * Math.PI * 150 * k * i) / rate) / k;
    x[i] = 0.2 * v;
  }
  return encodeWavPcm16(x, rate);
}

const uploaded = (body: Buffer, contentType = 'audio/wav') =>
  h.upload(body, contentType, { clientTranscript: 'I love this, it is wonderful.' });

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
  const { status, transcode, score } = h.stages(listener, 60);

  it('transcode → score → one metric event, and re-running either stage changes nothing', async () => {
    const job = await uploaded(buzzWav());
    await transcode()(job, ctx);
    const row = await h.repo.get(job.id, null);
    expect(row, JSON.stringify(row)).toMatchObject({
      status: 'transcoded',
      sampleRate: 48_000,
      channels: 1,
      durationMs: 3500,
    });
    expect(await h.store.exists(blobKeys.normalized(job.userId, job.id))).toBe(true);
    expect(await h.scoreProducer.queue.getJob(`${job.id}.score`)).toBeDefined();

    await transcode()(job, ctx); // a retry after a crash: no state change, score job deduplicated
    expect((await h.repo.get(job.id, null))?.updatedAt).toEqual(row?.updatedAt);
    expect(await h.scoreProducer.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active')).toBe(
      1,
    );

    await score()(job, ctx);
    const view = await h.repo.view(job.id, null);
    expect(view?.status).toBe('scored');
    expect(view?.analysis?.sentiment.label).toBe('positive');
    expect(Math.abs(view!.analysis!.talkedTimeMs - 1500)).toBeLessThan(300);
    const metricJob = await h.metricsProducer.queue.getJob(`${job.id}.metric`);
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
      await h.metricsProducer.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active'),
    ).toBe(1);
    // Told again (the fan-out's job ids make that a no-op), in case the first run crashed before it.
    expect(finished.filter((f) => f.startsWith(job.id))).toEqual([`${job.id}.scored`, `${job.id}.scored`]);
    const segs = await h.database.pool.query(
      'select count(*)::int n from speech_segments where recording_id = $1',
      [job.id],
    );
    expect(segs.rows[0].n).toBe(view!.analysis!.segments.length);
  });

  it('fails corrupt audio permanently with its code', async () => {
    const wav = buzzWav();
    const job = await uploaded(wav.subarray(0, 1000));
    const err = await transcode()(job, ctx).catch((e) => e);
    expect(err, JSON.stringify(await h.repo.get(job.id, null))).toBeInstanceOf(PermanentJobError);
    expect(err.code).toBe('corrupt_audio');
    expect(await h.repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
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
    expect(await h.repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
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
    await h.store.put(blobKeys.normalized(job.userId, job.id), encodeWavPcm16(new Float32Array(0), 16_000), { contentType: 'audio/wav' });
    const err = await score()(job, ctx).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentJobError);
    expect(err.code).toBe('corrupt_audio');
    expect(await h.repo.get(job.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
  });

  it('retries a transient fault, and marks the recording failed once the last attempt fails too', async () => {
    const job = await uploaded(buzzWav());
    await h.store.delete(blobKeys.original(job.userId, job.id)); // storage lost the object: not the audio's fault
    await expect(transcode()(job, ctx)).rejects.toThrow(/not found/);
    expect((await h.repo.get(job.id, null))?.status).toBe('transcoding');
    await expect(transcode()(job, { ...ctx, attempt: 8, isFinalAttempt: true })).rejects.toThrow(/not found/);
    const row = await h.repo.get(job.id, null);
    expect(row).toMatchObject({ status: 'failed', failureCode: 'internal' });
    expect(row?.failureMessage).toMatch(/^gave up after 8 attempts: blob not found/);
  });

  it('a two-hour silent FLAC: refused by its header when too long, by the wall clock when not; nothing left', async () => {
    const bombPath = path.join(h.root, 'bomb.flac');
    await renderDurationBombFlac(bombPath);
    const bomb = await readFile(bombPath);
    // os.tmpdir() follows TMPDIR: a private one shows exactly what the stage leaves behind.
    const scratch = await mkdtemp(path.join(h.root, 'tmp-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    onTestFinished(() => {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    });

    const tooLong = await uploaded(bomb, 'audio/flac');
    expect(await transcode()(tooLong, ctx).catch((e) => e)).toBeInstanceOf(PermanentJobError);
    const refused = await h.repo.get(tooLong.id, null);
    expect(refused).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(refused?.failureMessage).toMatch(/declares 7200 s, over the 60 s limit/);

    const slow = await uploaded(bomb, 'audio/flac');
    const stage = transcodeStage({ ...h, status: status(), maxDurationS: 7200, timeoutMs: 1000 });
    expect(await stage(slow, ctx).catch((e) => e)).toBeInstanceOf(PermanentJobError);
    const stopped = await h.repo.get(slow.id, null);
    expect(stopped).toMatchObject({ status: 'failed', failureCode: 'too_long' });
    expect(stopped?.failureMessage).toMatch(/decoding took longer than the 1 s limit/);

    for (const job of [tooLong, slow]) expect(await h.store.exists(blobKeys.normalized(job.userId, job.id))).toBe(false);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('treats a deleted recording as done', async () => {
    const job = await uploaded(buzzWav());
    await h.repo.delete(job.id, null);
    await expect(transcode()(job, ctx)).resolves.toBeUndefined();
    await expect(score()(job, ctx)).resolves.toBeUndefined();
  });

  it('a delete while ffmpeg runs leaves no blob behind: the WAV written after the delete is removed', async () => {
    const job = await uploaded(buzzWav());
    // The real store, with the user's DELETE (as the gateway runs it) landing just before the
    // transcoder writes its output: the delete's prefix listing cannot have seen the WAV.
    const racingStore = Object.create(h.store) as FsBlobStore;
    racingStore.put = async (key, body, opts) => {
      if (key === blobKeys.normalized(job.userId, job.id)) {
        await h.repo.delete(job.id, null);
        await deleteRecordingBlobs(h.store, job.userId, job.id);
      }
      return h.store.put(key, body, opts);
    };
    const stage = transcodeStage({ ...h, store: racingStore, status: status(), maxDurationS: 60 });
    await expect(stage(job, ctx)).resolves.toBeUndefined();
    const left = [];
    for await (const blob of h.store.list(blobKeys.prefix(job.userId, job.id))) left.push(blob.key);
    expect(left).toEqual([]);
    expect(await h.scoreProducer.queue.getJob(`${job.id}.score`)).toBeUndefined();
  });

  it('records the sha256 of a direct upload (completed without one) from the bytes it transcodes', async () => {
    const wav = buzzWav();
    const job = await uploaded(wav);
    await h.database.pool.query("update recordings set sha256 = '' where id = $1", [job.id]);
    await transcode()(job, ctx);
    const row = await h.repo.get(job.id, null);
    expect(row?.status).toBe('transcoded');
    expect(row?.sha256).toBe(createHash('sha256').update(wav).digest('hex'));
  });
});
