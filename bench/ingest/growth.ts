/**
 * Growth benchmark: does the cost of ingesting and reading stay flat as the data grows? Preloads a
 * throwaway database, through the ingest lib's own writer, to each size in `--sizes` (events spread
 * over a year for thousands of users, rollups and sessions included), and at each size measures
 * ingestion through the same flush path, the read API through a real gateway process, and CSV
 * export memory. The baseline is the first size, measured in the same run. See README.md.
 *
 *   npm run bench:growth                                   # 1M, 10M, 50M (long: hours on 2 cores)
 *   npm run bench:growth -- --sizes 1000000,2000000        # the quick version
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { createDatabase, runMigrations } from '@voicepulse/db';
import { generateSeedEvents, MetricsWriter } from '@voicepulse/ingest';
import { createTestDatabase, deleteRedisPrefix, freePort } from '@voicepulse/testing';
import { percentile } from './http-load';
import { backendPids, cpuByPid, cpuDelta, peakRssMb, resetPeakRss, rssMb } from './proc-stats';
import { serviceToken, startGateway, stopAllServices, type Gateway } from './services';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: process.env.GROWTH_SIZES ?? '1000000,10000000,50000000' },
    users: { type: 'string', default: '5000' },
    days: { type: 'string', default: '365' },
    seed: { type: 'string', default: '20261202' },
    /** Events per writer call while preloading, and how many calls run at once. */
    'preload-batch': { type: 'string', default: '50000' },
    'preload-concurrency': { type: 'string', default: '2' },
    /** Fresh events ingested (and timed) at each size, in the ingestor's default flush shape. */
    'ingest-events': { type: 'string', default: '200000' },
    'ingest-batch': { type: 'string', default: '20000' },
    'flush-concurrency': { type: 'string', default: '2' },
    /** Timed requests per read endpoint and granularity at each size. */
    samples: { type: 'string', default: '100' },
    'page-users': { type: 'string', default: '5' },
    'page-size': { type: 'string', default: '100' },
    'export-users': { type: 'string', default: '10' },
    'hour-days': { type: 'string', default: '31' },
    /** Stop preloading when the filesystem holding Postgres has less than this many GB free. */
    'min-free-gb': { type: 'string', default: '10' },
  },
});
const int = (k: keyof typeof values) => Number(values[k]);
const SIZES = String(values.sizes)
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const SEED = int('seed');
const USERS = int('users');
const DAYS = int('days');
const SAMPLES = int('samples');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (msg: string) => console.log(`[growth ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const pgDataDir = process.env.PGDATA_DIR ?? '/var/lib/postgresql';

const tdb = await createTestDatabase({ prefix: 'growth', migrate: runMigrations });
const database = createDatabase(tdb.url, { max: int('preload-concurrency') + 2, applicationName: 'bench-growth' });
const writer = new MetricsWriter(database.pool, { retentionDays: DAYS + 30 });
const prefix = `vpgrowth:${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const work = await mkdtemp(path.join(tmpdir(), 'vp-growth-'));
const jwtSecret = randomBytes(32).toString('hex');
let gateway: Gateway | undefined;

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  // The database first (forcibly, so in-flight writes cannot hold it): it is what fills the disk.
  await tdb.drop().catch((err: unknown) => console.error(`could not drop ${tdb.name}:`, err));
  await stopAllServices();
  await database.close().catch(() => undefined);
  await deleteRedisPrefix(prefix).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
}
// A long run stopped by hand must not leave tens of GB behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: dropping ${tdb.name}`);
    // Writes in flight fail once their connections are gone; that is expected while stopping.
    process.on('unhandledRejection', () => undefined);
    void cleanup().then(() => process.exit(130));
  });
}

async function freeGb(): Promise<number> {
  const s = await statfs(pgDataDir).catch(() => statfs('/'));
  return (s.bavail * s.bsize) / 1e9;
}
async function dbSizeGb(): Promise<number> {
  const { rows } = await database.pool.query<{ b: string }>('select pg_database_size(current_database()) as b');
  return Number(rows[0]!.b) / 1e9;
}

/** One writer call, retried on transient errors (two preload writers can deadlock on shared rollup rows). */
async function writeRetrying(batch: readonly NormalizedMetricEvent[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await writer.write(batch);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      log(`write retry ${attempt}: ${(err as Error).message}`);
    }
  }
}

/** `n` writer workers pulling batches from one generator until `target` events are written. */
async function drain(
  source: Iterator<NormalizedMetricEvent[]>,
  concurrency: number,
  target: number,
  progress?: (written: number) => Promise<void>,
): Promise<number> {
  let taken = 0;
  let written = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (taken < target) {
        const next = source.next();
        if (next.done) return;
        taken += next.value.length;
        await writeRetrying(next.value);
        written += next.value.length;
        await progress?.(written);
      }
    }),
  );
  return written;
}

function get(gw: Gateway, token: string, pathAndQuery: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: gw.port, path: pathAndQuery, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
      })
      .on('error', reject);
  });
}

/** Streams a response, counting bytes and lines without keeping it. */
function stream(gw: Gateway, token: string, pathAndQuery: string): Promise<{ bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: gw.port, path: pathAndQuery, headers: { authorization: `Bearer ${token}` } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
        let bytes = 0;
        let lines = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
          for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve({ bytes, lines }));
      })
      .on('error', reject);
  });
}

/** The gateway's V8 heap in use, from its Prometheus endpoint (prom-client default metrics). */
async function gatewayHeapMb(healthPort: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then((r) => r.text()).catch(() => '');
  const m = /^voicepulse_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text);
  if (!m) throw new Error(`no heap metric on the gateway's /metrics: ${text.slice(0, 300)}`);
  return Number(m[1]) / 1e6;
}

const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), n: xs.length });
type Stats = ReturnType<typeof stats>;
interface Point {
  size: number;
  stored: number;
  dbGb: number;
  preloadRate: number;
  ingestRate: number;
  ingestPgUs: number;
  ingestWriterUs: number;
  hourPlan: { ms: number; buffers: number };
  deepPlan: { ms: number; buffers: number };
  summary: Record<'day' | 'week' | 'hour', Stats>;
  pages: Stats;
  deepPages: Stats;
  session: Stats;
  exportRowsPerS: number;
  exportMbPerS: number;
  exportRssGrowthMb: number;
  exportHeapGrowthMb: number;
}

/** Prints the plan; returns the execution time and the top node's shared buffers (hit + read). */
async function explain(label: string, sql: string, params: unknown[]): Promise<{ ms: number; buffers: number }> {
  const { rows } = await database.pool.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers) ${sql}`,
    params,
  );
  const lines = rows.map((r) => r['QUERY PLAN']);
  console.log(`  EXPLAIN ANALYZE ${label}:\n${lines.map((l) => `    ${l}`).join('\n')}`);
  const ms = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN);
  const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(lines.slice(0, 3).join('\n'));
  return { ms, buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0) };
}

async function measure(size: number, index: number, preloadRate: number, healthPort: number): Promise<Point> {
  const gw = gateway!;
  const token = await serviceToken(jwtSecret, 'admin', 'bench-admin');
  log(`analyze at ${fmt(size)}`);
  await database.pool.query('analyze');

  // Ingestion: fresh events of the last day (where live traffic lands), the ingestor's default flush shape.
  const fresh = [
    ...generateSeedEvents({ users: USERS, days: 1, events: int('ingest-events'), seed: SEED + 1 + index }, int('ingest-batch')),
  ];
  // CPU of this database's own backends and of the writer (this process): on a shared machine the
  // rate measures the neighbours too, the CPU per event much less so.
  const pgBefore = await cpuByPid(await backendPids(database.pool, tdb.name));
  const selfBefore = process.cpuUsage();
  const t0 = performance.now();
  const ingested = await drain(fresh[Symbol.iterator](), int('flush-concurrency'), Infinity);
  const ingestRate = ingested / ((performance.now() - t0) / 1000);
  const self = process.cpuUsage(selfBefore);
  const pgCpu = cpuDelta(pgBefore, await cpuByPid(await backendPids(database.pool, tdb.name)));
  const ingestPgUs = (pgCpu * 1e6) / ingested;
  const ingestWriterUs = (self.user + self.system) / ingested;
  log(`ingest at ${fmt(size)}: ${fmt(ingestRate)} events/s, Postgres ${ingestPgUs.toFixed(1)} + writer ${ingestWriterUs.toFixed(1)} CPU-µs per event`);

  const { rows: userRows } = await database.pool.query<{ id: string }>('select id from users order by id');
  // Deterministic spread over the users (a stride coprime with any count here), not the first few.
  const userAt = (i: number) => userRows[(i * 7919 + 13) % userRows.length]!.id;
  const now = new Date();
  const yearAgo = new Date(now.getTime() - DAYS * 86_400_000).toISOString();
  const hourFrom = new Date(now.getTime() - int('hour-days') * 86_400_000).toISOString();
  const to = now.toISOString();

  const summary = {} as Point['summary'];
  for (const granularity of ['day', 'week', 'hour'] as const) {
    const from = granularity === 'hour' ? hourFrom : yearAgo;
    const times: number[] = [];
    for (let i = -5; i < SAMPLES; i++) {
      const q = new URLSearchParams({ from, to, granularity, userId: userAt(i + 5) });
      const r = await get(gw, token, `/v1/metrics/summary?${q}`);
      if (r.status !== 200) throw new Error(`summary ${granularity}: ${r.status} ${r.body.slice(0, 300)}`);
      if (i >= 0) times.push(r.ms); // the first five warm the connection pool
    }
    summary[granularity] = stats(times);
  }

  // Keyset pages over a whole year for a few users, newest first, to the end of each keyset.
  const pageTimes: number[] = [];
  const deepTimes: number[] = [];
  let deepest = { user: '', cursor: '' };
  for (let u = 0; u < int('page-users'); u++) {
    const userId = userAt(1000 + u);
    let cursor: string | null = null;
    const mine: number[] = [];
    do {
      const q = new URLSearchParams({ from: yearAgo, to, limit: values['page-size']!, userId });
      if (cursor) q.set('cursor', cursor);
      const r = await get(gw, token, `/v1/metrics/events?${q}`);
      if (r.status !== 200) throw new Error(`events page: ${r.status} ${r.body.slice(0, 300)}`);
      mine.push(r.ms);
      if (cursor) deepest = { user: userId, cursor };
      cursor = (JSON.parse(r.body) as { nextCursor: string | null }).nextCursor;
    } while (cursor);
    pageTimes.push(...mine);
    deepTimes.push(...mine.slice(Math.floor(mine.length / 2)));
  }

  // A user's latest session, for users spread over the set (the detail a user opens most).
  const sessionRows: { id: string }[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const { rows } = await database.pool.query<{ id: string }>(
      `select session_id as id from metric_events where user_id = $1 and session_id is not null
        order by recorded_at desc limit 1`,
      [userAt(3000 + i)],
    );
    if (rows[0]) sessionRows.push(rows[0]);
  }
  const sessionTimes: number[] = [];
  for (const { id } of sessionRows) {
    const r = await get(gw, token, `/v1/sessions/${id}`);
    if (r.status !== 200) throw new Error(`session detail: ${r.status} ${r.body.slice(0, 300)}`);
    sessionTimes.push(r.ms);
  }

  // CSV export: a year of events per user, one after another; memory of the gateway meanwhile.
  const pid = gw.proc.child.pid;
  const rssBefore = await rssMb(pid);
  const heapBefore = await gatewayHeapMb(healthPort);
  await resetPeakRss(pid);
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    void gatewayHeapMb(healthPort).then(
      (h) => (heapPeak = Math.max(heapPeak, h)),
      () => undefined,
    );
  }, 100);
  let bytes = 0;
  let rows = 0;
  const e0 = performance.now();
  for (let u = 0; u < int('export-users'); u++) {
    const q = new URLSearchParams({ from: yearAgo, to, userId: userAt(2000 + u) });
    const r = await stream(gw, token, `/v1/metrics/export.csv?${q}`);
    bytes += r.bytes;
    rows += r.lines - 1; // header line
  }
  const exportS = (performance.now() - e0) / 1000;
  clearInterval(sampler);
  const rssPeak = await peakRssMb(pid);

  // Plans at this size of the statements behind the endpoints above (libs/ingest queries.ts).
  const probe = userAt(5);
  const hourPlan = await explain(
    'hour series (31 days)',
    `select date_trunc('hour', recorded_at at time zone 'UTC') at time zone 'UTC', count(*), count(distinct session_id),
            sum(talked_time_ms), count(*) filter (where microphone_used), count(*) filter (where speaker_used), sum(voice_sentiment)
       from metric_events where user_id = $1 and recorded_at >= $2 and recorded_at < $3 group by 1 order by 1`,
    [probe, hourFrom, to],
  );
  let deepPlan = { ms: NaN, buffers: NaN };
  if (deepest.cursor) {
    const [at, id] = JSON.parse(Buffer.from(deepest.cursor, 'base64url').toString('utf8')) as [string, string];
    deepPlan = await explain(
      'deepest events page',
      `select * from metric_events where user_id = $1 and recorded_at >= $2 and recorded_at < $3
          and (recorded_at, event_id) < ($4::timestamptz, $5::uuid) order by recorded_at desc, event_id desc limit 101`,
      [deepest.user, yearAgo, to, at, id],
    );
  }

  const { rows: counted } = await database.pool.query<{ n: string }>('select count(*) as n from metric_events');
  return {
    size,
    stored: Number(counted[0]!.n),
    dbGb: await dbSizeGb(),
    preloadRate,
    ingestRate,
    ingestPgUs,
    ingestWriterUs,
    hourPlan,
    deepPlan,
    summary,
    pages: stats(pageTimes),
    deepPages: stats(deepTimes),
    session: stats(sessionTimes),
    exportRowsPerS: rows / exportS,
    exportMbPerS: bytes / 1e6 / exportS,
    exportRssGrowthMb: rssPeak - rssBefore,
    exportHeapGrowthMb: heapPeak - heapBefore,
  };
}

function table(points: Point[]) {
  const base = points[0]!;
  const ms = (s: Stats) => `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)}`;
  const lines = [
    '| events preloaded | rows stored | DB size | preload events/s | ingest events/s (× 1st) | ingest CPU-µs/event Postgres + writer | summary day p50/p95 ms | week p50/p95 | hour p50/p95 | hour SQL ms (buffers) | events page p50/p95 (deep half p95) | deepest page SQL ms (buffers) | session detail p50/p95 | CSV export rows/s, MB/s | export RSS / heap growth MB |',
    '|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|---|---|---|',
    ...points.map(
      (p) =>
        `| ${fmt(p.size)} | ${fmt(p.stored)} | ${p.dbGb.toFixed(1)} GB | ${fmt(p.preloadRate)} | ${fmt(p.ingestRate)} (${(p.ingestRate / base.ingestRate).toFixed(2)}) | ${p.ingestPgUs.toFixed(1)} + ${p.ingestWriterUs.toFixed(1)} | ` +
        `${ms(p.summary.day)} | ${ms(p.summary.week)} | ${ms(p.summary.hour)} | ${p.hourPlan.ms.toFixed(1)} (${p.hourPlan.buffers}) | ${ms(p.pages)} (${p.deepPages.p95.toFixed(1)}) | ${p.deepPlan.ms.toFixed(1)} (${p.deepPlan.buffers}) | ${ms(p.session)} | ` +
        `${fmt(p.exportRowsPerS)}, ${p.exportMbPerS.toFixed(1)} | ${p.exportRssGrowthMb} / ${p.exportHeapGrowthMb.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}

function goals(points: Point[]) {
  const base = points[0]!;
  const last = points[points.length - 1]!;
  const ingest = last.ingestRate >= 0.85 * base.ingestRate;
  const cpuRatio = (last.ingestPgUs + last.ingestWriterUs) / (base.ingestPgUs + base.ingestWriterUs);
  const worstSummary = Math.max(...points.flatMap((p) => Object.values(p.summary).map((s) => s.p95)));
  // Constant: the export's memory growth does not follow the row count (within 20 MB of the first size's).
  const memory = points.every((p) => Math.abs(p.exportRssGrowthMb - base.exportRssGrowthMb) <= 20);
  return [
    `ingestion at ${fmt(last.size)} within 15 % of ${fmt(base.size)}: ${ingest ? 'MET' : 'NOT MET'} (${(last.ingestRate / base.ingestRate).toFixed(2)} ×; CPU per event ${cpuRatio.toFixed(2)} × — the figure to trust on a shared machine)`,
    `summary p95 ≤ 50 ms at every size: ${worstSummary <= 50 ? 'MET' : 'NOT MET'} (worst p95 ${worstSummary.toFixed(1)} ms)`,
    `export memory constant: ${memory ? 'MET' : 'NOT MET'} (RSS growth ${points.map((p) => p.exportRssGrowthMb).join(', ')} MB)`,
  ].join('\n');
}

try {
  log(
    `database ${tdb.name}; sizes ${SIZES.map(fmt).join(', ')}; ${USERS} users over ${DAYS} days; seed ${SEED} ` +
      `(printed so a run can be repeated exactly); preload ${values['preload-concurrency']} writers × ${values['preload-batch']} events; ` +
      `ingest ${values['ingest-events']} fresh events per size in batches of ${values['ingest-batch']}, ${values['flush-concurrency']} at once (MetricsWriter, the ingestor's flush path); ${fmt(await freeGb())} GB free`,
  );
  const healthPort = await freePort();
  gateway = await startGateway(
    { databaseUrl: tdb.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: prefix },
    // Rate limiting off: the bench is one admin sending thousands of reads.
    { jwtSecret, blobRoot: path.join(work, 'blobs'), extraEnv: { RATE_LIMIT_PER_MINUTE: '0', HEALTH_PORT: String(healthPort) } },
  );
  const source = generateSeedEvents(
    { users: USERS, days: DAYS, events: SIZES[SIZES.length - 1]!, seed: SEED },
    int('preload-batch'),
  )[Symbol.iterator]();
  const points: Point[] = [];
  let loaded = 0;
  for (const [index, size] of SIZES.entries()) {
    const p0 = performance.now();
    const start = loaded;
    let lastReport = loaded;
    let stopped = false;
    loaded += await drain(source, int('preload-concurrency'), size - loaded, async (written) => {
      if (start + written - lastReport < 1_000_000) return;
      lastReport = start + written;
      const free = await freeGb();
      log(
        `preloaded ${fmt(lastReport)} (${fmt(written / ((performance.now() - p0) / 1000))} events/s), database ${(await dbSizeGb()).toFixed(1)} GB, ${free.toFixed(0)} GB free`,
      );
      if (free < int('min-free-gb') && !stopped) {
        stopped = true;
        throw new Error(`less than ${values['min-free-gb']} GB free: stopping before the disk fills`);
      }
    });
    const preloadRate = (loaded - start) / ((performance.now() - p0) / 1000);
    points.push(await measure(size, index, preloadRate, healthPort));
    console.log(`\n${table(points)}\n`);
  }
  console.log(`growth benchmark, ${new Date().toISOString()}\n${table(points)}\n\n${goals(points)}`);
} finally {
  await cleanup();
}
