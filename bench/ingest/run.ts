/**
 * Ingestion benchmark: (a) raw COPY ceiling, (b) one-INSERT-per-POST baseline, (c) voicepulse end to
 * end (HTTP → gateway → BullMQ → ingestor → Postgres). Everything runs against a throwaway database
 * and Redis prefix; see README.md.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
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
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { percentile, runLoad } from './http-load';
import { cpuSeconds, machineCpuSeconds, peakRssMb, pidsOf } from './proc-stats';
import { root, serviceToken, startGateway, startIngestor, type BenchEnv, type Gateway } from './services';

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
    /** Replicas of each service (separate processes) in (c), for the scale-out curve. */
    gateways: { type: 'string', default: '1' },
    ingestors: { type: 'string', default: '1' },
    /** Which phases to run: a scale-out series needs only (c). */
    phases: { type: 'string', default: 'abc' },
  },
});
const N = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values['batch-size']);
const NAIVE_N = Math.min(N, Number(values['naive-events']));
const SEED = { users: Number(values.users), days: Number(values.days), events: N, seed: 1 };
const JWT_SECRET = randomBytes(32).toString('hex');
const GATEWAYS = Number(values.gateways);
const INGESTORS = Number(values.ingestors);
const PHASES = new Set(values.phases);

const log = (msg: string) => console.log(`[bench] ${msg}`);
const rate = (n: number, s: number) => Math.round(n / s);
const fmt = (n: number) => n.toLocaleString('en-US');

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
  let aSeconds = NaN;
  if (PHASES.has('a')) {
    log('(a) raw COPY');
    const client = await database.pool.connect();
    const a0 = performance.now();
    await pipeline(
      createReadStream(copyFile, { highWaterMark: 1 << 20 }),
      client.query(copyFrom(`copy metric_events (${STAGE_COLUMNS.join(', ')}) from stdin`)),
    );
    aSeconds = (performance.now() - a0) / 1000;
    client.release();
    await resetTables();
  }

  // (b) naive baseline on a sample (one row per request is far too slow for the full count).
  let b: Awaited<ReturnType<typeof runLoad>> = { seconds: NaN, latenciesMs: [], failures: 0, statuses: {}, retries: 0 };
  let naiveRss = NaN;
  let bStored = 0;
  if (PHASES.has('b')) {
    log(`(b) naive one-insert-per-POST server, ${fmt(NAIVE_N)} events`);
    const naivePort = await freePort();
    const naiveProc = startNodeService('naive', path.join(root, 'bench/ingest/naive-server.ts'), {
      DATABASE_URL: tdb.url,
      PORT: String(naivePort),
    });
    procs.push(naiveProc);
    await waitFor(() => naiveProc.output().includes('listening'), { what: 'naive server' });
    b = await runLoad({
      url: `http://127.0.0.1:${naivePort}/events`,
      concurrency: CONCURRENCY,
      requests: NAIVE_N,
      headers: { 'content-type': 'application/json' },
      body: (k) => naive[k]!,
      expectStatus: 201,
    });
    naiveRss = await peakRssMb(naiveProc.child.pid);
    await naiveProc.stop();
    bStored = (await database.pool.query<{ n: number }>('select count(*)::int as n from metric_events'))
      .rows[0]!.n;
    await resetTables();
  }

  // (c) voicepulse end to end.
  log(`(c) voicepulse: ${GATEWAYS} gateway + ${INGESTORS} ingestor processes`);
  const env: BenchEnv = {
    databaseUrl: tdb.url,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: prefix,
    nodeOptions: values['node-options'],
    cpuProfDir: values['cpu-prof'],
  };
  const ingestors: ServiceProcess[] = [];
  for (let k = 0; k < INGESTORS; k++) {
    const p = await startIngestor(env, {
      name: `ingestor-${k}`,
      batchSize: values['ingest-batch']!,
      flushConcurrency: values['flush-concurrency']!,
    });
    ingestors.push(p);
    procs.push(p);
  }
  // One after another, each registered for the final stop before the next starts (none orphaned).
  const gateways: Gateway[] = [];
  for (let k = 0; k < GATEWAYS; k++) {
    const g = await startGateway(env, { name: `gateway-${k}`, jwtSecret: JWT_SECRET, blobRoot: path.join(work, 'blobs') });
    gateways.push(g);
    procs.push(g.proc);
  }
  const token = await serviceToken(JWT_SECRET, 'ingest', 'bench-ingest');
  const requests = bodies.flatMap((body) => (body.retry ? [body.file, body.file] : [body.file]));
  const queueRedis = createRedis(env.redisUrl, 'producer');
  const queue = createProducer('metrics', queueRedis, prefix).queue;

  const cpuPids = async () => ({
    gateway: gateways.map((g) => g.proc.child.pid!),
    ingestor: ingestors.map((p) => p.child.pid!),
    postgres: await pidsOf('postgres'),
    redis: await pidsOf('redis-server'),
    'bench driver': [process.pid],
  });
  const cpuBefore = await cpuSeconds(await cpuPids());
  const machineBefore = await machineCpuSeconds();
  const c0 = performance.now();
  const c = await runLoad({
    // Client connections spread over the replicas, as a Service's round robin would.
    url: gateways.map((g) => `http://127.0.0.1:${g.port}/v1/metrics`),
    concurrency: CONCURRENCY,
    requests: requests.length,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: (k) => readFile(requests[k]!),
    expectStatus: 202,
    retryUnavailable: true,
  });
  const acceptSeconds = (performance.now() - c0) / 1000;
  // A refused request is never enqueued: waiting for its job would only run into the timeout.
  if (c.failures)
    throw new Error(
      `${c.failures} requests were not accepted (${JSON.stringify(c.statuses)}): ${gateways[0]!.proc.output().slice(-1500)}`,
    );
  // Jobs complete only after their rows commit: all jobs completed = all rows visible.
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      if (counts.failed)
        throw new Error(`${counts.failed} metrics jobs failed: ${ingestors[0]!.output().slice(-1000)}`);
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
  const maxRss = async (ps: ServiceProcess[]) => Math.max(...(await Promise.all(ps.map((p) => peakRssMb(p.child.pid)))));
  const gatewayRss = await maxRss(gateways.map((g) => g.proc));
  const ingestorRss = await maxRss(ingestors);
  // What carries over to other machines: CPU per event of each component (all its replicas).
  const perEvent = Object.entries(cpuAfter)
    .map(([name, s]) => `${name} ${(((s - (cpuBefore[name] ?? 0)) * 1e6) / N).toFixed(1)}`)
    .join('   ');
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
  HTTP accept latency (c), ${requests.length} requests  p50 ${percentile(c.latenciesMs, 50).toFixed(0)} ms   p99 ${percentile(c.latenciesMs, 99).toFixed(0)} ms   (${c.failures} non-202; ${c.retries} attempts answered 503 and retried)
  HTTP latency (b)                         p50 ${percentile(b.latenciesMs, 50).toFixed(1)} ms   p99 ${percentile(b.latenciesMs, 99).toFixed(1)} ms
  replicas (c)                             ${GATEWAYS} gateway, ${INGESTORS} ingestor (separate processes; one Postgres, one Redis)
  CPU-µs per event (c)                     ${perEvent}
  CPU seconds during (c)                   ${cpu}     everything else ${(busy - ours).toFixed(1)}   idle ${(cpus().length * cSeconds - busy).toFixed(1)} (of which waiting for I/O ${iowait.toFixed(1)})   (${cpus().length} cores × ${cSeconds.toFixed(1)} s; postgres = all its processes)
  peak RSS (largest replica)               gateway ${gatewayRss} MB   ingestor ${ingestorRss} MB   naive server ${naiveRss} MB   bench driver ${Math.round(process.resourceUsage().maxRSS / 1024)} MB
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
