import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

/** Seeded PRNG so a failing case can be replayed from the printed seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
// A fixed default seed: the same cases every run, so a CI failure reproduces locally.
// FUZZ_SEED explores other cases; whichever seed ran is printed before the first request.
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
/** Pseudo-random bytes from the seeded generator (crypto.randomBytes would not replay). */
function bytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

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
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | Readable): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { authorization: `Bearer ${token}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += text.length < 4_000_000 ? d : ''));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, contentType: '', body: text }));
    });
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

function wavHeader(opts: { riffSize?: number; fmtSize?: number; channels?: number; rate?: number; bits?: number; dataSize?: number; format?: number }) {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0);
  b.writeUInt32LE(opts.riffSize ?? 36, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(opts.fmtSize ?? 16, 16);
  b.writeUInt16LE(opts.format ?? 1, 20);
  b.writeUInt16LE(opts.channels ?? 1, 22);
  b.writeUInt32LE(opts.rate ?? 16_000, 24);
  b.writeUInt32LE(Math.floor(((opts.rate ?? 16_000) * (opts.channels ?? 1) * (opts.bits ?? 16)) / 8) % 2 ** 32, 28);
  b.writeUInt16LE(Math.floor(((opts.channels ?? 1) * (opts.bits ?? 16)) / 8) % 2 ** 16, 32);
  b.writeUInt16LE(opts.bits ?? 16, 34);
  b.write('data', 36);
  b.writeUInt32LE(opts.dataSize ?? 0, 40);
  return b;
}

/** A request built in full before anything is sent, so concurrency cannot reorder the seeded draws. */
interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}
type Case = { family: string; req: Req };
const sendReq = (r: Req) => send(r.method, r.path, r.headers, r.body);
const upload = (ct: string, body: Buffer): Req => ({ method: 'POST', path: '/v1/recordings', headers: { 'content-type': ct }, body });
const metrics = (ct: string, body: Buffer): Req => ({ method: 'POST', path: '/v1/metrics', headers: { 'content-type': ct }, body });

function nest(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
const validEvent = () => ({
  // Ids need only be unique, not replayable: they never decide what a case tests.
  eventId: randomUUID(),
  talkedTimeMs: 1000,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 0.2,
  recordedAt: new Date(Date.now() - 60_000).toISOString(),
});

function uploadCase(): Case {
  const tone = toneWav(0.2);
  const gens: Record<string, () => Req> = {
    'upload: random bytes': () => upload(pick(['audio/wav', 'audio/mpeg', 'application/octet-stream', 'audio/webm']), bytes(int(1, 65_536))),
    'upload: zero length': () => upload(pick(['audio/wav', 'application/octet-stream']), Buffer.alloc(0)),
    'upload: truncated WAV header': () => upload('audio/wav', tone.subarray(0, int(1, 43))),
    'upload: absurd chunk sizes': () => {
      // Every field drawn from plausible and absurd values, then one field forced absurd: a
      // draw of only plausible values is a valid WAV, which the gateway rightly accepts.
      const fields = {
        riffSize: pick([0, 0xffffffff, int(0, 2 ** 32 - 1)]),
        fmtSize: pick([16, 0, 0xfffffff0, int(0, 2 ** 32 - 1)]),
        channels: pick([0, 1, 2, 255, 65535]),
        rate: pick([0, 1, 16000, 0xffffffff]),
        bits: pick([0, 1, 16, 24, 64]),
        dataSize: pick([0, 0xffffffff, int(0, 2 ** 32 - 1)]),
        format: pick([1, 3, 0xfffe, 0, 85]),
      };
      const absurd = {
        fmtSize: () => pick([0, 8, 0xfffffff0, int(4097, 2 ** 32 - 1)]),
        channels: () => pick([0, 255, 65535]),
        rate: () => pick([0, 1, 999, 0xffffffff]),
        bits: () => pick([0, 1, 7, 64]),
        format: () => pick([0, 85, 0x1234]),
      };
      const forced = pick(Object.keys(absurd) as (keyof typeof absurd)[]);
      return upload('audio/wav', Buffer.concat([wavHeader({ ...fields, [forced]: absurd[forced]() }), bytes(int(0, 2048))]));
    },
    'upload: mismatched Content-Type': () => upload(pick(['image/png', 'text/plain', 'application/json', 'text/html; charset=utf-8']), tone),
    'upload: multipart without file part': () => {
      const boundary = 'x' + bytes(6).toString('hex');
      const body = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`);
      return { method: 'POST', path: '/v1/recordings', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body };
    },
    'upload: garbage multipart': () => ({
      method: 'POST',
      path: '/v1/recordings',
      headers: { 'content-type': `multipart/form-data; boundary=${pick(['', 'b', '-'.repeat(80)])}` },
      body: bytes(int(0, 4096)),
    }),
    'upload: bad metadata': () => ({
      method: 'POST',
      path: `/v1/recordings?${pick(['microphoneUsed=maybe', 'recordedAt=yesterday', `sessionId=${'z'.repeat(300)}`, 'userId=someone'])}`,
      headers: { 'content-type': 'audio/wav' },
      body: tone,
    }),
  };
  const family = pick(Object.keys(gens));
  return { family, req: gens[family]!() };
}

function metricsCase(): Case {
  const gens: Record<string, () => Req> = {
    'metrics: wrong types': () => {
      const e: Record<string, unknown> = validEvent();
      e[pick(Object.keys(e))] = pick([null, 'x', [], {}, -1.5]);
      return metrics('application/json', Buffer.from(JSON.stringify({ events: [e] })));
    },
    'metrics: huge numbers': () => {
      const e = { ...validEvent(), talkedTimeMs: pick([1e308, 2 ** 63, -1e20, 1e21]), voiceSentiment: pick([1e308, -1e308, 5]) };
      return metrics('application/json', Buffer.from(JSON.stringify({ events: [e] }).replace('1e+308', '1e999')));
    },
    'metrics: deep nesting': () => metrics('application/json', Buffer.from(JSON.stringify({ events: [nest(int(50, 2_000))] }))),
    'metrics: invalid UTF-8': () => metrics('application/json', Buffer.concat([Buffer.from('{"events":[{"eventId":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}]}')])),
    'metrics: 10,000 unknown fields': () => {
      const e: Record<string, unknown> = validEvent();
      for (let i = 0; i < 10_000; i++) e[`f${i}`] = i;
      return metrics('application/json', Buffer.from(JSON.stringify({ events: [e] })));
    },
    'metrics: not JSON': () => metrics(pick(['application/json', 'application/x-ndjson']), bytes(int(1, 2048))),
    'metrics: wrong media type': () => metrics(pick(['text/plain', 'application/xml', 'multipart/form-data']), Buffer.from(JSON.stringify({ events: [validEvent()] }))),
    'metrics: empty or wrong shape': () => metrics('application/json', Buffer.from(pick(['', '{}', '[]', 'null', '{"events":[]}', '{"events":{}}', '"x"']))),
  };
  const family = pick(Object.keys(gens));
  return { family, req: gens[family]!() };
}

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

    // Every bad case drawn before the first is sent: the seed alone decides what runs.
    const N = 1_100;
    const cases = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? uploadCase() : metricsCase()));

    // Valid traffic alongside the fuzz: every one of these must still be accepted. Its mix
    // alternates rather than drawing from the seeded generator, whose draws are spent above.
    let stop = false;
    const valid = { ok: 0, bad: 0 };
    const validLoop = (async () => {
      for (let k = 0; !stop; k++) {
        const r = await sendReq(k % 5 === 4 ? upload('audio/wav', toneWav(0.2)) : metrics('application/json', Buffer.from(JSON.stringify({ events: [validEvent()] }))));
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

    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          const c = cases[i]!;
          const r = await sendReq(c.req);
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
          let outcome: string;
          let json = false;
          try {
            json = r.contentType.startsWith('application/json') && typeof JSON.parse(r.body).error?.code === 'string';
          } catch {
            json = false;
          }
          if (r.status >= 400 && r.status < 500 && json) outcome = `${r.status} ${JSON.parse(r.body).error.code}`;
          else if (r.status === -1) outcome = 'connection closed after refusal';
          else {
            outcome = `UNEXPECTED ${r.status}`;
            failures.push(`#${i} ${c.family}: ${r.status} ${r.body.slice(0, 200)}`);
          }
          count(c.family, outcome);
        }
      }),
    );

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
    count('upload: 10-hour silent WAV', longWav.status === 413 ? '413 payload_too_large' : longWav.status === -1 ? 'connection closed after refusal' : `UNEXPECTED ${longWav.status}`);
    // 10 MB metrics body.
    const huge = await sendReq(metrics('application/json', Buffer.from(JSON.stringify({ events: [{ ...validEvent(), pad: 'x'.repeat(10 * 1024 * 1024) }] }))));
    count('metrics: 10 MB body', huge.status === 413 ? '413 payload_too_large' : huge.status === -1 ? 'connection closed after refusal' : `UNEXPECTED ${huge.status}`);

    const lorisResults = await Promise.all(loris);
    stop = true;
    await validLoop;
    const health = await send('GET', '/readyz', {});

    const rows = [...outcomes].flatMap(([family, m]) => [...m].map(([outcome, n]) => ({ family, outcome, n })));
    console.log(`\n[fuzz] seed=${SEED} cases=${rows.reduce((a, r) => a + r.n, 0)} (+${lorisResults.length} slow-loris connections: ${lorisResults.filter((r) => r === 'closed by server').length} dropped by the server)`);
    console.table(rows);
    console.log(`[fuzz] valid traffic meanwhile: ${valid.ok} accepted, ${valid.bad} not; RSS ${Math.round(rssBefore / 2 ** 20)} → peak ${Math.round(rssPeak / 2 ** 20)} MB; readyz ${health.status}`);

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
