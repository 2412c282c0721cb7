import { ConfigError, parseConfig } from '@voicepulse/config';
import type { Express } from 'express';
import { SignJWT } from 'jose';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_TOKEN_ROUTES } from '../../src/app';
import { gatewayConfigSchema } from '../../src/config';
import { startMetricsServer } from '../../src/metrics-server';
import { BOARD_PATH } from '../../src/routes/admin';
import {
  startGateway,
  startStack,
  TEST_JWT_SECRET,
  toneWav,
  type GatewayHarness,
  type Stack,
} from '../helpers';
import { listRoutes } from './routes';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
});

afterAll(async () => {
  await stack?.stop();
});

/** The variables a config refuses, or [] when it parses. */
function refused(env: Record<string, string>): string[] {
  try {
    parseConfig('gateway', gatewayConfigSchema, { ...stack.env, ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.variable);
    throw err;
  }
}

/** A non-loopback address of this machine: the dev-token route must see a remote peer. */
function externalIPv4(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 interface to connect from');
  return address;
}

/** POST /v1/dev/token over a real socket from `from` (supertest always connects from loopback). */
function postDevToken(app: Express, from: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: { error?: { code: string } } }>((resolve, reject) => {
    const server = app.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as AddressInfo;
      const req = http.request(
        {
          host: from,
          port,
          localAddress: from,
          method: 'POST',
          path: '/v1/dev/token',
          headers: { 'content-type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            server.close();
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          });
        },
      );
      req.on('error', (err) => {
        server.close();
        reject(err);
      });
      req.end(JSON.stringify({ userId: 'alice' }));
    });
  });
}

describe('dev tokens (issue 12, item 4)', () => {
  let gw: GatewayHarness;
  beforeAll(async () => {
    gw = await startGateway(stack, { AUTH_DEV_TOKENS: 'true', TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('refuses to start with dev tokens on in production', () => {
    expect(refused({ NODE_ENV: 'production', AUTH_DEV_TOKENS: 'true' })).toContain('AUTH_DEV_TOKENS');
    expect(refused({ NODE_ENV: 'development', AUTH_DEV_TOKENS: 'true' })).toEqual([]);
  });

  it('mints user tokens only, unless AUTH_DEV_TOKEN_ROLES allows more', async () => {
    const user = await request(gw.app).post('/v1/dev/token').send({ userId: 'carol' });
    expect(user.status).toBe(200);
    for (const role of ['admin', 'ingest']) {
      const res = await request(gw.app).post('/v1/dev/token').send({ userId: 'carol', role });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('role_not_allowed');
    }
    const wider = await startGateway(stack, { AUTH_DEV_TOKENS: 'true', AUTH_DEV_TOKEN_ROLES: 'user,admin' });
    try {
      const admin = await request(wider.app).post('/v1/dev/token').send({ userId: 'carol', role: 'admin' });
      expect(admin.status).toBe(200);
      expect(
        (await request(wider.app).get('/v1/admin/jobs').auth(admin.body.token, { type: 'bearer' })).status,
      ).toBe(200);
      expect(
        (await request(wider.app).post('/v1/dev/token').send({ userId: 'carol', role: 'ingest' })).status,
      ).toBe(403);
    } finally {
      await wider.close();
    }
    expect(refused({ AUTH_DEV_TOKEN_ROLES: 'user,root' })).toContainEqual(
      expect.stringMatching(/^AUTH_DEV_TOKEN_ROLES/),
    );
  });

  it('answers loopback callers only, whatever X-Forwarded-For claims', async () => {
    expect((await postDevToken(gw.app, '127.0.0.1')).status).toBe(200);
    const remote = await postDevToken(gw.app, externalIPv4(), { 'x-forwarded-for': '127.0.0.1' });
    expect(remote.status).toBe(403);
    expect(remote.body.error?.code).toBe('forbidden');
  });
});

const repoRoot = path.resolve(import.meta.dirname, '../../../..');

/**
 * Every literal the repository assigns to something named *secret* (TS, YAML, shell, compose
 * defaults, docs): `FOO_SECRET: value`, `secret = 'value'`, `${FOO_SECRET:-value}`, `??= 'value'`.
 * Names of variables and property paths are not values and are left out.
 */
function secretsWrittenInTheRepo(): Set<string> {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter(
      (f) => f && !/(^|\/)package-lock\.json$|\.(png|jpe?g|wav|webm|ogg|mp3|flac|onnx|gz|ico)$/i.test(f),
    );
  const found = new Set<string>();
  const assignment = /secret\w*['"`]?\s*(?::-|\?\?=|[:=])\s*['"`]?([A-Za-z0-9._~+/=-]{16,})/gi;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(repoRoot, file), 'utf8');
    } catch {
      continue; // deleted in the worktree, or a directory entry (submodule)
    }
    for (const m of text.matchAll(assignment)) {
      const value = m[1]!;
      if (/^[A-Z0-9_]+$/.test(value) || /^[a-z]\w*(\.\w+)+$/i.test(value)) continue;
      found.add(value);
    }
  }
  return found;
}

describe('secrets and tokens in production (issue 12, item 5)', () => {
  const fresh = () => randomBytes(32).toString('hex');
  const production = { NODE_ENV: 'production', STORAGE_DRIVER: 'fs' };

  it('refuses every secret written in the repository, and the defaults', () => {
    const written = secretsWrittenInTheRepo();
    // The scan must see the ones we know of, or it proves nothing.
    for (const known of [
      TEST_JWT_SECRET,
      'ci-only-secret-0123456789abcdef0123456789',
      'kind-dev-only-secret-0123456789abcdef0123',
    ]) {
      expect(written).toContain(known);
    }
    const accepted = [...written].filter(
      (secret) =>
        !refused({ ...production, AUTH_JWT_SECRET: secret, STORAGE_FS_SIGNING_SECRET: fresh() }).includes(
          'AUTH_JWT_SECRET',
        ) ||
        !refused({ ...production, AUTH_JWT_SECRET: fresh(), STORAGE_FS_SIGNING_SECRET: secret }).includes(
          'STORAGE_FS_SIGNING_SECRET',
        ),
    );
    expect(
      accepted,
      'secrets in the repo that production accepts: add them to libs/config/src/secrets.ts',
    ).toEqual([]);
    // The fs store's default signing secret, by leaving it unset.
    expect(refused({ ...production, AUTH_JWT_SECRET: fresh() })).toEqual(['STORAGE_FS_SIGNING_SECRET']);
    expect(refused({ ...production, AUTH_JWT_SECRET: fresh(), STORAGE_FS_SIGNING_SECRET: fresh() })).toEqual(
      [],
    );
    // Outside production the local defaults keep working.
    expect(
      refused({ NODE_ENV: 'development', STORAGE_DRIVER: 'fs', AUTH_JWT_SECRET: TEST_JWT_SECRET }),
    ).toEqual([]);
  });

  it('refuses tokens without an expiry', async () => {
    const gw = await startGateway(stack);
    try {
      const token = (exp: boolean) => {
        const jwt = new SignJWT({ role: 'user' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setIssuer(gw.config.AUTH_ISSUER)
          .setAudience(gw.config.AUTH_AUDIENCE)
          .setIssuedAt();
        return (exp ? jwt.setExpirationTime('5m') : jwt).sign(new TextEncoder().encode(TEST_JWT_SECRET));
      };
      const forever = await request(gw.app)
        .get('/v1/recordings')
        .auth(await token(false), { type: 'bearer' });
      expect(forever.status).toBe(401);
      expect(
        (
          await request(gw.app)
            .get('/v1/recordings')
            .auth(await token(true), { type: 'bearer' })
        ).status,
      ).toBe(200);
    } finally {
      await gw.close();
    }
  });
});

describe('?access_token= (issue 12, item 15)', () => {
  let gw: GatewayHarness;
  let admin: string;
  let recordingId: string;
  beforeAll(async () => {
    gw = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '0' });
    admin = await gw.token('qt-admin', 'admin');
    const rec = await request(gw.app)
      .post('/v1/recordings')
      .auth(admin, { type: 'bearer' })
      .attach('file', toneWav(0.3), 'a.wav');
    expect(rec.status, JSON.stringify(rec.body)).toBe(202);
    recordingId = rec.body.id;
  });
  afterAll(async () => {
    await gw?.close();
  });

  const allowed = QUERY_TOKEN_ROUTES.map((p) => `GET /v1${p}`);

  it('is refused on every other route and method (routes read from the router), even with an admin token', async () => {
    const routes = listRoutes(gw.app, ['/v1', BOARD_PATH]).filter(
      (r) =>
        r.path.startsWith('/v1/') &&
        !r.path.startsWith('/v1/blobs') &&
        !allowed.includes(`${r.method} ${r.path}`),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, path: route } of routes) {
      const url = `${route.replace(/:id/g, recordingId).replace(/:queue/g, 'transcode')}?access_token=${admin}`;
      const res = await request(gw.app)[method.toLowerCase() as 'get'](url);
      expect(res.status, `${method} ${route}`).toBe(401);
    }
    // The recording is still there: not even DELETE went through.
    expect(
      (await request(gw.app).get(`/v1/recordings/${recordingId}`).auth(admin, { type: 'bearer' })).status,
    ).toBe(200);
  });

  it('is accepted on GET of the status stream, the audio and the corpus export', async () => {
    const audio = await request(gw.app).get(`/v1/recordings/${recordingId}/audio?access_token=${admin}`);
    expect(audio.status).toBe(200);
    const corpus = await request(gw.app).get(`/v1/corpus/export?access_token=${admin}`);
    expect(corpus.status).toBe(200);
    // The stream stays open while the recording is processing: read the status line, then hang up.
    const server = gw.app.listen(0, '127.0.0.1');
    try {
      await new Promise((r) => server.once('listening', r));
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.get(
          `http://127.0.0.1:${port}/v1/recordings/${recordingId}/events?access_token=${admin}`,
          (res) => {
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on('error', reject);
      });
      expect(status).toBe(200);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('/metrics (issue 12, item 19)', () => {
  it('is served on HEALTH_PORT as on the workers, not on the public API port', async () => {
    const gw = await startGateway(stack, { HEALTH_PORT: '0', HOST: '127.0.0.1' });
    const metrics = await startMetricsServer(gw.deps);
    try {
      expect((await request(gw.app).get('/healthz')).status).toBe(200);
      const onApi = await request(gw.app).get('/metrics');
      expect(onApi.status).toBe(404);
      expect(onApi.text).not.toContain('voicepulse_');
      const scraped = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toContain('voicepulse_http_request_duration_seconds_bucket');
      expect(text).toContain('voicepulse_bytes_stored_total');
      expect((await fetch(`http://127.0.0.1:${metrics.port}/readyz`)).status).toBe(200);
      // HOST binds it like the API (npm start: loopback only).
      await expect(fetch(`http://${externalIPv4()}:${metrics.port}/metrics`)).rejects.toThrow();
    } finally {
      await metrics.close();
      await gw.close();
    }
  });
});
