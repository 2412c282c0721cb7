import { operations, type Operation, type OperationName } from '@voicepulse/contracts';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../src/openapi';
import { BOARD_PATH } from '../src/routes/admin';
import { putToSignedUrl, startGateway, startStack, toneWav, type GatewayHarness, type Stack } from './helpers';
import { listRoutes } from './system/routes';

/** Operational endpoints that are deliberately not part of the public API document. */
const UNDOCUMENTED = [
  /^\/v1\/blobs\//, // targets of fs-store signed URLs, not an API
  /^\/v1\/admin\//, // operator job controls, see docs/security.md
];

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
}

let stack: Stack;
let gw: GatewayHarness;
let server: Server;
let doc: Doc;
let alice: string;
let admin: string;
beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  // Loopback webhook destinations allowed, so a registration can succeed without a public host.
  gw = await startGateway(stack, { AUTH_DEV_TOKENS: 'true', WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: 'true' });
  // The status stream never ends by itself here (no workers): it is read over a real socket and cut.
  server = createServer(gw.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  doc = (await request(gw.app).get('/openapi.json')).body as Doc;
  alice = await gw.token('alice');
  admin = await gw.token('root', 'admin');
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await gw?.close();
  await stack?.stop();
});

/** Every response the probes got, so each success body can be checked against its declared schema. */
const captured: { method: string; path: string; status: number; body: unknown }[] = [];
const capture = (method: string, url: string, test: request.Test) =>
  test.on('response', (res: request.Response) =>
    captured.push({ method, path: url.split('?')[0]!, status: res.status, body: res.body as unknown }),
  );
const as = (token: string) => ({
  get: (url: string) => capture('get', url, request(gw.app).get(url).auth(token, { type: 'bearer' })),
  post: (url: string) => capture('post', url, request(gw.app).post(url).auth(token, { type: 'bearer' })),
  patch: (url: string) => capture('patch', url, request(gw.app).patch(url).auth(token, { type: 'bearer' })),
  delete: (url: string) => capture('delete', url, request(gw.app).delete(url).auth(token, { type: 'bearer' })),
});

/** Ids the probes hand on to later ones (they run in declaration order). */
const made: { recording?: string; prompt?: string; session?: string; webhook?: string } = {};
const period = () => {
  const to = new Date(Date.now() + 60_000);
  return `from=${new Date(to.getTime() - 86_400_000).toISOString()}&to=${to.toISOString()}`;
};

async function streamStatus(url: string, token: string): Promise<number> {
  const { port } = server.address() as AddressInfo;
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  abort.abort();
  return res.status;
}

/**
 * Real requests for every operation, happy path first: each returns the statuses it saw. Keyed by
 * operation, so a declared operation without a probe fails to typecheck (and the test below).
 */
const probes: Record<OperationName, () => Promise<number[]>> = {
  devToken: async () => [
    (await capture('post', '/v1/dev/token', request(gw.app).post('/v1/dev/token')).send({ userId: 'dave' })).status,
  ],
  uploadRecording: async () => {
    const ok = await as(alice).post('/v1/recordings').attach('file', toneWav(0.3), 'a.wav');
    made.recording = ok.body.id;
    const notAudio = await as(alice).post('/v1/recordings').set('content-type', 'text/plain').send('hello');
    return [ok.status, notAudio.status];
  },
  listRecordings: async () => [(await as(alice).get('/v1/recordings?limit=5')).status],
  getRecording: async () => [(await as(alice).get(`/v1/recordings/${made.recording}`)).status],
  recordingEvents: async () => [await streamStatus(`/v1/recordings/${made.recording}/events`, alice)],
  recordingAudio: async () => [
    (await as(alice).get(`/v1/recordings/${made.recording}/audio`)).status,
    (await as(alice).get(`/v1/recordings/${made.recording}/audio?variant=normalized`)).status,
  ],
  startUpload: async () => [
    (await as(alice).post('/v1/uploads').send({ contentType: 'audio/wav', sizeBytes: 1_000 })).status,
  ],
  completeUpload: async () => {
    const wav = toneWav(0.3);
    const start = await as(alice).post('/v1/uploads').send({ contentType: 'audio/wav', sizeBytes: wav.length });
    expect(start.status).toBe(201);
    const early = await as(alice).post(`/v1/uploads/${start.body.id}/complete`);
    expect((await putToSignedUrl(gw.app, start.body, wav)).status).toBe(200);
    const done = await as(alice).post(`/v1/uploads/${start.body.id}/complete`);
    return [early.status, done.status];
  },
  ingestMetrics: async () => {
    const event = {
      eventId: randomUUID(),
      talkedTimeMs: 1_000,
      microphoneUsed: true,
      speakerUsed: false,
      voiceSentiment: 0.2,
      recordedAt: new Date(Date.now() - 1_000).toISOString(),
    };
    return [
      (await as(alice).post('/v1/metrics').send(event)).status,
      (await as(alice).post('/v1/metrics').set('content-type', 'text/plain').send('x')).status,
    ];
  },
  metricsSummary: async () => [(await as(alice).get(`/v1/metrics/summary?${period()}`)).status],
  metricEvents: async () => [
    (await as(alice).get(`/v1/metrics/events?${period()}`)).status,
    (await as(alice).get(`/v1/metrics/events?${period()}&userId=bob`)).status,
  ],
  metricSessions: async () => [
    (await as(alice).get(`/v1/metrics/sessions?${period()}&limit=10`)).status,
    (await as(alice).get(`/v1/metrics/sessions?${period()}&cursor=garbage`)).status,
  ],
  metricsExportCsv: async () => [(await as(alice).get(`/v1/metrics/export.csv?${period()}`)).status],
  appendSessionEvents: async () => {
    made.session = randomUUID();
    const join = { type: 'join', occurredAt: new Date(Date.now() - 1_000).toISOString() };
    return [(await as(alice).post(`/v1/sessions/${made.session}/events`).send(join)).status];
  },
  getSession: async () => [(await as(alice).get(`/v1/sessions/${made.session}`)).status],
  admitSessionMember: async () => [
    (await as(alice).post(`/v1/sessions/${made.session}/members`).send({ userId: 'bob' })).status,
  ],
  nextPrompt: async () => {
    const none = await as(alice).get('/v1/prompts/next');
    const created = await as(admin).post('/v1/prompts').send({ text: 'The train leaves at noon.', emotions: ['happy'] });
    expect(created.status).toBe(201);
    return [none.status, (await as(alice).get('/v1/prompts/next')).status];
  },
  createPrompt: async () => {
    const res = await as(admin).post('/v1/prompts').send({ text: 'Close the window, please.', emotions: ['sad'] });
    made.prompt = res.body.id;
    return [res.status, (await as(alice).post('/v1/prompts').send({ text: 'x', emotions: ['sad'] })).status];
  },
  listPrompts: async () => [(await as(admin).get('/v1/prompts?active=true')).status],
  getPrompt: async () => [(await as(admin).get(`/v1/prompts/${made.prompt}`)).status],
  updatePrompt: async () => [(await as(admin).patch(`/v1/prompts/${made.prompt}`).send({ active: false })).status],
  deletePrompt: async () => [(await as(admin).delete(`/v1/prompts/${made.prompt}`)).status],
  corpusExport: async () => [(await as(admin).get('/v1/corpus/export?status=all')).status],
  createWebhook: async () => {
    const ok = await as(alice).post('/v1/webhooks').send({ url: 'http://127.0.0.1:9/hook', events: ['recording.scored'] });
    made.webhook = ok.body.id;
    // Cloud metadata stays refused even with the private-destination allowance.
    const metadata = await as(alice).post('/v1/webhooks').send({ url: 'http://169.254.169.254/hook', events: ['recording.failed'] });
    return [ok.status, metadata.status];
  },
  listWebhooks: async () => [(await as(alice).get('/v1/webhooks')).status],
  deleteWebhook: async () => [(await as(alice).delete(`/v1/webhooks/${made.webhook}`)).status],
  deleteRecording: async () => [(await as(alice).delete(`/v1/recordings/${made.recording}`)).status],
};

/** Statuses the shared middleware answers, provoked the same way for every operation that has it. */
async function edgeProbes(op: Operation): Promise<number[]> {
  const url = `/v1${op.path.replace(/:id/g, randomUUID())}`;
  const send = (token: string | null, query = '', body?: object) => {
    let req = request(gw.app)[op.method](url + query);
    if (token) req = req.auth(token, { type: 'bearer' });
    return body ? req.send(body) : req;
  };
  const seen: number[] = [];
  if (op.access !== 'public') seen.push((await send(null)).status);
  if (op.access === 'admin') seen.push((await send(alice)).status);
  const token = op.access === 'admin' ? admin : alice;
  if (op.path.includes(':id')) seen.push((await send(token)).status);
  if (op.query) seen.push((await send(token, '?no_such_parameter=1')).status);
  if (op.body) seen.push((await send(token, '', { no_such_field: 1 })).status);
  return seen;
}

describe('GET /openapi.json', () => {
  it('documents every public /v1 route the app serves, with its method', () => {
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

  it('has a probe for every declared operation', () => {
    expect(Object.keys(probes).sort()).toEqual(Object.keys(operations).sort());
  });

  // In declaration order of the probes: later ones use what earlier ones made.
  for (const [name, probe] of Object.entries(probes) as [OperationName, () => Promise<number[]>][]) {
    const op: Operation = operations[name];
    it(`${op.method.toUpperCase()} ${op.path} answers only documented statuses, its success among them`, async () => {
      const responses = doc.paths[openApiPath(op.path)]![op.method]!.responses;
      const documented = Object.keys(responses).map(Number);
      captured.length = 0;
      const happy = await probe();
      // Success bodies are what the contract says: the web app parses them with the same schemas.
      const route = new RegExp(`^/v1${op.path.replace(/:id/g, '[^/]+')}$`);
      const checked = captured.filter((r) => r.method === op.method && route.test(r.path));
      let validated = 0;
      for (const r of checked) {
        const declared = op.responses[String(r.status)];
        if (typeof declared !== 'object' || !declared.schema || declared.mediaType) continue;
        const parsed = declared.schema.safeParse(r.body);
        expect(parsed.success, `${r.status} body: ${parsed.error?.message}`).toBe(true);
        validated++;
      }
      const jsonSuccess = Object.values(op.responses).some((r) => typeof r === 'object' && r.schema && !r.mediaType);
      if (jsonSuccess) expect(validated, 'no success body was checked').toBeGreaterThan(0);
      const edges = await edgeProbes(op);
      expect([...happy, ...edges].filter((s) => !documented.includes(s))).toEqual([]);
      const successes = Object.entries(op.responses)
        .filter(([, r]) => typeof r !== 'string')
        .map(([s]) => Number(s));
      expect(happy.some((s) => successes.includes(s)), `saw ${happy.join(', ')}`).toBe(true);
    });
  }

  it('documents the limits of issue 12: busy exports, stream caps, outages on complete', () => {
    expect(Object.keys(doc.paths['/v1/metrics/export.csv']!.get!.responses)).toContain('503');
    expect(Object.keys(doc.paths['/v1/recordings/{id}/events']!.get!.responses)).toContain('429');
    expect(Object.keys(doc.paths['/v1/uploads/{id}/complete']!.post!.responses)).toContain('503');
    expect(Object.keys(doc.paths['/v1/metrics']!.post!.responses)).toEqual(
      expect.arrayContaining(['400', '413', '503']),
    );
  });
});
