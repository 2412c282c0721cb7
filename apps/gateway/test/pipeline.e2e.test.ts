import { startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSpeechClip, type SpeechClip } from './audio-fixtures';
import { startGateway, startStack, type GatewayHarness, type Stack } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = (app: string) => path.join(root, 'apps', app, 'src/main.ts');

let stack: Stack;
let gw: GatewayHarness;
let token: string;
let sql: pg.Pool;
const workers = new Map<string, ServiceProcess>();
let positive: SpeechClip;
let negative: SpeechClip;

function startWorker(name: 'transcoder' | 'scorer' | 'ingestor') {
  const proc = startNodeService(name, entry(name), {
    ...stack.env,
    HEALTH_PORT: '0',
    // Short locks so a SIGKILLed worker's job is detected as stalled within seconds, not minutes.
    WORKER_LOCK_DURATION_MS: '4000',
    INGEST_FLUSH_MS: '50',
  });
  workers.set(name, proc);
  return proc;
}

async function upload(body: Buffer, fields: Record<string, string>, filename: string) {
  let req = request(gw.app).post('/v1/recordings').auth(token, { type: 'bearer' });
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  const res = await req.attach('file', body, filename);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

async function finalState(id: string) {
  return waitFor(
    async () => {
      const res = await request(gw.app).get(`/v1/recordings/${id}`).auth(token, { type: 'bearer' });
      return ['scored', 'failed'].includes(res.body.status) ? res.body : undefined;
    },
    { what: `recording ${id} to finish`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

async function metricRows(id: string): Promise<number> {
  const { rows } = await sql.query('select count(*)::int as n from metric_events where recording_id = $1', [id]);
  return rows[0].n;
}

beforeAll(async () => {
  stack = await startStack({ storage: 's3' });
  gw = await startGateway(stack);
  token = await gw.token('e2e-user');
  sql = new pg.Pool({ connectionString: stack.db.url, max: 2 });
  [positive, negative] = await Promise.all([
    makeSpeechClip('What a wonderful day. I really love this, it is great and I am so happy.'),
    makeSpeechClip('This is terrible. I hate it, everything is awful and I am very angry.'),
  ]);
  for (const w of ['transcoder', 'scorer', 'ingestor'] as const) startWorker(w);
});

afterAll(async () => {
  await Promise.all([...workers.values()].map((w) => w.stop()));
  await sql?.end();
  await gw?.close();
  await stack?.stop();
});

function diagnostics() {
  return [...workers.values()].map((w) => `--- ${w.name}\n${w.output().slice(-3000)}`).join('\n');
}

describe('recording pipeline end to end (gateway → transcoder → scorer → ingestor)', () => {
  it('scores a WAV and a WebM/Opus upload with talk time and transcript sentiment', async () => {
    const wavId = await upload(positive.wav, { transcript: 'What a wonderful day. I really love this, it is great.', deviceId: 'mic-1' }, 'pos.wav');
    const webmId = await upload(negative.webm, { transcript: 'This is terrible. I hate it, everything is awful.', speakerUsed: 'true' }, 'neg.webm');

    const wav = await finalState(wavId).catch((e) => Promise.reject(new Error(`${e.message}\n${diagnostics()}`)));
    const webm = await finalState(webmId);
    expect(wav.status, JSON.stringify(wav.failure)).toBe('scored');
    expect(webm.status, JSON.stringify(webm.failure)).toBe('scored');

    expect(wav.audio).toMatchObject({ sampleRate: 48_000, channels: 2, codec: expect.stringMatching(/pcm/) });
    expect(Math.abs(wav.audio.durationMs - positive.totalMs)).toBeLessThan(60);
    expect(webm.audio.codec).toMatch(/opus/);

    for (const [view, clip] of [[wav, positive], [webm, negative]] as const) {
      const err = Math.abs(view.analysis.talkedTimeMs - clip.speechMs) / clip.speechMs;
      expect(err, `talked ${view.analysis.talkedTimeMs} ms vs true ${clip.speechMs} ms`).toBeLessThanOrEqual(0.15);
      expect(view.analysis.segments.length).toBeGreaterThan(0);
      expect(view.analysis.sentiment.engines.map((e: { engine: string }) => e.engine)).toContain('transcript');
    }
    expect(wav.analysis.sentiment.label).toBe('positive');
    // Two client sentences, placed on the detected speech by word count.
    expect(wav.analysis.timeline).toHaveLength(2);
    expect(wav.analysis.timeline[0].startMs).toBeGreaterThanOrEqual(wav.analysis.segments[0].startMs);
    expect(webm.analysis.sentiment.label).toBe('negative');
    expect(wav.analysis.sentiment.score).toBeGreaterThan(0);
    expect(webm.analysis.sentiment.score).toBeLessThan(0);

    await waitFor(async () => (await metricRows(wavId)) === 1 && (await metricRows(webmId)) === 1, {
      what: 'one metric row per recording',
    });
    const { rows } = await sql.query(
      'select user_id, talked_time_ms, microphone_used, speaker_used, voice_sentiment from metric_events where recording_id = $1',
      [webmId],
    );
    expect(rows[0]).toMatchObject({ user_id: 'e2e-user', talked_time_ms: webm.analysis.talkedTimeMs, speaker_used: true });

    // Each stage announced itself live, in order.
    const events = await request(gw.app).get(`/v1/recordings/${wavId}/events`).auth(token, { type: 'bearer' });
    expect(events.text).toContain('"status":"scored"');
  });

  // Real recorded speech from Debian's pocketsphinx-testdata (scripts/test-packages.txt).
  const librivox = '/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav';
  it.skipIf(!existsSync(librivox))('scores an audio-only upload from speech recognition, which the scorer runs by default', async () => {
    const id = await upload(readFileSync(librivox), {}, 'call.wav');
    const view = await finalState(id).catch((e) => Promise.reject(new Error(`${e.message}\n${diagnostics()}`)));
    expect(view.status, JSON.stringify(view.failure)).toBe('scored');
    const t = view.analysis.transcript;
    expect(t.source).toBe('pocketsphinx');
    expect(t.text).toMatch(/leisure to consider/);
    expect(t.confidence).toBeGreaterThan(0);
    expect(t.confidence).toBeLessThan(1);
    expect(t.segments.length).toBeGreaterThan(0);
    expect(view.analysis.sentiment.engines.map((e: { engine: string }) => e.engine)).toContain('transcript');
  });

  it('fails a truncated WAV as corrupt_audio without retrying', async () => {
    const truncated = positive.wav.subarray(0, 2_000);
    const id = await upload(truncated, {}, 'cut.wav');
    const view = await finalState(id);
    expect(view.status).toBe('failed');
    expect(view.failure.code).toBe('corrupt_audio');
    // The row says `failed` before the worker hands the job back to BullMQ (and the webhook
    // fan-out runs in between): wait for the job's own failed state, then count its attempts.
    const queue = gw.deps.producers.transcode.queue;
    await waitFor(async () => (await queue.getJobState(`${id}.transcode`)) === 'failed', { what: 'transcode job failed' });
    const job = await queue.getJob(`${id}.transcode`);
    expect(job?.attemptsMade).toBe(1);
    expect(await metricRows(id)).toBe(0);
  });

  it('recovers a job whose worker was SIGKILLed mid-job: one analysis, one metric row', async () => {
    const scorer = workers.get('scorer')!;
    await scorer.stop('SIGKILL');
    const id = await upload(positive.wav, { transcript: 'I love it.' }, 'again.wav');
    // Wait until the transcoder hands over to scoring, then start a scorer and kill it mid-job.
    await waitFor(async () => (await gw.deps.recordings.get(id, null))?.status === 'transcoded', { what: 'transcoded' });
    const victim = startWorker('scorer');
    await waitFor(async () => (await gw.deps.recordings.get(id, null))?.status === 'scoring', {
      what: 'scoring started',
      intervalMs: 20,
    });
    await victim.stop('SIGKILL');
    startWorker('scorer');
    const view = await finalState(id);
    expect(view.status).toBe('scored');
    const analyses = await sql.query('select count(*)::int as n from recording_analyses where recording_id = $1', [id]);
    expect(analyses.rows[0].n).toBe(1);
    await waitFor(async () => (await metricRows(id)) === 1, { what: 'metric row after recovery' });
    // Nothing left in flight that could still add a second row: the count is final.
    const metricsQueue = gw.deps.producers.metrics.queue;
    await waitFor(async () => (await metricsQueue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0, {
      what: 'metrics queue drained',
    });
    expect(await metricRows(id)).toBe(1);
  });
});
