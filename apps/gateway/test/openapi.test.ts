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
    const doc = (await request(gw.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = listRoutes(gw.app, ['/v1', BOARD_PATH])
      .filter((r) => r.path.startsWith('/v1/') && !UNDOCUMENTED.some((re) => re.test(r.path)))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(20);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it('documents the limits of issue 12: busy exports, stream caps, outages on complete', async () => {
    const doc = (await request(gw.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(doc.paths['/v1/metrics/export.csv']!.get!.responses)).toContain('503');
    expect(Object.keys(doc.paths['/v1/recordings/{id}/events']!.get!.responses)).toContain('429');
    expect(Object.keys(doc.paths['/v1/uploads/{id}/complete']!.post!.responses)).toContain('503');
    expect(Object.keys(doc.paths['/v1/metrics']!.post!.responses)).toEqual(
      expect.arrayContaining(['400', '413', '503']),
    );
  });
});
