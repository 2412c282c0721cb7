import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

// Issue 12 items 3, 8, 9, 11, 16, 18, 21: input and resource limits of the gateway, against real
// Postgres, Redis and an fs blob store.
let stack: Stack;
let gw: GatewayHarness;
const bearer = async (userId: string, role: 'user' | 'admin' | 'ingest' = 'user') =>
  `Bearer ${await gw.token(userId, role)}`;

const metricEvent = (overrides: Record<string, unknown> = {}) => ({
  eventId: randomUUID(),
  talkedTimeMs: 1_000,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 0.1,
  recordedAt: new Date(Date.now() - 60_000).toISOString(),
  ...overrides,
});

/** Every blob key the store holds under a prefix. */
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of gw.deps.store.list(prefix)) keys.push(b.key);
  return keys;
}

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '0' });
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

describe('text fields with control characters (item 11)', () => {
  it('/v1/metrics refuses a NUL in a text field with a 400 naming it, and never counts it as accepted', async () => {
    const auth = await bearer('nul-user');
    const only = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', auth)
      .send({ events: [metricEvent({ deviceId: 'a\u0000b' })] });
    expect(only.status).toBe(400);
    expect(only.body.error.details.rejected[0].errors.map((e: { path: string }) => e.path)).toEqual([
      'deviceId',
    ]);

    const mixed = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', auth)
      .send({ events: [metricEvent(), metricEvent({ platform: 'ios\ud800' })] });
    expect(mixed.status).toBe(202);
    expect(mixed.body.accepted).toBe(1);
    expect(mixed.body.rejected).toEqual([
      { index: 1, errors: [expect.objectContaining({ path: 'platform' })] },
    ]);
  });

  it('session events answer 400 naming the field instead of 500', async () => {
    const res = await request(gw.app)
      .post(`/v1/sessions/${randomUUID()}/events`)
      .set('authorization', await bearer('nul-user'))
      .send({ type: 'join', occurredAt: new Date().toISOString(), data: { note: 'x\u0000' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('data.note');
  });

  it('uploads answer 400 naming the metadata field instead of 500, and store nothing', async () => {
    const auth = await bearer('nul-uploader');
    const multipart = await request(gw.app)
      .post('/v1/recordings')
      .set('authorization', auth)
      .field('deviceId', 'mic\u0000')
      .attach('file', toneWav(0.2), { filename: 'a.wav', contentType: 'audio/wav' });
    expect(multipart.status).toBe(400);
    expect(multipart.body.error.details).toEqual([expect.objectContaining({ path: 'deviceId' })]);
    const direct = await request(gw.app)
      .post('/v1/uploads')
      .set('authorization', auth)
      .send({ contentType: 'audio/wav', sizeBytes: 1000, transcript: 'hi\u0000' });
    expect(direct.status).toBe(400);
    expect(direct.body.error.details).toEqual([expect.objectContaining({ path: 'transcript' })]);
    expect(await keysUnder('recordings/nul-uploader/')).toEqual([]);
  });
});

describe('user ids with @ and : (item 16)', () => {
  it.each(['alice@example.com', 'google-oauth2:1234', 'a:b@c'])(
    '%s can upload, read back and delete',
    async (userId) => {
      const auth = await bearer(userId);
      const up = await request(gw.app)
        .post('/v1/recordings')
        .set('authorization', auth)
        .attach('file', toneWav(0.2), { filename: 'a.wav', contentType: 'audio/wav' });
      expect(up.status, JSON.stringify(up.body)).toBe(202);
      const audio = await request(gw.app)
        .get(`/v1/recordings/${up.body.id}/audio`)
        .set('authorization', auth);
      expect(audio.status).toBe(200);
      const del = await request(gw.app).delete(`/v1/recordings/${up.body.id}`).set('authorization', auth);
      expect(del.status).toBe(204);
    },
  );
});

describe('errors mapped by type (item 18)', () => {
  it('a recording whose blob is missing answers 404, not 500', async () => {
    const auth = await bearer('lost-blob');
    const up = await request(gw.app)
      .post('/v1/recordings')
      .set('authorization', auth)
      .attach('file', toneWav(0.2), { filename: 'a.wav', contentType: 'audio/wav' });
    expect(up.status).toBe(202);
    const row = await gw.deps.recordings.get(up.body.id, null);
    await gw.deps.store.delete(row!.originalKey);
    const audio = await request(gw.app).get(`/v1/recordings/${up.body.id}/audio`).set('authorization', auth);
    expect(audio.status).toBe(404);
    expect(audio.body.error.code).toBe('not_found');
  });

  it('/uploads/:id/complete answers 503 with Retry-After when the database is unreachable, never 404', async () => {
    // A real refused connection: a port nothing listens on (the shared Postgres stays up).
    const down = await startGateway(stack, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    try {
      const res = await request(down.app)
        .post(`/v1/uploads/${randomUUID()}/complete`)
        .set('authorization', `Bearer ${await down.token('db-outage')}`);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body.error.code).toBe('unavailable');
    } finally {
      await down.close();
    }
  });
});

describe('refused multipart uploads (item 21)', () => {
  // Before the fix a refused file part of 64 KB or more was never drained, so busboy never closed
  // and the request hung until the client gave up; the timeout turns that hang into a failure.
  it.each([64 * 1024, 1024 * 1024])(
    'a %d-byte non-audio file part gets its 415 and leaves nothing in storage',
    { timeout: 30_000 },
    async (size) => {
      const res = await request(gw.app)
        .post('/v1/recordings')
        .set('authorization', await bearer('not-audio'))
        .field('deviceId', 'mic')
        .attach('file', Buffer.alloc(size, 'not audio at all '), {
          filename: 'a.txt',
          contentType: 'text/plain',
        })
        .field('transcript', 'after the file');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      expect(await keysUnder('recordings/not-audio/')).toEqual([]);
    },
  );

  it('a corrupt WAV header of 1 MB gets its 400 promptly', { timeout: 30_000 }, async () => {
    const wav = toneWav(0.2);
    wav.writeUInt16LE(0, 22); // zero channels
    const res = await request(gw.app)
      .post('/v1/recordings')
      .set('authorization', await bearer('not-audio'))
      .attach('file', Buffer.concat([wav, Buffer.alloc(1024 * 1024)]), {
        filename: 'a.wav',
        contentType: 'audio/wav',
      });
    expect(res.status).toBe(400);
    expect(await keysUnder('recordings/not-audio/')).toEqual([]);
  });
});
