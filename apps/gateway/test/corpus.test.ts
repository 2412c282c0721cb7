import type { CorpusEntry, Prompt } from '@voicepulse/contracts';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from './helpers';

const run = promisify(execFile);

let stack: Stack;
let gw: GatewayHarness;
let admin: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack);
  [admin, alice, bob] = await Promise.all([gw.token('root', 'admin'), gw.token('alice'), gw.token('bob')]);
});

afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

const as = (token: string) => ({
  get: (url: string) => request(gw.app).get(url).auth(token, { type: 'bearer' }),
  post: (url: string) => request(gw.app).post(url).auth(token, { type: 'bearer' }),
  patch: (url: string) => request(gw.app).patch(url).auth(token, { type: 'bearer' }),
  delete: (url: string) => request(gw.app).delete(url).auth(token, { type: 'bearer' }),
});

async function createPrompt(text: string, emotions: string[]): Promise<Prompt> {
  const res = await as(admin).post('/v1/prompts').send({ text, emotions });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function uploadTake(token: string, fields: Record<string, string>, audio = toneWav(0.5)) {
  let req = as(token).post('/v1/recordings');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', audio, 'take.wav');
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('prompts (admin CRUD)', () => {
  it('creates, reads, updates and lists prompts with canonical emotion names', async () => {
    const created = await createPrompt('  The train leaves at noon.  ', ['Happy', 'sad', 'happy ']);
    expect(created).toMatchObject({ text: 'The train leaves at noon.', emotions: ['happy', 'sad'], active: true, createdBy: 'root', recordings: 0 });

    expect((await as(admin).get(`/v1/prompts/${created.id}`)).body.text).toBe('The train leaves at noon.');
    const patched = await as(admin).patch(`/v1/prompts/${created.id}`).send({ emotions: ['angry'], active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ emotions: ['angry'], active: false });

    const inactive = await as(admin).get('/v1/prompts?active=false');
    expect(inactive.body.items.map((p: Prompt) => p.id)).toContain(created.id);
    const active = await as(admin).get('/v1/prompts?active=true');
    expect(active.body.items.map((p: Prompt) => p.id)).not.toContain(created.id);
  });

  it('pages through prompts with a cursor', async () => {
    for (const n of [1, 2, 3]) await createPrompt(`Paging sentence ${n}.`, ['calm']);
    const first = await as(admin).get('/v1/prompts?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await as(admin).get(`/v1/prompts?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((p: Prompt) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await as(admin).get('/v1/prompts?cursor=garbage')).body.error.code).toBe('invalid_cursor');
  });

  it('rejects invalid prompts with field-level details', async () => {
    const res = await as(admin).post('/v1/prompts').send({ text: '', emotions: [] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['emotions', 'text']);
    expect((await as(admin).patch(`/v1/prompts/${crypto.randomUUID()}`).send({ active: true })).status).toBe(404);
    expect((await as(admin).patch('/v1/prompts/not-a-uuid').send({})).status).toBe(404);
  });

  it('keeps prompt management to admins', async () => {
    expect((await as(alice).post('/v1/prompts').send({ text: 'x', emotions: ['happy'] })).status).toBe(403);
    expect((await as(alice).get('/v1/prompts')).status).toBe(403);
    expect((await as(alice).get('/v1/corpus/export')).status).toBe(403);
    expect((await request(gw.app).get('/v1/prompts/next')).status).toBe(401);
  });
});

describe('recording a corpus take', () => {
  let prompt: Prompt;

  beforeAll(async () => {
    // Only this prompt is active, so /prompts/next has exactly two cells to choose from.
    const all = await as(admin).get('/v1/prompts?limit=200');
    for (const p of all.body.items as Prompt[]) await as(admin).patch(`/v1/prompts/${p.id}`).send({ active: false });
    prompt = await createPrompt('I never expected to see you here.', ['happy', 'surprised']);
  });

  it('hands each speaker the emotion they have recorded least', async () => {
    const first = await as(alice).get('/v1/prompts/next');
    expect(first.status).toBe(200);
    expect(first.body.prompt).toEqual({ id: prompt.id, text: prompt.text, emotions: ['happy', 'surprised'] });
    const done = first.body.emotion as string;
    const res = await uploadTake(alice, { promptId: prompt.id, actedEmotion: done.toUpperCase() });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const view = await as(alice).get(`/v1/recordings/${res.body.id}`);
    expect(view.body.prompt).toEqual({ id: prompt.id, actedEmotion: done });

    for (let i = 0; i < 3; i++) {
      expect((await as(alice).get('/v1/prompts/next')).body.emotion).not.toBe(done);
    }
    // Bob has recorded nothing, but the corpus as a whole lacks the other emotion.
    expect((await as(bob).get('/v1/prompts/next')).body.emotion).not.toBe(done);
  });

  it('refuses takes for unknown prompts or emotions the prompt does not ask for, storing nothing', async () => {
    const wrong = await uploadTake(alice, { promptId: prompt.id, actedEmotion: 'angry' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_emotion', message: expect.stringContaining('happy, surprised') });
    const unknown = await uploadTake(alice, { promptId: crypto.randomUUID(), actedEmotion: 'happy' });
    expect(unknown.body.error.code).toBe('unknown_prompt');
    const half = await uploadTake(alice, { promptId: prompt.id });
    expect(half.body.error.code).toBe('invalid_metadata');
    const list = await as(alice).get('/v1/recordings?limit=100');
    expect(list.body.items).toHaveLength(1);
  });

  it('says so when there is nothing to record', async () => {
    await as(admin).patch(`/v1/prompts/${prompt.id}`).send({ active: false });
    const res = await as(alice).get('/v1/prompts/next');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('no_prompts');
    await as(admin).patch(`/v1/prompts/${prompt.id}`).send({ active: true });
  });

  it('deletes unused prompts but only deactivates recorded ones', async () => {
    const unused = await createPrompt('Nobody will read this.', ['neutral']);
    expect((await as(admin).delete(`/v1/prompts/${unused.id}`)).status).toBe(204);
    expect((await as(admin).get(`/v1/prompts/${unused.id}`)).status).toBe(404);
    const inUse = await as(admin).delete(`/v1/prompts/${prompt.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.code).toBe('prompt_in_use');
    expect((await as(admin).get(`/v1/prompts/${prompt.id}`)).body.recordings).toBe(1);
  });
});

describe('corpus export', () => {
  let prompt: Prompt;
  const takes = new Map<string, { audio: Buffer; speaker: string; emotion: string }>();
  let scoredId: string;

  beforeAll(async () => {
    prompt = await createPrompt('Export me, please.', ['angry', 'calm']);
    for (const [token, speaker, emotion, seconds] of [
      [alice, 'alice', 'angry', 0.4],
      [bob, 'bob', 'calm', 0.7],
    ] as const) {
      const audio = toneWav(seconds, 16_000, 300);
      const res = await uploadTake(token, { promptId: prompt.id, actedEmotion: emotion }, audio);
      expect(res.status).toBe(202);
      takes.set(res.body.id, { audio, speaker, emotion });
    }
    // Score one take through the repository the scorer uses, so the default export has analysis to show.
    scoredId = [...takes.keys()][1]!;
    for (const [from, to] of [['uploaded', 'transcoding'], ['transcoding', 'transcoded'], ['transcoded', 'scoring']] as const) {
      await gw.deps.recordings.transition(scoredId, [from], to);
    }
    await gw.deps.recordings.saveAnalysis(scoredId, {
      talkedTimeMs: 650,
      speechRatio: 0.93,
      durationMs: 700,
      segments: [{ startMs: 0, endMs: 650 }],
      sentiment: { score: 0.4, label: 'positive', confidence: 0.7, engines: [] },
      transcript: { text: 'Export me, please.', source: 'client', sentences: [] },
    });
  });

  const manifest = (text: string): CorpusEntry[] =>
    text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CorpusEntry)
      .filter((e) => e.promptId === prompt.id);

  it('exports scored takes as a JSONL manifest by default', async () => {
    const res = await as(admin).get('/v1/corpus/export');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="voicepulse-corpus-.*\.jsonl"/);
    const entries = manifest(res.text);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      recordingId: scoredId,
      speaker: 'bob',
      promptText: 'Export me, please.',
      actedEmotion: 'calm',
      status: 'scored',
      contentType: 'audio/wav',
      audioKey: expect.stringContaining(scoredId),
      analysis: { talkedTimeMs: 650, speechRatio: expect.closeTo(0.93, 5), sentiment: { label: 'positive' }, transcript: 'Export me, please.' },
    });
  });

  it('can include unscored takes and signed audio URLs that download the audio', async () => {
    const res = await as(admin).get(`/v1/corpus/export?status=all&audio=signed-url&promptId=${prompt.id}`);
    const entries = manifest(res.text);
    expect(entries.map((e) => e.recordingId).sort()).toEqual([...takes.keys()].sort());
    for (const entry of entries) {
      const take = takes.get(entry.recordingId)!;
      expect(entry).toMatchObject({ speaker: take.speaker, actedEmotion: take.emotion });
      const url = new URL(entry.audioUrl!);
      const audio = await request(gw.app).get(url.pathname + url.search).buffer(true).parse(binary);
      expect(audio.status).toBe(200);
      expect(Buffer.compare(audio.body as Buffer, take.audio)).toBe(0);
    }
  });

  it('streams a .tar.gz that tar can unpack, with every audio file and the manifest', async () => {
    const res = await as(admin).get(`/v1/corpus/export?format=tar.gz&status=all&promptId=${prompt.id}`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    const dir = await mkdtemp(path.join(tmpdir(), 'vp-corpus-'));
    try {
      await writeFile(path.join(dir, 'corpus.tar.gz'), res.body as Buffer);
      await run('tar', ['-xzf', 'corpus.tar.gz'], { cwd: dir });
      const root = path.join(dir, 'voicepulse-corpus');
      expect((await readdir(path.join(root, 'audio'))).sort()).toEqual([...takes.keys()].map((id) => `${id}.wav`).sort());
      for (const [id, take] of takes) {
        expect(Buffer.compare(await readFile(path.join(root, 'audio', `${id}.wav`)), take.audio)).toBe(0);
      }
      const entries = manifest(await readFile(path.join(root, 'manifest.jsonl'), 'utf8'));
      expect(entries.map((e) => e.audioFile).sort()).toEqual([...takes.keys()].map((id) => `audio/${id}.wav`).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects export options that do not fit together', async () => {
    const res = await as(admin).get('/v1/corpus/export?format=tar.gz&audio=signed-url');
    expect(res.status).toBe(400);
    expect((await as(admin).get('/v1/corpus/export?format=zip')).status).toBe(400);
  });
});
