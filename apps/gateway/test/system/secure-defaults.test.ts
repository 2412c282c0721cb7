import { ConfigError, parseConfig } from '@voicepulse/config';
import type { Express } from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../src/config';
import { startGateway, startStack, type GatewayHarness, type Stack } from '../helpers';

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
