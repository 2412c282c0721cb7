import { parseConfig } from '@voicepulse/config';
import { createLogger } from '@voicepulse/logger';
import type { Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { composeGateway } from '../../src/compose';
import { gatewayConfigSchema, type GatewayConfig } from '../../src/config';
import type { GatewayDeps } from '../../src/deps';
import { BOARD_PATH } from '../../src/routes/admin';
import { startGateway, startStack, TEST_JWT_SECRET, toneWav, validEvent, type Stack } from '../helpers';
import { listRoutes } from './routes';

let stack: Stack;
let app: Express;
let deps: GatewayDeps;
let config: GatewayConfig;
let close: () => Promise<void>;
const logLines = new PassThrough();
let logText = '';
logLines.on('data', (d: Buffer) => (logText += d.toString()));

const tokens: Record<'alice' | 'mallory' | 'admin' | 'ingest', string> = {
  alice: '',
  mallory: '',
  admin: '',
  ingest: '',
};
const seeded = { recordingId: '', uploadId: '', sessionId: randomUUID(), webhookId: '', webhookSecret: '' };
/** Alice's webhook auth header value: a secret that must never be returned or logged. */
const webhookHeaderValue = `receiver-${randomUUID()}`;

const sign = (
  claims: Record<string, unknown>,
  opts: { secret?: string; iss?: string; aud?: string; exp?: number | string; sub?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.sub ?? 'alice')
    .setIssuer(opts.iss ?? config.AUTH_ISSUER)
    .setAudience(opts.aud ?? config.AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(new TextEncoder().encode(opts.secret ?? TEST_JWT_SECRET));

const as = (who: keyof typeof tokens) => ({ Authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  config = parseConfig('gateway', gatewayConfigSchema, { ...stack.env, RATE_LIMIT_PER_MINUTE: '0' });
  const composed = await composeGateway(
    config,
    createLogger({ service: 'gateway-sec', level: 'debug', destination: logLines }),
  );
  deps = composed.deps;
  close = composed.close;
  app = createApp(deps);
  for (const [who, role] of [
    ['alice', 'user'],
    ['mallory', 'user'],
    ['admin', 'admin'],
    ['ingest', 'ingest'],
  ] as const) {
    tokens[who] = (await deps.auth.sign!({ userId: who === 'ingest' ? 'ingest-svc' : who, role })).token;
  }
  // Alice's data: a recording, a pending direct upload, a session timeline and metric events.
  const rec = await request(app)
    .post('/v1/recordings')
    .set(as('alice'))
    .attach('file', toneWav(0.5), 'a.wav');
  expect(rec.status, JSON.stringify(rec.body)).toBe(202);
  seeded.recordingId = rec.body.id;
  const up = await request(app)
    .post('/v1/uploads')
    .set(as('alice'))
    .send({ contentType: 'audio/wav', sizeBytes: 1000, microphoneUsed: true, speakerUsed: false });
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  seeded.uploadId = up.body.id;
  const ses = await request(app)
    .post(`/v1/sessions/${seeded.sessionId}/events`)
    .set(as('alice'))
    .send({ type: 'join', occurredAt: new Date().toISOString(), deviceId: 'alice-phone' });
  expect(ses.status, JSON.stringify(ses.body)).toBe(200);
  // A public IP literal: registration checks it without DNS, and nothing is ever delivered here.
  const hook = await request(app)
    .post('/v1/webhooks')
    .set(as('alice'))
    .send({
      url: 'https://93.184.215.14/alice-hook',
      events: ['recording.scored'],
      authHeader: { name: 'X-Receiver-Key', value: webhookHeaderValue },
    });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  seeded.webhookId = hook.body.id;
  seeded.webhookSecret = hook.body.secret;
});

afterAll(async () => {
  await close?.();
  await stack?.stop();
});

/** Who tries to reach Alice's data: another user, and an ingest service token (write-only). */
type Intruder = 'mallory' | 'ingest';
type Probe = (who: Intruder) => Promise<request.Response>;
interface Expectation {
  expect: number[];
  /** Extra assertion that nothing of Alice's leaked or changed. */
  after?: (res: request.Response, who: Intruder) => Promise<void> | void;
  why?: string;
}
interface Case extends Expectation {
  /** What "as another user" means for this route. */
  probe: Probe;
  /** Where an ingest token is meant to differ from another user (it writes for anyone). */
  ingest?: Expectation;
}

const range = `from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`;

const aliceStillHasRecording = async () => {
  const res = await request(app).get(`/v1/recordings/${seeded.recordingId}`).set(as('alice'));
  expect(res.status).toBe(200);
};

const aliceStillHasWebhook = async () => {
  const res = await request(app).get('/v1/webhooks').set(as('alice'));
  expect(res.body.items.map((w: { id: string }) => w.id)).toEqual([seeded.webhookId]);
};

/** Every route, called by Mallory or the ingest token against Alice's data (or against admin routes). */
const CASES: Record<string, Case> = {
  '_ALL /v1/blobs/*key': {
    // Signature-only route (fs driver): a URL for Alice's key with a forged signature.
    probe: () =>
      request(app).get(
        `/v1/blobs/${encodeURIComponent(`users/alice/${seeded.recordingId}/original`)}?exp=9999999999&sig=forged`,
      ),
    expect: [403],
  },
  'GET /v1/admin/jobs': { probe: (who) => request(app).get('/v1/admin/jobs').set(as(who)), expect: [403] },
  'GET /v1/admin/jobs/failed': {
    probe: (who) => request(app).get('/v1/admin/jobs/failed').set(as(who)),
    expect: [403],
  },
  'POST /v1/admin/jobs/:queue/retry': {
    probe: (who) => request(app).post('/v1/admin/jobs/transcode/retry').set(as(who)).send({}),
    expect: [403],
  },
  'POST /v1/admin/jobs/:queue/purge': {
    probe: (who) => request(app).post('/v1/admin/jobs/transcode/purge').set(as(who)).send({}),
    expect: [403],
  },
  'POST /v1/recordings': {
    // The owner is the token's subject; naming Alice is refused, not obeyed.
    probe: (who) =>
      request(app)
        .post('/v1/recordings?userId=alice')
        .set(as(who))
        .set('content-type', 'audio/wav')
        .send(toneWav(0.2)),
    expect: [400, 403],
    after: async () => {
      const list = await request(app).get('/v1/recordings').set(as('alice'));
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([seeded.recordingId]);
    },
  },
  'GET /v1/recordings': {
    probe: (who) => request(app).get('/v1/recordings?userId=alice').set(as(who)),
    expect: [403],
    after: async (_res, who) => {
      const own = await request(app).get('/v1/recordings').set(as(who));
      expect(JSON.stringify(own.body)).not.toContain(seeded.recordingId);
    },
  },
  'GET /v1/recordings/:id': {
    probe: (who) => request(app).get(`/v1/recordings/${seeded.recordingId}`).set(as(who)),
    expect: [404],
  },
  'GET /v1/recordings/:id/events': {
    probe: (who) => request(app).get(`/v1/recordings/${seeded.recordingId}/events`).set(as(who)),
    expect: [404],
  },
  'GET /v1/recordings/:id/audio': {
    probe: (who) => request(app).get(`/v1/recordings/${seeded.recordingId}/audio`).set(as(who)),
    expect: [404],
  },
  'DELETE /v1/recordings/:id': {
    probe: (who) => request(app).delete(`/v1/recordings/${seeded.recordingId}`).set(as(who)),
    expect: [404],
    after: aliceStillHasRecording,
  },
  'GET /v1/webhooks': {
    probe: (who) => request(app).get('/v1/webhooks').set(as(who)),
    expect: [200],
    why: 'lists the caller’s own endpoints only',
    after: (res) => expect(JSON.stringify(res.body)).not.toContain(seeded.webhookId),
    ingest: { expect: [403], why: 'service tokens own no webhooks' },
  },
  'POST /v1/webhooks': {
    probe: (who) =>
      request(app).post('/v1/webhooks').set(as(who)).send({ url: 'https://93.184.215.14/other', events: ['recording.failed'] }),
    expect: [201],
    why: 'registers the caller’s own endpoint; Alice’s are untouched',
    after: aliceStillHasWebhook,
    ingest: { expect: [403], after: aliceStillHasWebhook, why: 'service tokens own no webhooks' },
  },
  'DELETE /v1/webhooks/:id': {
    probe: (who) => request(app).delete(`/v1/webhooks/${seeded.webhookId}`).set(as(who)),
    expect: [404],
    after: aliceStillHasWebhook,
    ingest: { expect: [403], after: aliceStillHasWebhook },
  },
  'GET /v1/prompts/next': {
    probe: (who) => request(app).get('/v1/prompts/next').set(as(who)),
    expect: [200, 204, 404],
    why: 'the prompt catalogue is shared by design; the answer carries no other user’s data',
    after: (res) => expect(JSON.stringify(res.body ?? {})).not.toContain('alice'),
  },
  'GET /v1/prompts': { probe: (who) => request(app).get('/v1/prompts').set(as(who)), expect: [403] },
  'POST /v1/prompts': {
    probe: (who) => request(app).post('/v1/prompts').set(as(who)).send({ text: 'x' }),
    expect: [403],
  },
  'GET /v1/prompts/:id': {
    probe: (who) => request(app).get(`/v1/prompts/${randomUUID()}`).set(as(who)),
    expect: [403],
  },
  'PATCH /v1/prompts/:id': {
    probe: (who) => request(app).patch(`/v1/prompts/${randomUUID()}`).set(as(who)).send({}),
    expect: [403],
  },
  'DELETE /v1/prompts/:id': {
    probe: (who) => request(app).delete(`/v1/prompts/${randomUUID()}`).set(as(who)),
    expect: [403],
  },
  'GET /v1/corpus/export': {
    probe: (who) => request(app).get('/v1/corpus/export').set(as(who)),
    expect: [403],
  },
  'POST /v1/uploads': {
    probe: (who) =>
      request(app).post('/v1/uploads').set(as(who)).send({
        contentType: 'audio/wav',
        sizeBytes: 1000,
        microphoneUsed: true,
        speakerUsed: false,
        userId: 'alice',
      }),
    expect: [400, 403],
  },
  'POST /v1/uploads/:id/complete': {
    probe: (who) => request(app).post(`/v1/uploads/${seeded.uploadId}/complete`).set(as(who)),
    expect: [404],
  },
  'POST /v1/metrics': {
    // Per-event authorisation: an event naming Alice is rejected with the reason, nothing enqueued.
    probe: (who) =>
      request(app)
        .post('/v1/metrics')
        .set(as(who))
        .send({ events: [validEvent({ userId: 'alice' })] }),
    expect: [400, 403],
    after: (res) => expect(JSON.stringify(res.body)).toMatch(/only act for your own user id/),
    ingest: {
      expect: [202],
      why: 'ingest tokens relay many clients’ batches, so they write for any user (and read for none)',
      after: (res) => expect(res.body.accepted).toBe(1),
    },
  },
  'GET /v1/metrics/summary': {
    probe: (who) => request(app).get(`/v1/metrics/summary?userId=alice&${range}`).set(as(who)),
    expect: [403],
  },
  'GET /v1/metrics/events': {
    probe: (who) => request(app).get(`/v1/metrics/events?userId=alice&${range}`).set(as(who)),
    expect: [403],
  },
  'GET /v1/metrics/sessions': {
    probe: (who) => request(app).get(`/v1/metrics/sessions?userId=alice&${range}`).set(as(who)),
    expect: [403],
  },
  'GET /v1/metrics/export.csv': {
    probe: (who) => request(app).get(`/v1/metrics/export.csv?userId=alice&${range}`).set(as(who)),
    expect: [403],
  },
  'GET /v1/sessions/:id': {
    probe: (who) => request(app).get(`/v1/sessions/${seeded.sessionId}`).set(as(who)),
    expect: [404],
  },
  'POST /v1/sessions/:id/events': {
    // Membership is granted, not asserted: posting an event to Alice's session admits nobody.
    probe: (who) =>
      request(app)
        .post(`/v1/sessions/${seeded.sessionId}/events`)
        .set(as(who))
        .send({ type: 'join', occurredAt: new Date().toISOString() }),
    expect: [404],
    after: async () =>
      expect((await request(app).get(`/v1/sessions/${seeded.sessionId}`).set(as('mallory'))).status).toBe(
        404,
      ),
  },
  'POST /v1/sessions/:id/members': {
    // Only the session's owner (or an admin) admits: an intruder cannot admit itself.
    probe: (who) =>
      request(app)
        .post(`/v1/sessions/${seeded.sessionId}/members`)
        .set(as(who))
        .send({ userId: 'mallory' }),
    expect: [404],
    after: async () =>
      expect((await request(app).get(`/v1/sessions/${seeded.sessionId}`).set(as('mallory'))).status).toBe(
        404,
      ),
  },
};

describe('security', () => {
  const results: { route: string; who: Intruder; status: number; ok: boolean }[] = [];

  it('calls every read/write route as another user and as an ingest token and gets 403/404 (routes read from the router)', async () => {
    const routes = listRoutes(app, ['/v1', BOARD_PATH])
      .map((r) => `${r.method} ${r.path}`)
      .filter(
        (r) =>
          !r.startsWith(`GET ${BOARD_PATH}`) &&
          !r.startsWith(`PUT ${BOARD_PATH}`) &&
          !r.startsWith(`POST ${BOARD_PATH}`) &&
          !r.startsWith(`DELETE ${BOARD_PATH}`),
      )
      .filter((r) => !['GET /healthz', 'GET /readyz', 'GET /openapi.json'].includes(r));
    const missing = routes.filter((r) => !(r in CASES));
    expect(missing, 'routes with no cross-user case: add one to CASES').toEqual([]);
    const stale = Object.keys(CASES).filter((k) => !routes.includes(k));
    expect(stale, 'cases for routes that no longer exist').toEqual([]);
    for (const route of routes) {
      for (const who of ['mallory', 'ingest'] as const) {
        const c = CASES[route]!;
        const want = (who === 'ingest' && c.ingest) || c;
        const res = await c.probe(who);
        const ok = want.expect.includes(res.status);
        results.push({ route, who, status: res.status, ok });
        expect(want.expect, `${route} as ${who} → ${res.status} ${JSON.stringify(res.body)}`).toContain(
          res.status,
        );
        if (res.status >= 400)
          expect(res.body?.error?.code, `${route} error body`).toEqual(expect.any(String));
        await want.after?.(res, who);
      }
    }
    console.log(
      `\n[security] cross-user route checks: ${results.filter((r) => r.ok).length}/${results.length} refused or scoped`,
    );
    console.table(results);
  });

  it('also refuses unauthenticated calls on every /v1 route except the signature-checked blob route', async () => {
    for (const { method, path } of listRoutes(app, ['/v1', BOARD_PATH]).filter(
      (r) => r.path.startsWith('/v1/') && !r.path.startsWith('/v1/blobs'),
    )) {
      const url = path.replace(/:id/g, randomUUID()).replace(/:queue/g, 'transcode');
      const res = await request(app)[method.toLowerCase() as 'get'](url);
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('verifies issuer, audience, expiry, algorithm and signature of HS256 tokens', async () => {
    const bad = {
      expired: await sign({}, { exp: Math.floor(Date.now() / 1000) - 10 }),
      wrongIssuer: await sign({}, { iss: 'someone-else' }),
      wrongAudience: await sign({}, { aud: 'other-api' }),
      wrongSecret: await sign({}, { secret: 'another-secret-that-is-long-enough-000000' }),
      unknownRole: await sign({ role: 'root' }),
      algNone: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', iss: config.AUTH_ISSUER, aud: config.AUTH_AUDIENCE, exp: 9999999999 })).toString('base64url')}.`,
    };
    for (const [name, token] of Object.entries(bad)) {
      const res = await request(app).get('/v1/recordings').set('Authorization', `Bearer ${token}`);
      expect(res.status, name).toBe(401);
    }
    const good = await request(app)
      .get('/v1/recordings')
      .set('Authorization', `Bearer ${await sign({})}`);
    expect(good.status).toBe(200);
  });

  it('accepts RS256 tokens from a JWKS endpoint in jwks mode and refuses HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const gw = await startGateway(stack, {
      AUTH_MODE: 'jwks',
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks.json`,
    });
    try {
      const rs = await new SignJWT({ role: 'user' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('alice')
        .setIssuer(gw.config.AUTH_ISSUER)
        .setAudience(gw.config.AUTH_AUDIENCE)
        .setExpirationTime('5m')
        .sign(privateKey);
      const ok = await request(gw.app)
        .get(`/v1/recordings/${seeded.recordingId}`)
        .set('Authorization', `Bearer ${rs}`);
      expect(ok.status).toBe(200);
      const hs = await request(gw.app).get('/v1/recordings').set(as('alice'));
      expect(hs.status).toBe(401);
    } finally {
      await gw.close();
      jwks.close();
    }
  });

  it('gates the admin API and Bull Board on the admin role', async () => {
    expect((await request(app).get('/v1/admin/jobs').set(as('admin'))).status).toBe(200);
    expect((await request(app).get('/v1/admin/jobs').set(as('ingest'))).status).toBe(403);
    expect((await request(app).get(BOARD_PATH)).status).toBe(401);
    expect((await request(app).get(`${BOARD_PATH}/api/queues`).set(as('alice'))).status).toBe(403);
    const page = await request(app).get(`${BOARD_PATH}?access_token=${tokens.admin}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('__UI_CONFIG__');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(new RegExp(`Path=${BOARD_PATH}`));
    // The board's own XHRs carry only the cookie.
    const api = await request(app).get(`${BOARD_PATH}/api/queues`).set('Cookie', cookie.split(';')[0]!);
    expect(api.status).toBe(200);
    expect(JSON.stringify(api.body)).toContain('transcode');
  });

  it('limits requests per token with 429 and Retry-After, shared through Redis', async () => {
    const limited = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const tok = await limited.token('rl-user');
      const statuses: number[] = [];
      let last: request.Response | undefined;
      for (let i = 0; i < 7; i++) {
        last = await request(limited.app).get('/v1/recordings').set('Authorization', `Bearer ${tok}`);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.body.error.code).toBe('rate_limited');
      // A second replica sees the same counter; another subject has its own budget.
      const replica = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '5' });
      try {
        expect(
          (await request(replica.app).get('/v1/recordings').set('Authorization', `Bearer ${tok}`)).status,
        ).toBe(429);
        expect(
          (
            await request(replica.app)
              .get('/v1/recordings')
              .set('Authorization', `Bearer ${await replica.token('other')}`)
          ).status,
        ).toBe(200);
      } finally {
        await replica.close();
      }
    } finally {
      await limited.close();
    }
  });

  it('sends helmet headers, honours the CORS allowlist only, and caps bodies and signed-URL lifetimes', async () => {
    const res = await request(app).get('/healthz').set('Origin', 'https://evil.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await request(app).options('/v1/recordings').set('Origin', config.CORS_ORIGINS[0]!);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(config.CORS_ORIGINS[0]);
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

    const big = await request(app)
      .post('/v1/uploads')
      .set(as('alice'))
      .set('content-type', 'application/json')
      .send(`{"x":"${'a'.repeat(400_000)}"}`);
    expect(big.status).toBe(413);

    const up = await request(app)
      .post('/v1/uploads')
      .set(as('alice'))
      .send({ contentType: 'audio/wav', sizeBytes: 10, microphoneUsed: true, speakerUsed: false });
    expect(new Date(up.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, { ...stack.env, SIGNED_URL_TTL_S: '901' }),
    ).toThrow();
  });

  it('never writes tokens or secrets to the logs', async () => {
    // Make the gateway log a failure with the request in scope.
    await request(app).get('/v1/recordings').set('Authorization', 'Bearer not.a.jwt');
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of [...Object.values(tokens), TEST_JWT_SECRET, seeded.webhookSecret, webhookHeaderValue])
      expect(logText).not.toContain(secret);
    expect(seeded.webhookSecret).toMatch(/^whsec_/);
  });
});
