import type { CorpusEntry } from '@voicepulse/contracts';
import { corpusExportQuerySchema } from '@voicepulse/contracts';
import type { Database } from '@voicepulse/db';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { blobKeys, RecordingsRepository } from '@voicepulse/recordings';
import { FsBlobStore } from '@voicepulse/storage';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorpusExporter, PromptsRepository } from '../src';

let testDb: MigratedTestDatabase;
let database: Database;
let root: string;
let store: FsBlobStore;
let prompts: PromptsRepository;
let recordings: RecordingsRepository;
let exporter: CorpusExporter;

beforeAll(async () => {
  testDb = await openMigratedTestDatabase('corpus');
  database = testDb.database;
  root = await mkdtemp(path.join(tmpdir(), 'vp-corpus-'));
  store = new FsBlobStore({
    root,
    signingSecret: 'corpus-test-signing-secret',
    publicUrl: 'http://127.0.0.1:1/v1/blobs',
  });
  prompts = new PromptsRepository(database.db);
  recordings = new RecordingsRepository(database.db);
  exporter = new CorpusExporter(prompts, store, { signedUrlTtlS: 60 });
});
afterAll(async () => {
  await testDb?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** An active prompt asking for a happy reading of `text`. */
function happyPrompt(text: string) {
  return prompts.create({ text, emotions: ['happy'], active: true, createdBy: 'admin' });
}

/** A take of `promptId`, its audio stored unless `audio` is null. */
async function take(promptId: string, audio: Buffer | null) {
  const id = randomUUID();
  const key = blobKeys.original('speaker', id);
  if (audio) await store.put(key, Readable.from([audio]), { contentType: 'audio/wav' });
  await recordings.create({
    id,
    userId: 'speaker',
    status: 'uploaded',
    promptId,
    actedEmotion: 'happy',
    originalKey: key,
    contentType: 'audio/wav',
    sizeBytes: audio?.length ?? 0,
  });
  return id;
}

async function untar(body: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    void buffer(stream).then((b) => {
      files.set(header.name, b);
      next();
    }, next);
  });
  await pipeline(body, createGunzip(), extract);
  return files;
}

const query = (q: Record<string, string>) => corpusExportQuerySchema.parse({ status: 'all', ...q });

describe('CorpusExporter', () => {
  it('writes one manifest line per take of a prompt, and an archive of the audio with the manifest last', async () => {
    const prompt = await happyPrompt('The sun is out.');
    const audio = [Buffer.from('RIFF-first-take'), Buffer.from('RIFF-second-take')];
    const ids = [await take(prompt.id, audio[0]!), await take(prompt.id, audio[1]!)];

    const jsonl = exporter.export(query({ promptId: prompt.id }), new Date('2026-01-02T03:04:05Z'));
    expect(jsonl.fileName).toBe('voicepulse-corpus-2026-01-02-03-04-05.jsonl');
    const lines = (await text(jsonl.body))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CorpusEntry);
    expect(lines.map((e) => [e.recordingId, e.promptText, e.actedEmotion])).toEqual(
      ids.map((id) => [id, 'The sun is out.', 'happy']),
    );

    const archive = exporter.export(query({ promptId: prompt.id, format: 'tar.gz' }));
    expect(archive.contentType).toBe('application/gzip');
    const files = await untar(archive.body);
    expect([...files.keys()]).toEqual([
      `voicepulse-corpus/audio/${ids[0]}.wav`,
      `voicepulse-corpus/audio/${ids[1]}.wav`,
      'voicepulse-corpus/manifest.jsonl',
    ]);
    expect(files.get(`voicepulse-corpus/audio/${ids[1]}.wav`)).toEqual(audio[1]);
    const manifest = files.get('voicepulse-corpus/manifest.jsonl')!.toString().trim().split('\n');
    expect(manifest.map((l) => (JSON.parse(l) as CorpusEntry).audioFile)).toEqual(
      ids.map((id) => `audio/${id}.wav`),
    );
  });

  it('fails the archive stream when an object cannot be read, so the download ends truncated, not silently short', async () => {
    const prompt = await happyPrompt('Where is it?');
    await take(prompt.id, null);
    const archive = exporter.export(query({ promptId: prompt.id, format: 'tar.gz' }));
    await expect(untar(archive.body)).rejects.toThrow();
  });
});
