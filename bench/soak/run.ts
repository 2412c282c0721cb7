/**
 * `npm run bench:soak -- [--minutes 10] [--metrics-rps 20] [--uploads-per-min 30]`
 *
 * Mixed load on the real services (gateway, transcoder, scorer, ingestor as processes) over
 * loopback: metric batches at a fixed rate and WAV uploads, open-loop so a slow server shows up
 * as latency rather than as politely reduced load. Prints throughput, p50/p99, error rate and the
 * services' RSS over time. No assertions: the figures are the output.
 */
import { encodeWavPcm16 } from '@voicepulse/audio';
import { runMigrations } from '@voicepulse/db';
import {
  createTestDatabase,
  deleteRedisPrefix,
  freePort,
  startNodeService,
  uniquePrefix,
  waitFor,
  type ServiceProcess,
} from '@voicepulse/testing';
import { SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'metrics-rps': { type: 'string', default: '20' },
    'events-per-batch': { type: 'string', default: '50' },
    'uploads-per-min': { type: 'string', default: '30' },
  },
});
const minutes = Number(values.minutes);
const metricsRps = Number(values['metrics-rps']);
const eventsPerBatch = Number(values['events-per-batch']);
const uploadsPerMin = Number(values['uploads-per-min']);
// Bounded in flight: past this the generator counts a "shed" request instead of piling up sockets.
const MAX_IN_FLIGHT = 200;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// NODE_ENV=production below refuses published secrets.
const secret = randomBytes(32).toString('hex');
const db = await createTestDatabase({ prefix: 'soak', migrate: runMigrations });
const prefix = uniquePrefix('soak');
const fsRoot = await mkdtemp(path.join(tmpdir(), 'vp-soak-'));
const port = await freePort();
const env: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: db.url,
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: prefix,
  AUTH_JWT_SECRET: secret,
  STORAGE_DRIVER: 'fs',
  STORAGE_FS_ROOT: fsRoot,
  METADATA_SERVER_DETECTION: 'none',
  RATE_LIMIT_PER_MINUTE: '0',
  HEALTH_PORT: '0',
};
const services: ServiceProcess[] = [
  startNodeService('gateway', path.join(root, 'apps/gateway/src/main.ts'), {
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
  }),
  ...(['transcoder', 'scorer', 'ingestor'] as const).map((n) =>
    startNodeService(n, path.join(root, 'apps', n, 'src/main.ts'), env),
  ),
];
const base = `http://127.0.0.1:${port}`;
const sql = new pg.Pool({ connectionString: db.url, max: 2 });

async function cleanup() {
  await Promise.all(services.map((s) => s.stop()));
  await sql.end().catch(() => undefined);
  await rm(fsRoot, { recursive: true, force: true });
  await deleteRedisPrefix(prefix).catch(() => undefined);
  await db.drop().catch((err) => console.error('could not drop the soak database:', (err as Error).message));
}

try {
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, {
    what: 'gateway ready',
    timeoutMs: 60_000,
  }).catch((err) => {
    throw new Error(`${(err as Error).message}\n${services[0]!.output().slice(-2000)}`);
  });
  const token = await new SignJWT({ role: 'user' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('soak-user')
    .setIssuer('voicepulse')
    .setAudience('voicepulse-api')
    .setExpirationTime(`${minutes + 10}m`)
    .sign(new TextEncoder().encode(secret));

  const tone = (() => {
    const sr = 16_000;
    const x = new Float32Array(sr * 3);
    for (let i = 0; i < x.length; i++)
      x[i] = (i % sr < sr * 0.6 ? 0.3 : 0.002) * Math.sin((2 * Math.PI * 220 * i) / sr);
    return encodeWavPcm16(x, sr);
  })();
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const stats = {
    metrics: { lat: [] as number[], ok: 0, err: 0, events: 0 },
    uploads: { lat: [] as number[], ok: 0, err: 0, ids: [] as string[] },
    shed: 0,
  };
  let inFlight = 0;
  const send = (method: string, urlPath: string, headers: Record<string, string>, body: Buffer) =>
    new Promise<{ status: number; body: string }>((resolve) => {
      const req = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          path: urlPath,
          method,
          headers: { ...headers, authorization: `Bearer ${token}`, 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: '' }));
      req.end(body);
    });
  const fire = async (kind: 'metrics' | 'uploads') => {
    if (inFlight >= MAX_IN_FLIGHT) return void stats.shed++;
    inFlight++;
    const t0 = performance.now();
    const s = stats[kind];
    try {
      if (kind === 'metrics') {
        const events = Array.from({ length: eventsPerBatch }, () => ({
          eventId: randomUUID(),
          talkedTimeMs: 30_000,
          microphoneUsed: true,
          speakerUsed: Math.random() < 0.5,
          voiceSentiment: Math.random() * 2 - 1,
          recordedAt: new Date(Date.now() - 60_000).toISOString(),
        }));
        const r = await send(
          'POST',
          '/v1/metrics',
          { 'content-type': 'application/json' },
          Buffer.from(JSON.stringify({ events })),
        );
        if (r.status === 202) {
          s.ok++;
          stats.metrics.events += eventsPerBatch;
        } else s.err++;
      } else {
        const r = await send(
          'POST',
          '/v1/recordings?microphoneUsed=true',
          { 'content-type': 'audio/wav' },
          tone,
        );
        if (r.status === 202) {
          s.ok++;
          stats.uploads.ids.push(JSON.parse(r.body).id);
        } else s.err++;
      }
    } finally {
      s.lat.push(performance.now() - t0);
      inFlight--;
    }
  };

  const rss: { t: number; [svc: string]: number }[] = [];
  const sampleRss = () => {
    const row: { t: number; [svc: string]: number } = { t: Math.round((Date.now() - started) / 1000) };
    for (const s of services) {
      try {
        const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.child.pid}/status`, 'utf8'));
        row[s.name] = Math.round(Number(m?.[1] ?? 0) / 1024);
      } catch {
        row[s.name] = -1;
      }
    }
    rss.push(row);
  };

  const started = Date.now();
  const endAt = started + minutes * 60_000;
  sampleRss();
  const timers = [
    setInterval(() => void fire('metrics'), 1000 / metricsRps),
    setInterval(() => void fire('uploads'), 60_000 / uploadsPerMin),
    setInterval(sampleRss, Math.max(5_000, (minutes * 60_000) / 20)),
  ];
  console.error(
    `soak: ${minutes} min, ${metricsRps} metric batches/s × ${eventsPerBatch} events, ${uploadsPerMin} uploads/min`,
  );
  await new Promise((r) => setTimeout(r, endAt - Date.now()));
  timers.forEach(clearInterval);
  await waitFor(() => inFlight === 0, { what: 'in-flight requests', timeoutMs: 60_000 });
  sampleRss();
  const elapsedS = (Date.now() - started) / 1000;

  // Drain: how far behind the pipeline was when the load stopped.
  const drainStart = Date.now();
  const countRows = async () =>
    Number((await sql.query('select count(*)::bigint n from metric_events')).rows[0].n);
  const expectedRows = stats.metrics.events + stats.uploads.ids.length;
  await waitFor(async () => (await countRows()) >= expectedRows, {
    what: 'ingest drain',
    timeoutMs: 300_000,
    intervalMs: 1000,
  }).catch(() => undefined);
  const drainS = (Date.now() - drainStart) / 1000;
  const { rows: recs } = await sql.query<{ status: string; n: string }>(
    'select status, count(*) n from recordings group by status',
  );

  const pct = (xs: number[], p: number) => {
    if (!xs.length) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
  };
  console.log(`\nsoak figures (${elapsedS.toFixed(0)} s, loopback, 2-core box)`);
  console.table(
    (['metrics', 'uploads'] as const).map((k) => {
      const s = stats[k];
      const n = s.ok + s.err;
      return {
        kind: k,
        requests: n,
        'req/s': Math.round((n / elapsedS) * 10) / 10,
        'p50 ms': pct(s.lat, 50),
        'p99 ms': pct(s.lat, 99),
        'error %': n ? Math.round((s.err / n) * 10_000) / 100 : 0,
      };
    }),
  );
  console.log(
    `metric events accepted: ${stats.metrics.events} (${Math.round(stats.metrics.events / elapsedS)} events/s); shed by the generator: ${stats.shed}`,
  );
  console.log(
    `metric rows in Postgres: ${await countRows()} of ${expectedRows} expected; drain after load: ${drainS.toFixed(1)} s`,
  );
  console.log(`recordings by status: ${recs.map((r) => `${r.status}=${r.n}`).join(', ')}`);
  console.log('RSS (MB) over time:');
  console.table(rss);
} finally {
  await cleanup();
}
