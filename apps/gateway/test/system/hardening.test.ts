import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INGEST_BODY_BYTES, MetricsWriter } from '@voicepulse/ingest';
import { BOARD_PATH } from '../../src/routes/admin';
import { USER_INGEST_BODY_BYTES } from '../../src/routes/metrics';
import { startGateway, startStack, toneWav, validEvent, type GatewayHarness, type Stack } from '../helpers';

// Issue 12 items 3, 8, 9, 11, 16, 18, 21: input and resource limits of the gateway, against real
// Postgres, Redis and an fs blob store.
let stack: Stack;
let gw: GatewayHarness;
const bearer = async (userId: string, role: 'user' | 'admin' | 'ingest' = 'user') =>
  `Bearer ${await gw.token(userId, role)}`;

/** Every blob key the store holds under a prefix. */
async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of gw.deps.store.list(prefix)) keys.push(b.key);
  return keys;
}

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '0', AUTH_DEV_TOKENS: 'true' });
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
      .send({ events: [validEvent({ deviceId: 'a\u0000b' })] });
    expect(only.status).toBe(400);
    expect(only.body.error.details.rejected[0].errors.map((e: { path: string }) => e.path)).toEqual([
      'deviceId',
    ]);

    const mixed = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', auth)
      .send({ events: [validEvent(), validEvent({ platform: 'ios\ud800' })] });
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

  it(
    'a multipart WAV over MAX_UPLOAD_BYTES gets its 413 and leaves nothing in storage',
    { timeout: 30_000 },
    async () => {
      const small = await startGateway(stack, {
        RATE_LIMIT_PER_MINUTE: '0',
        MAX_UPLOAD_BYTES: String(256 * 1024),
      });
      try {
        const res = await request(small.app)
          .post('/v1/recordings')
          .set('authorization', `Bearer ${await small.token('too-big')}`)
          .attach('file', toneWav(30), { filename: 'a.wav', contentType: 'audio/wav' });
        expect(res.status).toBe(413);
        const keys: string[] = [];
        for await (const b of small.deps.store.list('recordings/too-big/')) keys.push(b.key);
        expect(keys).toEqual([]);
      } finally {
        await small.close();
      }
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

/** A real listening server, for requests that must be held open half-sent. */
async function listen(app: http.RequestListener): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function answerOf(req: http.ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

describe('JSON depth, body budget and per-role limits (item 3)', () => {
  it('refuses a 5 MB deeply nested body before parsing it, while /healthz answers', async () => {
    const server = await listen(gw.app);
    try {
      const nested = '{"events":[' + '{"a":'.repeat(850_000) + '1' + '}'.repeat(850_000) + ']}';
      expect(nested.length).toBeGreaterThan(5_000_000);
      expect(nested.length).toBeLessThan(MAX_INGEST_BODY_BYTES);
      const req = http.request({
        port: server.port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/v1/metrics',
        headers: { authorization: await bearer('deep-ingest', 'ingest'), 'content-type': 'application/json' },
      });
      req.on('error', () => undefined); // the server may close the refused upload early
      const answer = answerOf(req);
      req.end(nested);
      const health = await request(gw.app).get('/healthz');
      expect(health.status).toBe(200);
      const res = await answer;
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('json_too_deep');
    } finally {
      await server.close();
    }
  });

  it('applies the depth rule on every JSON route, the unauthenticated dev-token route included', async () => {
    const deep = '{"userId":"x","role":' + '['.repeat(50) + ']'.repeat(50) + '}';
    const dev = await request(gw.app)
      .post('/v1/dev/token')
      .set('content-type', 'application/json')
      .send(deep);
    expect(dev.status).toBe(400);
    expect(dev.body.error.code).toBe('json_too_deep');
    const auth = await bearer('deep-user');
    const session = await request(gw.app)
      .post(`/v1/sessions/${randomUUID()}/events`)
      .set('authorization', auth)
      .set('content-type', 'application/json')
      .send('{"events":[{"data":{"x":[[]]}}]}');
    expect(session.body.error.code).toBe('json_too_deep');
    const upload = await request(gw.app)
      .post('/v1/uploads')
      .set('authorization', auth)
      .set('content-type', 'application/json')
      .send('{"contentType":"audio/wav","sizeBytes":{"a":{"b":1}}}');
    expect(upload.body.error.code).toBe('json_too_deep');
    // What the shapes need still passes.
    const ok = await request(gw.app)
      .post(`/v1/sessions/${randomUUID()}/events`)
      .set('authorization', auth)
      .send({ events: [{ type: 'join', occurredAt: new Date().toISOString(), data: { device: 'mic' } }] });
    expect(ok.status).toBe(200);
  });

  it('applies it to the JSON routes of the job board too', async () => {
    const admin = await bearer('board-admin', 'admin');
    const deep = await request(gw.app)
      .put(`${BOARD_PATH}/api/queues/transcode/pause`)
      .set('authorization', admin)
      .set('content-type', 'application/json')
      .send('[' + '['.repeat(100) + ']'.repeat(100) + ']');
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('json_too_deep');
    // A body it may read still reaches the board (its own parser skips a body already read).
    const pause = await request(gw.app)
      .put(`${BOARD_PATH}/api/queues/transcode/pause`)
      .set('authorization', admin)
      .send({});
    expect(pause.status).toBeLessThan(300);
    const resume = await request(gw.app)
      .put(`${BOARD_PATH}/api/queues/transcode/resume`)
      .set('authorization', admin)
      .send({});
    expect(resume.status).toBeLessThan(300);
  });

  it('gives user tokens a smaller metrics body limit than ingest tokens', async () => {
    const events = Array.from({ length: 4_000 }, () =>
      validEvent({ deviceId: 'd'.repeat(128), platform: 'p'.repeat(32), appVersion: 'v'.repeat(32) }),
    );
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(USER_INGEST_BODY_BYTES);
    expect(body.length).toBeLessThan(MAX_INGEST_BODY_BYTES);
    const user = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', await bearer('big-user'))
      .set('content-type', 'application/json')
      .send(body);
    expect(user.status).toBe(413);
    const ingest = await request(gw.app)
      .post('/v1/metrics')
      .set('authorization', await bearer('big-ingest', 'ingest'))
      .set('content-type', 'application/json')
      .send(body);
    expect(ingest.status).toBe(202);
    expect(ingest.body.accepted).toBe(4_000);
  });

  it('answers 503 with Retry-After when the process holds its budget of body bytes in flight', async () => {
    const small = await startGateway(stack, {
      RATE_LIMIT_PER_MINUTE: '0',
      BODY_BYTES_IN_FLIGHT_MAX: String(1024 * 1024),
    });
    const server = await listen(small.app);
    try {
      const auth = `Bearer ${await small.token('budget', 'ingest')}`;
      const post = (length: number) =>
        http.request({
          port: server.port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/v1/metrics',
          headers: {
            authorization: auth,
            'content-type': 'application/json',
            'content-length': String(length),
          },
        });
      // Holds 800 kB of the 1 MiB budget: headers and a first byte sent, the rest withheld.
      const held = post(800_000);
      const heldAnswer = answerOf(held);
      held.write('{');
      await until(() => small.deps.bodyBudget.inFlight >= 800_000);
      const second = post(400_000);
      const secondAnswer = answerOf(second);
      second.end('x'.repeat(400_000));
      const refused = await secondAnswer;
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(JSON.parse(refused.body).error.code).toBe('busy');
      held.end(' '.repeat(799_999));
      expect((await heldAnswer).status).toBe(400);
      await until(() => small.deps.bodyBudget.inFlight === 0);
      const again = await request(small.app)
        .post('/v1/metrics')
        .set('authorization', auth)
        .send({ events: [validEvent()] });
      expect(again.status).toBe(202);
    } finally {
      await server.close();
      await small.close();
    }
  });
});

/** Opens a status stream; resolves with its status once headers arrive, and `ended` when it closes. */
function openStream(port: number, auth: string, id: string) {
  const req = http.get({
    port,
    host: '127.0.0.1',
    path: `/v1/recordings/${id}/events`,
    headers: { authorization: auth },
  });
  return new Promise<{ status: number; text: () => string; ended: Promise<void>; abort(): void }>(
    (resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        const ended = new Promise<void>((r) => res.on('close', () => r()));
        resolve({ status: res.statusCode ?? 0, text: () => text, ended, abort: () => req.destroy() });
      });
    },
  );
}

describe('status streams (item 8)', () => {
  it('caps open streams per user (429), ends each after its lifetime, and frees the slot', async () => {
    const small = await startGateway(stack, {
      RATE_LIMIT_PER_MINUTE: '0',
      SSE_STREAMS_PER_USER: '2',
      SSE_MAX_LIFETIME_S: '2',
    });
    const server = await listen(small.app);
    try {
      const auth = `Bearer ${await small.token('streamer')}`;
      // A direct upload that is never completed: its stream would otherwise stay open forever.
      const pending = await request(small.app)
        .post('/v1/uploads')
        .set('authorization', auth)
        .send({ contentType: 'audio/wav', sizeBytes: 1000 });
      expect(pending.status).toBe(201);
      const id = pending.body.id as string;
      const first = await openStream(server.port, auth, id);
      const second = await openStream(server.port, auth, id);
      expect([first.status, second.status]).toEqual([200, 200]);
      const third = await openStream(server.port, auth, id);
      expect(third.status).toBe(429);
      await third.ended;
      expect(JSON.parse(third.text()).error.code).toBe('too_many_streams');
      // Another user is not affected by this one's streams.
      const other = await openStream(
        server.port,
        `Bearer ${await small.token('admin-watcher', 'admin')}`,
        id,
      );
      expect(other.status).toBe(200);
      other.abort();
      // Both streams end by themselves at their lifetime; the initial state was sent on each.
      await Promise.all([first.ended, second.ended]);
      expect(first.text()).toContain('"status":"uploaded"');
      await until(() => small.deps.streams.size === 0);
      const fourth = await openStream(server.port, auth, id);
      expect(fourth.status).toBe(200);
      fourth.abort();
    } finally {
      await server.close();
      await small.close();
    }
  });
});

describe('CSV exports (item 9)', () => {
  it('bounds concurrent exports (503) and cuts a reader that stopped reading, returning its connection', async () => {
    const small = await startGateway(stack, {
      RATE_LIMIT_PER_MINUTE: '0',
      CSV_EXPORTS_MAX: '1',
      CSV_EXPORT_STALL_S: '1',
    });
    const server = await listen(small.app);
    try {
      const userId = 'csv-reader';
      const base = Date.now() - 2 * 86_400_000;
      // Far more CSV than socket buffers hold, so a reader that stops reading stalls the export.
      const events = Array.from({ length: 100_000 }, (_, i) => ({
        eventId: randomUUID(),
        userId,
        sessionId: null,
        deviceId: 'device-with-a-fairly-long-name',
        talkedTimeMs: 1_000,
        microphoneUsed: true,
        speakerUsed: false,
        voiceSentiment: 0.1,
        voiceSentimentLabel: 'positive' as const,
        recordedAt: new Date(base + i * 1_000).toISOString(),
        timezone: 'Europe/Paris',
        platform: 'ios',
        appVersion: '1.2.3',
        source: 'api' as const,
        recordingId: null,
        participant: null,
        counterpart: false,
      }));
      await new MetricsWriter(small.deps.database.pool, { retentionDays: 400 }).write(events);
      const auth = `Bearer ${await small.token(userId)}`;
      const path = `/v1/metrics/export.csv?from=${new Date(base - 1).toISOString()}&to=${new Date().toISOString()}`;

      const stalled = await new Promise<http.IncomingMessage>((resolve, reject) => {
        http
          .get({ port: server.port, host: '127.0.0.1', path, headers: { authorization: auth } }, resolve)
          .on('error', reject);
      });
      expect(stalled.statusCode).toBe(200);
      stalled.pause(); // reads nothing more

      const second = await request(small.app).get(path).set('authorization', auth);
      expect(second.status).toBe(503);
      expect(second.headers['retry-after']).toBeDefined();
      expect(second.body.error.code).toBe('busy');

      // The server gives up on the stalled reader: the slot and the database connection come back…
      const pool = small.deps.database.pool;
      await until(() => small.deps.exports.inUse === 0 && pool.totalCount - pool.idleCount === 0);
      // …and what the reader gets, once it reads again, is a response cut short.
      let received = '';
      stalled.setEncoding('utf8');
      stalled.on('data', (d: string) => (received += d));
      stalled.on('error', () => undefined);
      stalled.resume();
      await new Promise<void>((r) => stalled.on('close', () => r()));
      expect(stalled.complete).toBe(false);
      expect(received.split('\n').length).toBeLessThan(100_001);
      const third = await request(small.app).get(path).set('authorization', auth);
      expect(third.status).toBe(200);
      expect(third.text.trim().split('\n')).toHaveLength(100_001);
    } finally {
      await server.close();
      await small.close();
    }
  });
});
