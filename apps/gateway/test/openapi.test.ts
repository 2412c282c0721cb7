import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type GatewayHarness, type Stack } from './helpers';
import { BOARD_PATH } from '../src/routes/admin';
import { listRoutes } from './system/routes';

/** Operational endpoints that are deliberately not part of the public API document. */
const UNDOCUMENTED = [
  /^\/v1\/blobs\//, // targets of fs-store signed URLs, not an API
  /^\/v1\/admin\//, // operator job controls, see docs/security.md
];

let stack: Stack;
let gw: GatewayHarness;
beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { AUTH_DEV_TOKENS: 'true' });
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

describe('GET /openapi.json', () => {
  it('documents every public /v1 route the app serves, with its method', async () => {
    const doc = (await request(gw.app).get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const served = listRoutes(gw.app, ['/v1', BOARD_PATH])
      .filter((r) => r.path.startsWith('/v1/') && !UNDOCUMENTED.some((re) => re.test(r.path)))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(20);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });
});
