import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

// A fixed default seed: the same cases every run, so a CI failure reproduces locally.
// FUZZ_SEED explores other cases; whichever seed ran is printed before the first request.
// fast-check draws every case from it and, when one fails, shrinks it to a minimal failing case.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS = 1_100;
const bytes = (minLength: number, maxLength: number) =>
  fc.uint8Array({ minLength, maxLength }).map((a) => Buffer.from(a));
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

let stack: Stack;
let gw: GatewayHarness;
let server: http.Server;
let port: number;
let token: string;
const MAX_UPLOAD = 8 * 1024 * 1024;

beforeAll(async () => {
  console.log(`[fuzz] seed=${SEED} (replay with FUZZ_SEED=${SEED})`);
  stack = await startStack({ storage: 'fs' });
  // No transcoder runs here, so every accepted upload stays in flight: the per-user quota is off too.
  gw = await startGateway(stack, { RATE_LIMIT_PER_MINUTE: '0', MAX_RECORDINGS_IN_FLIGHT_PER_USER: '0', MAX_UPLOAD_BYTES: String(MAX_UPLOAD) });
  token = await gw.token('fuzz-user');
  server = http.createServer(gw.app);
  // The same protections main.ts sets, shortened so a slow-loris case ends within the test.
  server.headersTimeout = 3_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await gw?.close();
  await stack?.stop();
});

interface Answer {
  status: number;
  contentType: string;
  body: string;
}
const guarded = new WeakSet<net.Socket>();
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | Readable,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, headers: { authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += text.length < 4_000_000 ? d : ''));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: text,
          }),
        );
        res.on('error', () => resolve({ status: res.statusCode ?? 0, contentType: '', body: text }));
      },
    );
    // The server may close a refused upload before we finish sending; the answer still counts.
    req.on('error', () => resolve({ status: -1, contentType: '', body: '' }));
    req.on('socket', (sock) => {
      // Keep-alive sockets serve many requests: guard each one once, not once per request.
      if (guarded.has(sock)) return;
      guarded.add(sock);
      sock.on('error', () => undefined);
    });
    if (body instanceof Readable) body.on('error', () => undefined).pipe(req);
    else req.end(body);
  });
}

function wavHeader(opts: {
  riffSize?: number;
  fmtSize?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  dataSize?: number;
  format?: number;
}) {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0);
  b.writeUInt32LE(opts.riffSize ?? 36, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(opts.fmtSize ?? 16, 16);
  b.writeUInt16LE(opts.format ?? 1, 20);
  b.writeUInt16LE(opts.channels ?? 1, 22);
  b.writeUInt32LE(opts.rate ?? 16_000, 24);
  b.writeUInt32LE(
    Math.floor(((opts.rate ?? 16_000) * (opts.channels ?? 1) * (opts.bits ?? 16)) / 8) % 2 ** 32,
    28,
  );
  b.writeUInt16LE(Math.floor(((opts.channels ?? 1) * (opts.bits ?? 16)) / 8) % 2 ** 16, 32);
  b.writeUInt16LE(opts.bits ?? 16, 34);
  b.write('data', 36);
  b.writeUInt32LE(opts.dataSize ?? 0, 40);
  return b;
}

/** A request built in full by the generator, so what is sent depends on the seed alone. */
interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}
type Case = { family: string; req: Req };
const sendReq = (r: Req) => send(r.method, r.path, r.headers, r.body);
const upload = (ct: string, body: Buffer): Req => ({
  method: 'POST',
  path: '/v1/recordings',
  headers: { 'content-type': ct },
  body,
});
const metrics = (ct: string, body: Buffer): Req => ({
  method: 'POST',
  path: '/v1/metrics',
  headers: { 'content-type': ct },
  body,
});

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const validEvent = (eventId: string = randomUUID()) => ({
  eventId,
  talkedTimeMs: 1000,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 0.2,
  recordedAt: new Date(Date.now() - 60_000).toISOString(),
});
const validEventArb = fc.uuid({ version: 4 }).map(validEvent);

/** One family of bad requests: each case is tagged with its family for the outcome table. */
const family = (name: string, arb: fc.Arbitrary<Req>): fc.Arbitrary<Case> =>
  arb.map((req) => ({ family: name, req }));

const tone = toneWav(0.2);
const uploadCases = fc.oneof(
  family(
    'upload: random bytes',
    fc
      .tuple(
        fc.constantFrom('audio/wav', 'audio/mpeg', 'application/octet-stream', 'audio/webm'),
        bytes(1, 65_536),
      )
      .map(([ct, b]) => upload(ct, b)),
  ),
  family(
    'upload: zero length',
    fc.constantFrom('audio/wav', 'application/octet-stream').map((ct) => upload(ct, Buffer.alloc(0))),
  ),
  family(
    'upload: truncated WAV header',
    fc.integer({ min: 1, max: 43 }).map((n) => upload('audio/wav', tone.subarray(0, n))),
  ),
  family(
    'upload: absurd chunk sizes',
    // Every field drawn from plausible and absurd values, then one field forced absurd: a draw of
    // only plausible values is a valid WAV, which the gateway rightly accepts.
    fc
      .tuple(
        fc.record({
          riffSize: fc.oneof(fc.constantFrom(0, 0xffffffff), u32),
          fmtSize: fc.oneof(fc.constantFrom(16, 0, 0xfffffff0), u32),
          channels: fc.constantFrom(0, 1, 2, 255, 65535),
          rate: fc.constantFrom(0, 1, 16000, 0xffffffff),
          bits: fc.constantFrom(0, 1, 16, 24, 64),
          dataSize: fc.oneof(fc.constantFrom(0, 0xffffffff), u32),
          format: fc.constantFrom(1, 3, 0xfffe, 0, 85),
        }),
        fc.oneof(
          fc
            .oneof(fc.constantFrom(0, 8, 0xfffffff0), fc.integer({ min: 4097, max: 2 ** 32 - 1 }))
            .map((v) => ({ fmtSize: v })),
          fc.constantFrom(0, 255, 65535).map((v) => ({ channels: v })),
          fc.constantFrom(0, 1, 999, 0xffffffff).map((v) => ({ rate: v })),
          fc.constantFrom(0, 1, 7, 64).map((v) => ({ bits: v })),
          fc.constantFrom(0, 85, 0x1234).map((v) => ({ format: v })),
        ),
        bytes(0, 2048),
      )
      .map(([fields, forced, tail]) =>
        upload('audio/wav', Buffer.concat([wavHeader({ ...fields, ...forced }), tail])),
      ),
  ),
  family(
    'upload: mismatched Content-Type',
    fc
      .constantFrom('image/png', 'text/plain', 'application/json', 'text/html; charset=utf-8')
      .map((ct) => upload(ct, tone)),
  ),
  family(
    'upload: multipart without file part',
    bytes(6, 6).map((b) => {
      const boundary = 'x' + b.toString('hex');
      const body = Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
      );
      return {
        method: 'POST',
        path: '/v1/recordings',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      };
    }),
  ),
  family(
    'upload: garbage multipart',
    fc.tuple(fc.constantFrom('', 'b', '-'.repeat(80)), bytes(0, 4096)).map(([boundary, body]) => ({
      method: 'POST',
      path: '/v1/recordings',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    })),
  ),
  family(
    'upload: bad metadata',
    fc
      .constantFrom(
        'microphoneUsed=maybe',
        'recordedAt=yesterday',
        `sessionId=${'z'.repeat(300)}`,
        'userId=someone',
      )
      .map((query) => ({
        method: 'POST',
        path: `/v1/recordings?${query}`,
        headers: { 'content-type': 'audio/wav' },
        body: tone,
      })),
  ),
);

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const metricsCases = fc.oneof(
  family(
    'metrics: wrong types',
    fc
      .tuple(
        validEventArb,
        fc.constantFrom(...Object.keys(validEvent())),
        fc.constantFrom<unknown>(null, 'x', [], {}, -1.5),
      )
      .map(([e, key, value]) => metrics('application/json', json({ events: [{ ...e, [key]: value }] }))),
  ),
  family(
    'metrics: huge numbers',
    fc
      .tuple(validEventArb, fc.constantFrom(1e308, 2 ** 63, -1e20, 1e21), fc.constantFrom(1e308, -1e308, 5))
      .map(([e, talkedTimeMs, voiceSentiment]) =>
        metrics(
          'application/json',
          Buffer.from(
            JSON.stringify({ events: [{ ...e, talkedTimeMs, voiceSentiment }] }).replace('1e+308', '1e999'),
          ),
        ),
      ),
  ),
  family(
    'metrics: deep nesting',
    fc
      .integer({ min: 50, max: 2_000 })
      .map((depth) => metrics('application/json', json({ events: [nest(depth)] }))),
  ),
  family(
    'metrics: invalid UTF-8',
    fc.constant(
      metrics(
        'application/json',
        Buffer.concat([
          Buffer.from('{"events":[{"eventId":"'),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
          Buffer.from('"}]}'),
        ]),
      ),
    ),
  ),
  family(
    'metrics: 10,000 unknown fields',
    validEventArb.map((e) => {
      const wide: Record<string, unknown> = { ...e };
      for (let i = 0; i < 10_000; i++) wide[`f${i}`] = i;
      return metrics('application/json', json({ events: [wide] }));
    }),
  ),
  family(
    'metrics: not JSON',
    fc
      .tuple(fc.constantFrom('application/json', 'application/x-ndjson'), bytes(1, 2048))
      .map(([ct, b]) => metrics(ct, b)),
  ),
  family(
    'metrics: wrong media type',
    fc
      .tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data'), validEventArb)
      .map(([ct, e]) => metrics(ct, json({ events: [e] }))),
  ),
  family(
    'metrics: empty or wrong shape',
    fc
      .constantFrom('', '{}', '[]', 'null', '{"events":[]}', '{"events":{}}', '"x"')
      .map((b) => metrics('application/json', Buffer.from(b))),
  ),
);

/** Uploads and metrics in equal measure, as before. */
const badCases = fc.oneof(uploadCases, metricsCases);

describe('bad-input fuzz', () => {
  it('answers every generated bad request with a clean 4xx JSON error while valid traffic flows', async () => {
    const outcomes = new Map<string, Map<string, number>>();
    const count = (family: string, outcome: string) => {
      const m = outcomes.get(family) ?? new Map<string, number>();
      m.set(outcome, (m.get(outcome) ?? 0) + 1);
      outcomes.set(family, m);
    };
    const failures: string[] = [];
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;

    // Valid traffic alongside the fuzz: every one of these must still be accepted. Its mix
    // alternates rather than drawing from the seed, so the bad cases depend on the seed alone.
    let stop = false;
    const valid = { ok: 0, bad: 0 };
    const validLoop = (async () => {
      for (let k = 0; !stop; k++) {
        const r = await sendReq(
          k % 5 === 4
            ? upload('audio/wav', toneWav(0.2))
            : metrics('application/json', Buffer.from(JSON.stringify({ events: [validEvent()] }))),
        );
        if (r.status === 202) valid.ok++;
        else valid.bad++;
      }
    })();

    // Slow-loris: connections that trickle header bytes and never finish; the server must drop them.
    const loris = Array.from({ length: 20 }, () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.on('error', () => undefined);
      sock.write(`POST /v1/recordings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n`);
      let n = 0;
      const drip = setInterval(() => sock.writable && sock.write(`X-${n++}: a\r\n`), 500);
      return new Promise<string>((resolve) => {
        sock.on('close', () => (clearInterval(drip), resolve('closed by server')));
      });
    });

    // fast-check draws each case from the seed, sends it, and on a failure shrinks the case
    // (fewer bytes, smaller numbers, simpler families) to a minimal one it reports with its path.
    // Shrinking replays cases, which the outcome table then counts too.
    let run = 0;
    const property = fc.asyncProperty(badCases, async (c) => {
      const i = run++;
      const r = await sendReq(c.req);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      let json = false;
      try {
        json =
          r.contentType.startsWith('application/json') && typeof JSON.parse(r.body).error?.code === 'string';
      } catch {
        json = false;
      }
      if (r.status >= 400 && r.status < 500 && json)
        count(c.family, `${r.status} ${JSON.parse(r.body).error.code}`);
      else if (r.status === -1) count(c.family, 'connection closed after refusal');
      else {
        count(c.family, `UNEXPECTED ${r.status}`);
        failures.push(`#${i} ${c.family}: ${r.status} ${r.body.slice(0, 200)}`);
        throw new Error(
          `${c.family}: ${c.req.method} ${c.req.path} answered ${r.status} ${r.body.slice(0, 200)}`,
        );
      }
    });
    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS });
    } catch (err) {
      stop = true;
      await validLoop;
      throw err;
    }

    // The 10-hour silent WAV: a valid header for 10 h of 16 kHz mono, streamed until refused.
    const tenHours = 10 * 3600 * 16_000 * 2;
    let sent = 0;
    const big = new Readable({
      read() {
        if (sent === 0) this.push(wavHeader({ riffSize: tenHours + 36, dataSize: tenHours }));
        if (sent > MAX_UPLOAD * 4) return void this.push(null);
        sent += 256 * 1024;
        this.push(Buffer.alloc(256 * 1024));
      },
    });
    const longWav = await send('POST', '/v1/recordings', { 'content-type': 'audio/wav' }, big);
    count(
      'upload: 10-hour silent WAV',
      longWav.status === 413
        ? '413 payload_too_large'
        : longWav.status === -1
          ? 'connection closed after refusal'
          : `UNEXPECTED ${longWav.status}`,
    );
    // 10 MB metrics body.
    const huge = await sendReq(
      metrics(
        'application/json',
        Buffer.from(JSON.stringify({ events: [{ ...validEvent(), pad: 'x'.repeat(10 * 1024 * 1024) }] })),
      ),
    );
    count(
      'metrics: 10 MB body',
      huge.status === 413
        ? '413 payload_too_large'
        : huge.status === -1
          ? 'connection closed after refusal'
          : `UNEXPECTED ${huge.status}`,
    );

    const lorisResults = await Promise.all(loris);
    stop = true;
    await validLoop;
    const health = await send('GET', '/readyz', {});

    const rows = [...outcomes].flatMap(([family, m]) =>
      [...m].map(([outcome, n]) => ({ family, outcome, n })),
    );
    console.log(
      `\n[fuzz] seed=${SEED} cases=${rows.reduce((a, r) => a + r.n, 0)} (+${lorisResults.length} slow-loris connections: ${lorisResults.filter((r) => r === 'closed by server').length} dropped by the server)`,
    );
    console.table(rows);
    console.log(
      `[fuzz] valid traffic meanwhile: ${valid.ok} accepted, ${valid.bad} not; RSS ${Math.round(rssBefore / 2 ** 20)} → peak ${Math.round(rssPeak / 2 ** 20)} MB; readyz ${health.status}`,
    );

    expect(failures, failures.slice(0, 10).join('\n')).toEqual([]);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBeGreaterThanOrEqual(1_000);
    expect(rows.some((r) => r.outcome.startsWith('UNEXPECTED'))).toBe(false);
    expect(valid.bad).toBe(0);
    expect(valid.ok).toBeGreaterThan(0);
    expect(health.status).toBe(200);
    // Bounded: streaming and body limits mean bad input never buffers whole bodies in the heap.
    expect(rssPeak - rssBefore).toBeLessThan(400 * 2 ** 20);
  });
});
