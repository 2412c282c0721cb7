import { randomBytes, createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putToSignedUrl, startGateway, startStack, toneWav, type GatewayHarness, type Stack } from './helpers';

let stack: Stack;
let gw: GatewayHarness;
let alice: string;
let bob: string;

async function countBlobs(): Promise<number> {
  let n = 0;
  for await (const _ of gw.deps.store.list('recordings/')) n++;
  return n;
}

async function blobsUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of gw.deps.store.list(prefix)) keys.push(blob.key);
  return keys;
}

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { MAX_UPLOAD_BYTES: String(256 * 1024), AUTH_DEV_TOKENS: 'true' });
  alice = await gw.token('alice');
  bob = await gw.token('bob');
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

describe('auth', () => {
  it('refuses requests without, with a bad, or with an expired token', async () => {
    const none = await request(gw.app).get('/v1/recordings');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await request(gw.app).get('/v1/recordings').set('authorization', 'Bearer nope')).status).toBe(
      401,
    );
    const expired = (await gw.deps.auth.sign!({ userId: 'alice', role: 'user' }, -10)).token;
    const res = await request(gw.app).get('/v1/recordings').auth(expired, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('token expired');
  });

  it('mints dev tokens that the API accepts', async () => {
    const res = await request(gw.app).post('/v1/dev/token').send({ userId: 'carol' });
    expect(res.status).toBe(200);
    const list = await request(gw.app).get('/v1/recordings').auth(res.body.token, { type: 'bearer' });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [], nextCursor: null });
    const bad = await request(gw.app).post('/v1/dev/token').send({ userId: 'x y', extra: 1 });
    expect(bad.status).toBe(400);
  });
});

describe('POST /v1/recordings', () => {
  it('streams a multipart WAV to storage and answers 202 with a Location', async () => {
    const wav = toneWav(1);
    const res = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .field('deviceId', 'laptop-1')
      .field('speakerUsed', 'true')
      .field('transcript', 'hello there')
      .attach('file', wav, { filename: 'a.wav', contentType: 'application/octet-stream' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'uploaded', links: { self: `/v1/recordings/${res.body.id}` } });
    expect(res.headers.location).toBe(`/v1/recordings/${res.body.id}`);
    const view = await request(gw.app).get(`/v1/recordings/${res.body.id}`).auth(alice, { type: 'bearer' });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      status: 'uploaded',
      deviceId: 'laptop-1',
      speakerUsed: true,
      microphoneUsed: true,
      input: {
        contentType: 'audio/wav',
        sizeBytes: wav.length,
        sha256: createHash('sha256').update(wav).digest('hex'),
      },
    });
    const job = await gw.deps.producers.transcode.queue.getJob(`${res.body.id}.transcode`);
    expect(job?.data).toMatchObject({ recordingId: res.body.id, userId: 'alice' });
    expect(job?.data.correlationId).toBe(res.headers['x-request-id']);
  });

  it('accepts a raw body with metadata in the query string', async () => {
    const res = await request(gw.app)
      .post('/v1/recordings?microphoneUsed=false&recordedAt=2026-01-02T03:04:05Z')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(0.5));
    expect(res.status).toBe(202);
    const view = await request(gw.app).get(`/v1/recordings/${res.body.id}`).auth(alice, { type: 'bearer' });
    expect(view.body).toMatchObject({ microphoneUsed: false, recordedAt: '2026-01-02T03:04:05.000Z' });
  });

  it('refuses non-audio with 415, empty with 400 and oversize with 413, storing nothing', async () => {
    const before = await countBlobs();
    const junk = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .attach('file', randomBytes(4096), { filename: 'x.wav', contentType: 'audio/wav' });
    expect(junk.status).toBe(415);
    expect(junk.body.error.code).toBe('unsupported_media_type');
    const empty = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('empty_upload');
    const big = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(10));
    expect(big.status).toBe(413);
    expect(await countBlobs()).toBe(before);
    const tmp = await readdir(stack.fsRoot!, { recursive: true });
    expect(tmp.filter((f) => f.includes('.tmp') || f.includes('.part'))).toEqual([]);
  });

  it('refuses bad metadata with field-level details and a plain text body with 415', async () => {
    const res = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .field('sessionId', 'not-a-uuid')
      .field('colour', 'blue')
      .attach('file', toneWav(0.2), 'a.wav');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_metadata');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('sessionId');
    const text = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'text/plain')
      .send('hi');
    expect(text.status).toBe(415);
  });
});

describe('declared channel layouts', () => {
  /** The same tone on both channels of a 16-bit stereo WAV: a header change is all the gateway reads. */
  const stereoWav = (seconds: number) => {
    const mono = toneWav(seconds);
    const samples = (mono.length - 44) / 2;
    const out = Buffer.alloc(44 + samples * 4);
    mono.copy(out, 0, 0, 44);
    out.writeUInt16LE(2, 22); // channels
    out.writeUInt32LE(16_000 * 4, 28); // byte rate
    out.writeUInt16LE(4, 32); // block align
    out.writeUInt32LE(samples * 4, 40);
    out.writeUInt32LE(36 + samples * 4, 4);
    for (let i = 0; i < samples; i++) {
      const v = mono.readInt16LE(44 + 2 * i);
      out.writeInt16LE(v, 44 + 4 * i);
      out.writeInt16LE(v, 46 + 4 * i);
    }
    return out;
  };

  it('stores a layout that fits the WAV and shows it on the recording', async () => {
    const res = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .field('channels', 'Agent, customer')
      .attach('file', stereoWav(0.5), 'call.wav');
    expect(res.status).toBe(202);
    const view = await request(gw.app).get(`/v1/recordings/${res.body.id}`).auth(alice, { type: 'bearer' });
    expect(view.body.channelLayout).toEqual(['agent', 'customer']);
  });

  it('refuses a mono WAV declared as two channels with 400, storing nothing', async () => {
    const before = await countBlobs();
    const res = await request(gw.app)
      .post('/v1/recordings?channels=agent,customer')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(0.5));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'channel_layout_mismatch',
      message: 'channels names 2 speakers (agent, customer) but the recording has 1 channel',
    });
    const split = await request(gw.app)
      .post('/v1/recordings?channels=split')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(0.5));
    expect(split.status).toBe(400);
    expect(await countBlobs()).toBe(before);
  });

  it('a direct upload checks its declared layout against the WAV it completes', async () => {
    const wav = toneWav(0.5);
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: wav.length, channels: 'split' });
    expect(start.status).toBe(201);
    expect((await putToSignedUrl(gw.app, start.body, wav)).status).toBe(200);
    const done = await request(gw.app).post(`/v1/uploads/${start.body.id}/complete`).auth(alice, { type: 'bearer' });
    expect(done.status).toBe(400);
    expect(done.body.error).toMatchObject({
      code: 'channel_layout_mismatch',
      message: 'channels=split needs a recording with 2 or more channels; this one has 1',
    });
    expect(await blobsUnder(`recordings/alice/${start.body.id}/`)).toEqual([]);
  });

  it('refuses malformed layouts as invalid metadata', async () => {
    for (const channels of ['agent', 'agent,agent', 'agent,Bad Name']) {
      const res = await request(gw.app)
        .post(`/v1/recordings?channels=${encodeURIComponent(channels)}`)
        .auth(alice, { type: 'bearer' })
        .set('content-type', 'audio/wav')
        .send(toneWav(0.2));
      expect(res.status, channels).toBe(400);
      expect(res.body.error.code).toBe('invalid_metadata');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['channels']);
    }
  });
});

describe('reading recordings', () => {
  it('hides other users’ recordings on every route (404, no existence leak)', async () => {
    const up = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(0.3));
    const id = up.body.id;
    for (const [method, path] of [
      ['get', `/v1/recordings/${id}`],
      ['get', `/v1/recordings/${id}/events`],
      ['get', `/v1/recordings/${id}/audio`],
      ['delete', `/v1/recordings/${id}`],
    ] as const) {
      const res = await request(gw.app)[method](path).auth(bob, { type: 'bearer' });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const missing = await request(gw.app).get('/v1/recordings/not-a-uuid').auth(alice, { type: 'bearer' });
    expect(missing.status).toBe(404);
    const others = await request(gw.app).get('/v1/recordings?userId=alice').auth(bob, { type: 'bearer' });
    expect(others.status).toBe(403);
    const admin = await gw.token('root', 'admin');
    expect((await request(gw.app).get(`/v1/recordings/${id}`).auth(admin, { type: 'bearer' })).status).toBe(
      200,
    );
  });

  it('paginates newest first with a keyset cursor', async () => {
    const user = await gw.token('pager');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await request(gw.app)
        .post('/v1/recordings')
        .auth(user, { type: 'bearer' })
        .set('content-type', 'audio/wav')
        .send(toneWav(0.1));
      ids.push(r.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(gw.app)
        .get(`/v1/recordings?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .auth(user, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const bad = await request(gw.app).get('/v1/recordings?cursor=zzz').auth(user, { type: 'bearer' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
  });

  it('streams the original audio back to its owner and deletes blobs and rows', async () => {
    const wav = toneWav(0.4);
    const up = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(wav);
    const audio = await request(gw.app)
      .get(`/v1/recordings/${up.body.id}/audio`)
      .auth(alice, { type: 'bearer' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(audio.status).toBe(200);
    expect(Buffer.compare(audio.body as Buffer, wav)).toBe(0);
    const del = await request(gw.app).delete(`/v1/recordings/${up.body.id}`).auth(alice, { type: 'bearer' });
    expect(del.status).toBe(204);
    expect(
      (await request(gw.app).get(`/v1/recordings/${up.body.id}`).auth(alice, { type: 'bearer' })).status,
    ).toBe(404);
    expect(await gw.deps.store.exists(`recordings/alice/${up.body.id}/original`)).toBe(false);
    expect(await gw.deps.producers.transcode.queue.getJob(`${up.body.id}.transcode`)).toBeUndefined();
  });

  it('sends the current status as the first Server-Sent Event', async () => {
    const up = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('content-type', 'audio/wav')
      .send(toneWav(0.2));
    await gw.deps.recordings.fail(up.body.id, 'corrupt_audio', 'test');
    const res = await request(gw.app)
      .get(`/v1/recordings/${up.body.id}/events`)
      .auth(alice, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    expect(res.text).toContain('event: status');
    expect(res.text).toContain('"status":"failed"');
  });
});

describe('Idempotency-Key on uploads', () => {
  it('a retried multipart upload with the same key answers with the first recording and stores nothing twice', async () => {
    const wav = toneWav(0.3);
    const send = (who: string, key: string) =>
      request(gw.app)
        .post('/v1/recordings')
        .auth(who, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .attach('file', wav, 'a.wav');
    const key = `retry-${randomBytes(6).toString('hex')}`;
    const first = await send(alice, key);
    expect(first.status).toBe(202);
    const before = await countBlobs();
    const retry = await send(alice, key);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countBlobs()).toBe(before);
    // Keys are per user: bob's same key is a different upload.
    const other = await send(bob, key);
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(first.body.id);
    // Two racing twins: one recording.
    const raceKey = `race-${randomBytes(6).toString('hex')}`;
    const beforeRace = await countBlobs();
    const [a, b] = await Promise.all([send(alice, raceKey), send(alice, raceKey)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.id).toBe(b.body.id);
    expect(
      (
        await gw.deps.database.pool.query(
          'select count(*)::int n from recordings where idempotency_key = $1',
          [raceKey],
        )
      ).rows[0].n,
    ).toBe(1);
    // The loser's bytes were dropped: one original more, not two.
    expect(await countBlobs()).toBe(beforeRace + 1);
    const bad = await request(gw.app)
      .post('/v1/recordings')
      .auth(alice, { type: 'bearer' })
      .set('Idempotency-Key', 'has space')
      .attach('file', wav, 'a.wav');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_idempotency_key');
  });

  it('a retried POST /uploads with the same key gets the same upload id with a fresh URL', async () => {
    const key = `direct-${randomBytes(6).toString('hex')}`;
    const start = () =>
      request(gw.app)
        .post('/v1/uploads')
        .auth(alice, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .send({ contentType: 'audio/wav', sizeBytes: 100 });
    const first = await start();
    const again = await start();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
  });
});

describe('direct-to-bucket uploads', () => {
  it('signs an upload URL, accepts the PUT, sniffs and enqueues on complete', async () => {
    const wav = toneWav(0.5);
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: wav.length, deviceId: 'd1' });
    expect(start.status).toBe(201);
    expect(new Date(start.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    const url = new URL(start.body.uploadUrl);
    const early = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(alice, { type: 'bearer' });
    expect(early.status).toBe(409);
    const put = await putToSignedUrl(gw.app, start.body, wav);
    expect(put.status).toBe(200);
    const tampered = await request(gw.app)
      .put(url.pathname + url.search.replace('signature=', 'signature=x'))
      .set(start.body.headers)
      .send(wav);
    expect(tampered.status).toBe(403);
    const done = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(alice, { type: 'bearer' });
    expect(done.status).toBe(202);
    const view = await request(gw.app).get(`/v1/recordings/${start.body.id}`).auth(alice, { type: 'bearer' });
    // Completing reads only the head; the transcoder records the digest as it reads the file.
    expect(view.body.input).toEqual({ contentType: 'audio/wav', sizeBytes: wav.length, sha256: '' });
    expect(await gw.deps.producers.transcode.queue.getJob(`${start.body.id}.transcode`)).toBeDefined();
    expect(
      (await request(gw.app).post(`/v1/uploads/${start.body.id}/complete`).auth(bob, { type: 'bearer' }))
        .status,
    ).toBe(404);
  });

  it('a replayed PUT after /complete cannot swap the validated bytes (it only reaches the staging key)', async () => {
    const wav = toneWav(0.5);
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: wav.length });
    expect(
      (await putToSignedUrl(gw.app, start.body, wav)).status,
    ).toBe(200);
    expect(
      (await request(gw.app).post(`/v1/uploads/${start.body.id}/complete`).auth(alice, { type: 'bearer' }))
        .status,
    ).toBe(202);
    const evil = Buffer.concat([wav.subarray(0, 44), randomBytes(wav.length - 44)]);
    await putToSignedUrl(gw.app, start.body, evil);
    const again = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(alice, { type: 'bearer' });
    expect(again.status).toBe(202);
    const stored: Buffer[] = [];
    for await (const chunk of await gw.deps.store.get(`recordings/alice/${start.body.id}/original`))
      stored.push(chunk as Buffer);
    expect(createHash('sha256').update(Buffer.concat(stored)).digest('hex')).toBe(
      createHash('sha256').update(wav).digest('hex'),
    );
    // Deleting the recording removes the replayed staging object too.
    expect(
      (await request(gw.app).delete(`/v1/recordings/${start.body.id}`).auth(alice, { type: 'bearer' }))
        .status,
    ).toBe(204);
    expect(await blobsUnder(`recordings/alice/${start.body.id}/`)).toEqual([]);
  });

  it('holds the body to the declared size: the signed PUT takes no more, /complete refuses less', async () => {
    const wav = toneWav(0.5);
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: 1_000 });
    const over = await putToSignedUrl(gw.app, start.body, wav);
    expect(over.status).toBe(413);
    await putToSignedUrl(gw.app, start.body, wav.subarray(0, 500));
    const short = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(alice, { type: 'bearer' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('size_mismatch');
    expect(await blobsUnder(`recordings/alice/${start.body.id}/`)).toEqual([]);
  });

  it('caps pending direct uploads per user with a 429, and a completed upload frees its slot', async () => {
    const carol = await gw.token('carol-pending');
    const wav = toneWav(0.2);
    const starts = [];
    for (let i = 0; i < gw.deps.config.UPLOAD_MAX_PENDING_PER_USER; i++) {
      const res = await request(gw.app)
        .post('/v1/uploads')
        .auth(carol, { type: 'bearer' })
        .send({ contentType: 'audio/wav', sizeBytes: wav.length });
      expect(res.status).toBe(201);
      starts.push(res.body);
    }
    const over = await request(gw.app)
      .post('/v1/uploads')
      .auth(carol, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: wav.length });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('too_many_pending_uploads');
    expect(over.headers['retry-after']).toBeDefined();
    // Someone else is not affected.
    expect(
      (
        await request(gw.app)
          .post('/v1/uploads')
          .auth(bob, { type: 'bearer' })
          .send({ contentType: 'audio/wav', sizeBytes: 10 })
      ).status,
    ).toBe(201);
    await putToSignedUrl(gw.app, starts[0], wav);
    expect(
      (await request(gw.app).post(`/v1/uploads/${starts[0].id}/complete`).auth(carol, { type: 'bearer' }))
        .status,
    ).toBe(202);
    expect(
      (
        await request(gw.app)
          .post('/v1/uploads')
          .auth(carol, { type: 'bearer' })
          .send({ contentType: 'audio/wav', sizeBytes: wav.length })
      ).status,
    ).toBe(201);
  });

  it('refuses oversize declarations and non-audio objects', async () => {
    const big = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: 10 ** 10 });
    expect(big.status).toBe(413);
    const unknownPrompt = await request(gw.app).post('/v1/uploads').auth(alice, { type: 'bearer' }).send({
      contentType: 'audio/wav',
      sizeBytes: 100,
      promptId: '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
      actedEmotion: 'happy',
    });
    expect(unknownPrompt.status).toBe(400);
    expect(unknownPrompt.body.error.code).toBe('unknown_prompt');
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(alice, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: 100 });
    await putToSignedUrl(gw.app, start.body, randomBytes(100));
    const done = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(alice, { type: 'bearer' });
    expect(done.status).toBe(415);
    expect(await gw.deps.store.exists(`recordings/alice/${start.body.id}/original`)).toBe(false);
  });
});

describe('service endpoints', () => {
  // /metrics has a port of its own: test/system/secure-defaults.test.ts.
  it('serves health, readiness and an OpenAPI document', async () => {
    expect((await request(gw.app).get('/healthz')).status).toBe(200);
    const ready = await request(gw.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks).sort()).toEqual(['postgres', 'redis', 'storage']);
    const doc = await request(gw.app).get('/openapi.json');
    expect(doc.body.paths['/v1/recordings'].post).toBeDefined();
    expect(doc.body.paths['/v1/metrics']).toBeDefined();
    const unknown = await request(gw.app).get('/v1/nope').auth(alice, { type: 'bearer' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });
});
