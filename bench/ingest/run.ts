/**
 * Ingestion benchmark: (a) raw COPY ceiling, (b) one-INSERT-per-POST baseline, (c) voicepulse end to
 * end (HTTP → gateway → BullMQ → ingestor → Postgres). Everything runs against a throwaway database
 * and Redis prefix; see README.md.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { createDatabase, runMigrations } from '@voicepulse/db';
import {
  copyLine,
  ensureMonthPartitions,
  generateSeedEvents,
  monthOf,
  STAGE_COLUMNS,
} from '@voicepulse/ingest';
import { createProducer, createRedis } from '@voicepulse/queues';
import {
  createTestDatabase,
  deleteRedisPrefix,
  freePort,
  startNodeService,
  waitFor,
  type ServiceProcess,
} from '@voicepulse/testing';
import { SignJWT } from 'jose';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { percentile, runLoad } from './http-load';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    concurrency: { type: 'string', default: '16' },
    'batch-size': { type: 'string', default: '5000' },
    'naive-events': { type: 'string', default: '20000' },
    users: { type: 'string', default: '1000' },
    days: { type: 'string', default: '20' },
    'ingest-batch': { type: 'string', default: '20000' },
    'flush-concurrency': { type: 'string', default: '2' },
    /** Extra NODE_OPTIONS for the gateway and ingestor, e.g. V8 heap flags to try. */
    'node-options': { type: 'string', default: '' },
    /** Directory for V8 CPU profiles of the gateway and ingestor (written when they exit). */
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values['batch-size']);
const NAIVE_N = Math.min(N, Number(values['naive-events']));
const SEED = { users: Number(values.users), days: Number(values.days), events: N, seed: 1 };
const JWT_SECRET = randomBytes(32).toString('hex');

const log = (msg: string) => console.log(`[bench] ${msg}`);
const rate = (n: number, s: number) => Math.round(n / s);
const fmt = (n: number) => n.toLocaleString('en-US');

/** Peak resident set of a live process, from the kernel's high-water mark. */
async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** CPU seconds (user + system) used so far by each process of interest, from /proc. */
async function cpuSeconds(pids: Record<string, number[]>): Promise<Record<string, number>> {
  const tick = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) {
    out[name] = 0;
    for (const pid of list) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] += (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / tick;
    }
  }
  return out;
}

/** CPU seconds the whole machine spent busy, and idle waiting for I/O, so far (from /proc/stat). */
async function machineCpuSeconds(): Promise<{ busy: number; iowait: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / 100, iowait: iowait! / 100 };
}

/** Pids whose command name is `comm` (Postgres backends come and go: sampled at both ends). */
async function pidsOf(comm: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() === comm) pids.push(Number(entry));
  }
  return pids;
}

function apiEvent(e: NormalizedMetricEvent) {
  // The documented camelCase shape a client sends (the service token names the user).
  return {
    eventId: e.eventId,
    userId: e.userId,
    sessionId: e.sessionId,
    deviceId: e.deviceId,
    talkedTimeMs: e.talkedTimeMs,
    microphoneUsed: e.microphoneUsed,
    speakerUsed: e.speakerUsed,
    voiceSentiment: e.voiceSentiment,
    recordedAt: e.recordedAt,
    timezone: e.timezone,
    platform: e.platform,
    appVersion: e.appVersion,
  };
}

const tdb = await createTestDatabase({ prefix: 'bench', migrate: runMigrations });
const prefix = `vpbench:${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const work = await mkdtemp(path.join(tmpdir(), 'vp-bench-'));
const database = createDatabase(tdb.url, { max: 2, applicationName: 'bench' });
const procs: ServiceProcess[] = [];

async function resetTables() {
  await database.pool.query(
    'truncate metric_events, metric_daily_rollups, metric_daily_sessions, sentiment_samples, metric_event_failures, session_participants, session_events, devices, sessions, users cascade',
  );
  await database.pool.query('vacuum analyze');
}

try {
  // Inputs are prepared up front so that generating them is not timed in any phase.
  log(`preparing ${fmt(N)} events (${SEED.users} users, ${SEED.days} days) in ${work}`);
  const copyFile = path.join(work, 'events.copy');
  const copyOut = await open(copyFile, 'w');
  const months = new Set<string>();
  const bodies: { file: string; retry: boolean }[] = [];
  const naive: Buffer[] = [];
  let i = 0;
  for (const batch of generateSeedEvents(SEED, BATCH)) {
    let text = '';
    for (const e of batch) {
      text += copyLine(e);
      months.add(monthOf(e.recordedAt));
      if (naive.length < NAIVE_N) naive.push(Buffer.from(JSON.stringify(e)));
    }
    await copyOut.write(text);
    const file = path.join(work, `body-${i}.json`);
    await writeFile(file, JSON.stringify({ events: batch.map(apiEvent) }));
    // Every 50th request is sent twice, as a client retry after a lost acknowledgement would be.
    bodies.push({ file, retry: i % 50 === 7 });
    i++;
  }
  await copyOut.close();
  await ensureMonthPartitions(database.pool, months);

  // (a) Postgres ceiling: one COPY of the same rows into the same (partitioned, indexed) table.
  log('(a) raw COPY');
  const client = await database.pool.connect();
  const a0 = performance.now();
  await pipeline(
    createReadStream(copyFile, { highWaterMark: 1 << 20 }),
    client.query(copyFrom(`copy metric_events (${STAGE_COLUMNS.join(', ')}) from stdin`)),
  );
  const aSeconds = (performance.now() - a0) / 1000;
  client.release();
  await resetTables();

  // (b) naive baseline on a sample (one row per request is far too slow for the full count).
  log(`(b) naive one-insert-per-POST server, ${fmt(NAIVE_N)} events`);
  const naivePort = await freePort();
  const naiveProc = startNodeService('naive', path.join(root, 'bench/ingest/naive-server.ts'), {
    DATABASE_URL: tdb.url,
    PORT: String(naivePort),
  });
  procs.push(naiveProc);
  await waitFor(() => naiveProc.output().includes('listening'), { what: 'naive server' });
  const b = await runLoad({
    url: `http://127.0.0.1:${naivePort}/events`,
    concurrency: CONCURRENCY,
    requests: NAIVE_N,
    headers: { 'content-type': 'application/json' },
    body: (k) => naive[k]!,
    expectStatus: 201,
  });
  const naiveRss = await peakRssMb(naiveProc.child.pid);
  await naiveProc.stop();
  const bStored = (await database.pool.query<{ n: number }>('select count(*)::int as n from metric_events'))
    .rows[0]!.n;
  await resetTables();

  // (c) voicepulse end to end.
  log('(c) voicepulse: gateway + ingestor processes');
  const gatewayPort = await freePort();
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: tdb.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    METADATA_SERVER_DETECTION: 'none',
    NODE_OPTIONS: [
      values['node-options'],
      values['cpu-prof'] ? `--import ${path.join(root, 'bench/ingest/cpu-profile.mjs')}` : '',
    ].join(' ').trim(),
    ...(values['cpu-prof'] ? { VP_CPU_PROF_DIR: path.resolve(values['cpu-prof']) } : {}),
  };
  const ingestor = startNodeService('ingestor', path.join(root, 'apps/ingestor/src/main.ts'), {
    ...common,
    HEALTH_PORT: String(await freePort()),
    DATABASE_POOL_MAX: '4',
    INGEST_BATCH_SIZE: values['ingest-batch'],
    INGEST_FLUSH_CONCURRENCY: values['flush-concurrency'],
  });
  const gateway = startNodeService('gateway', path.join(root, 'apps/gateway/src/main.ts'), {
    ...common,
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: JWT_SECRET,
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: path.join(work, 'blobs'),
    // Production refuses the repository's published development secret (issue 12).
    STORAGE_FS_SIGNING_SECRET: randomBytes(32).toString('hex'),
  });
  procs.push(ingestor, gateway);
  await waitFor(
    async () =>
      (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)
        .then((r) => r.ok)
        .catch(() => false)) || undefined,
    { what: `gateway ready (${gateway.output().slice(-500)})`, timeoutMs: 60_000, intervalMs: 250 },
  );
  const token = await new SignJWT({ role: 'ingest' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-ingest')
    .setIssuer('voicepulse')
    .setAudience('voicepulse-api')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));
  const requests = bodies.flatMap((body) => (body.retry ? [body.file, body.file] : [body.file]));
  const queueRedis = createRedis(common.REDIS_URL, 'producer');
  const queue = createProducer('metrics', queueRedis, prefix).queue;

  const cpuPids = async () => ({
    gateway: [gateway.child.pid!],
    ingestor: [ingestor.child.pid!],
    postgres: await pidsOf('postgres'),
    redis: await pidsOf('redis-server'),
    'bench driver': [process.pid],
  });
  const cpuBefore = await cpuSeconds(await cpuPids());
  const machineBefore = await machineCpuSeconds();
  const c0 = performance.now();
  const c = await runLoad({
    url: `http://127.0.0.1:${gatewayPort}/v1/metrics`,
    concurrency: CONCURRENCY,
    requests: requests.length,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: (k) => readFile(requests[k]!),
    expectStatus: 202,
  });
  const acceptSeconds = (performance.now() - c0) / 1000;
  // Jobs complete only after their rows commit: all jobs completed = all rows visible.
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      if (counts.failed)
        throw new Error(`${counts.failed} metrics jobs failed: ${ingestor.output().slice(-1000)}`);
      return (counts.completed ?? 0) >= bodies.length || undefined;
    },
    { what: 'all metrics jobs completed', timeoutMs: 30 * 60_000, intervalMs: 50 },
  );
  const cSeconds = (performance.now() - c0) / 1000;
  // Postgres backends that ended during the run are missed; the figure is a lower bound.
  const cpuAfter = await cpuSeconds(await cpuPids());
  const machineAfter = await machineCpuSeconds();
  const busy = machineAfter.busy - machineBefore.busy;
  const iowait = machineAfter.iowait - machineBefore.iowait;
  const cpu = Object.entries(cpuAfter)
    .map(([name, s]) => `${name} ${(s - (cpuBefore[name] ?? 0)).toFixed(1)}`)
    .join('   ');
  const ours = Object.entries(cpuAfter).reduce((sum, [name, s]) => sum + s - (cpuBefore[name] ?? 0), 0);
  const gatewayRss = await peakRssMb(gateway.child.pid);
  const ingestorRss = await peakRssMb(ingestor.child.pid);
  await queue.close();
  queueRedis.disconnect();

  const { rows } = await database.pool.query(
    `select count(*)::int as stored, count(distinct event_id)::int as distinct_ids,
            (select coalesce(sum(events), 0)::int from metric_daily_rollups) as rolled_up,
            (select count(*)::int from metric_event_failures) as failed
       from metric_events`,
  );
  const check = rows[0] as { stored: number; distinct_ids: number; rolled_up: number; failed: number };

  const aRate = rate(N, aSeconds);
  const bRate = rate(NAIVE_N, b.seconds);
  const cRate = rate(N, cSeconds);
  const retried = requests.length - bodies.length;
  console.log(`
voicepulse ingestion benchmark — ${fmt(N)} events, ${SEED.users} users over ${SEED.days} days, concurrency ${CONCURRENCY}, ${BATCH} events per request, INGEST_BATCH_SIZE ${values['ingest-batch']}, INGEST_FLUSH_CONCURRENCY ${values['flush-concurrency']}
  (a) raw COPY into metric_events          ${fmt(aRate).padStart(9)} events/s  (${aSeconds.toFixed(1)} s)
  (b) naive one INSERT per POST            ${fmt(bRate).padStart(9)} events/s  (${fmt(NAIVE_N)} events in ${b.seconds.toFixed(1)} s, ${b.failures} failed, ${fmt(bStored)} stored)
  (c) voicepulse end to end                ${fmt(cRate).padStart(9)} events/s  (${cSeconds.toFixed(1)} s until every row committed; all requests accepted after ${acceptSeconds.toFixed(1)} s)
  ratios                                   (c)/(a) = ${(cRate / aRate).toFixed(2)}   (c)/(b) = ${(cRate / bRate).toFixed(1)}
  HTTP accept latency (c), ${requests.length} requests  p50 ${percentile(c.latenciesMs, 50).toFixed(0)} ms   p99 ${percentile(c.latenciesMs, 99).toFixed(0)} ms   (${c.failures} non-202)
  HTTP latency (b)                         p50 ${percentile(b.latenciesMs, 50).toFixed(1)} ms   p99 ${percentile(b.latenciesMs, 99).toFixed(1)} ms
  CPU seconds during (c)                   ${cpu}     everything else ${(busy - ours).toFixed(1)}   idle ${(cpus().length * cSeconds - busy).toFixed(1)} (of which waiting for I/O ${iowait.toFixed(1)})   (${cpus().length} cores × ${cSeconds.toFixed(1)} s; postgres = all its processes)
  peak RSS                                 gateway ${gatewayRss} MB   ingestor ${ingestorRss} MB   naive server ${naiveRss} MB   bench driver ${Math.round(process.resourceUsage().maxRSS / 1024)} MB
  count check                              sent ${fmt(N)} (+${retried} retried requests, ${fmt(retried * BATCH)} duplicate events)   stored ${fmt(check.stored)}   distinct ${fmt(check.distinct_ids)}   duplicates ${fmt(check.stored - check.distinct_ids)}   in rollups ${fmt(check.rolled_up)}   failed ${check.failed}
  result                                   ${check.stored === N && check.distinct_ids === N && check.rolled_up === N ? 'OK: sent = stored, 0 duplicates' : 'MISMATCH'}
`);
  if (check.stored !== N || check.distinct_ids !== N) process.exitCode = 1;
} finally {
  for (const p of procs) await p.stop().catch(() => undefined);
  await database.close();
  await deleteRedisPrefix(prefix).catch(() => undefined);
  await tdb.drop();
  await rm(work, { recursive: true, force: true });
}
