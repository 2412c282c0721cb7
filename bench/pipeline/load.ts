/**
 * The recording pipeline under load, against an in-process baseline measured in the same run:
 *  (0) baseline: decode + resample + STT + analysis of the clip in this process, one after another;
 *  (1) load: `--uploads` (50) concurrent uploads through the real gateway, transcoder and
 *      `--load-replicas` (2) scorer processes — upload→scored latency and throughput;
 *  (2) backlog: `--backlog` (500) recordings uploaded and transcoded with no scorer running, then
 *      drained by 1 and by 2 scorer processes (`--backlog-replicas 1,2`).
 * No client transcript is sent, so the scorer runs its default speech recognition (pocketsphinx).
 *
 *   npm run bench:pipeline-load                        # full: 50 uploads, a backlog of 500 (long)
 *   npm run bench:pipeline-load -- --backlog 20        # quick
 */
import { analysisConfigSchema, createAnalyzer } from '@voicepulse/analysis';
import { transcodeToCanonical } from '@voicepulse/audio';
import { createDatabase } from '@voicepulse/db';
import { startNodeService, freePort, waitFor, type ServiceProcess } from '@voicepulse/testing';
import { readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { startStack } from '../../apps/gateway/test/helpers';
import { percentile } from '../ingest/http-load';
import { cpuSeconds, machineCpuSeconds } from '../ingest/proc-stats';
import { speechClip } from './clip';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    uploads: { type: 'string', default: '50' },
    'load-replicas': { type: 'string', default: '2' },
    backlog: { type: 'string', default: process.env.PIPELINE_BACKLOG ?? '500' },
    'backlog-replicas': { type: 'string', default: '1,2' },
    'baseline-runs': { type: 'string', default: '3' },
  },
});
const SECONDS = Number(values.seconds);
const UPLOADS = Number(values.uploads);
const BACKLOG = Number(values.backlog);
const log = (msg: string) => console.log(`[pipeline ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const f1 = (n: number) => n.toFixed(1);

const clip = await speechClip(SECONDS);
log(`clip: ${SECONDS} s of espeak-ng speech, 48 kHz stereo WAV, ${(clip.length / 1e6).toFixed(1)} MB; no client transcript (STT runs)`);

// (0) Baseline: the irreducible work, in this process, serially: one core's worth.
const analyzer = await createAnalyzer(analysisConfigSchema.parse({}));
const baselineMs: number[] = [];
const selfCpu = () => cpuSeconds({ self: [process.pid] }, { withChildren: true }).then((c) => c.self!);
const cpu0 = await selfCpu();
for (let i = 0; i < Number(values['baseline-runs']); i++) {
  const t0 = performance.now();
  const outputPath = path.join(tmpdir(), `vp-load-canonical-${process.pid}.wav`);
  await transcodeToCanonical(Readable.from([clip]), { format: 'wav', maxDurationS: 7200, outputPath });
  await analyzer.analyze(await readFile(outputPath), {});
  await rm(outputPath, { force: true });
  baselineMs.push(performance.now() - t0);
}
await analyzer.close();
const baselineCpuPerRec = ((await selfCpu()) - cpu0) / baselineMs.length;
const baselineWallS = percentile(baselineMs, 50) / 1000;
log(`baseline: ${baselineMs.map((t) => `${(t / 1000).toFixed(1)} s`).join(', ')}; ${f1(baselineCpuPerRec)} CPU-s per recording`);

const stack = await startStack({ storage: 'fs' });
const db = createDatabase(stack.env.DATABASE_URL!, { max: 2, applicationName: 'bench-pipeline' });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const healthEnv = async () => ({ HEALTH_PORT: String(await freePort()) });
const services: ServiceProcess[] = [
  startNodeService('gateway', 'apps/gateway/src/main.ts', {
    ...stack.env,
    ...(await healthEnv()),
    PORT: String(port),
    AUTH_DEV_TOKENS: 'true',
    // One bench user uploads everything: the per-user limits are what is not under test.
    MAX_RECORDINGS_IN_FLIGHT_PER_USER: '0',
    RATE_LIMIT_PER_MINUTE: '0',
  }),
  startNodeService('transcoder', 'apps/transcoder/src/main.ts', { ...stack.env, ...(await healthEnv()) }),
  startNodeService('ingestor', 'apps/ingestor/src/main.ts', { ...stack.env, ...(await healthEnv()) }),
];
let scorers: ServiceProcess[] = [];
/** Scorer replicas as separate processes, concurrency 1 each: the chart's shape (one core per pod). */
async function startScorers(n: number) {
  for (let i = 0; i < n; i++) {
    const health = await freePort();
    const s = startNodeService(`scorer-${i}`, 'apps/scorer/src/main.ts', {
      ...stack.env,
      HEALTH_PORT: String(health),
      WORKER_CONCURRENCY: '1',
    });
    scorers.push(s);
  }
}
async function stopScorers() {
  await Promise.all(scorers.map((s) => s.stop()));
  scorers = [];
}

/** Scorer CPU (with its STT children), gateway + transcoder CPU, and the machine's busy seconds. */
async function cpuNow() {
  const byName = await cpuSeconds(
    {
      scorers: scorers.map((s) => s.child.pid!),
      gateway: [services[0]!.child.pid!],
      transcoder: [services[1]!.child.pid!],
    },
    { withChildren: true },
  );
  return Object.assign(byName, { machine: (await machineCpuSeconds()).busy });
}

interface Status {
  id: string;
  status: string;
  updated: number;
}
async function statuses(ids: string[]): Promise<Status[]> {
  const { rows } = await db.pool.query<{ id: string; status: string; updated: string }>(
    `select id, status::text, (extract(epoch from updated_at) * 1000)::float8 as updated from recordings where id = any($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({ id: r.id, status: r.status, updated: Number(r.updated) }));
}
/** Waits until every recording is in one of `states`; a failed recording fails the run at once. */
async function waitAll(ids: string[], states: string[], timeoutMs: number): Promise<Status[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await statuses(ids);
    const failed = rows.find((r) => r.status === 'failed');
    if (failed) throw new Error(`recording ${failed.id} failed`);
    if (rows.length === ids.length && rows.every((r) => states.includes(r.status))) return rows;
    if (Date.now() > deadline) {
      const by = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
      throw new Error(`timed out waiting for ${ids.length} recordings ${states.join('/')}: ${JSON.stringify(by)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

let token = '';
let refused = 0;
/**
 * One upload, as a well-behaved client does it: a 503 (the gateway's in-flight body budget, which
 * 50 concurrent 5.6 MB uploads exceed) or a connection cut while it refuses the body is retried
 * after Retry-After. The latency counts from the first attempt.
 */
async function upload(): Promise<{ id: string; t0: number; acceptedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const res = await fetch(`${base}/v1/recordings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' },
      body: clip,
    }).catch(() => undefined);
    if (res?.status === 202) {
      const { id } = (await res.json()) as { id: string };
      return { id, t0, acceptedMs: Date.now() - t0 };
    }
    if (res && res.status !== 503) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    refused++;
    const wait = Number(res?.headers.get('retry-after') ?? 1);
    await res?.body?.cancel();
    await new Promise((r) => setTimeout(r, Math.max(0.2, Math.min(wait, 5)) * 1000));
  }
}
async function uploadMany(n: number, concurrency: number) {
  const out: Awaited<ReturnType<typeof upload>>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        next++;
        out.push(await upload());
      }
    }),
  );
  return out;
}

// Stopped by hand (a backlog of 500 runs for hours): stop the services and drop the stack, not orphan them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...services, ...scorers].map((s) => s.stop()))
      .then(() => db.close())
      .then(() => stack.stop())
      .finally(() => process.exit(130));
  });
}

try {
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok, {
    what: 'gateway ready',
    timeoutMs: 120_000,
  });
  ({ token } = (await (
    await fetch(`${base}/v1/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"userId":"bench"}',
    })
  ).json()) as { token: string });

  // (1) Load: warm up, then `UPLOADS` concurrent uploads against the load replicas.
  const loadReplicas = Number(values['load-replicas']);
  await startScorers(loadReplicas);
  const warm = await uploadMany(loadReplicas, loadReplicas);
  await waitAll(warm.map((u) => u.id), ['scored'], Number(process.env.PIPELINE_WARMUP_TIMEOUT_MS ?? 600_000));
  log(`load: ${UPLOADS} concurrent uploads, ${loadReplicas} scorer processes`);
  const c0 = await cpuNow();
  const l0 = Date.now();
  refused = 0;
  const sent = await uploadMany(UPLOADS, UPLOADS);
  const refusedUnderLoad = refused;
  const done = await waitAll(sent.map((u) => u.id), ['scored'], 3_600_000);
  const c1 = await cpuNow();
  const loadS = (Math.max(...done.map((d) => d.updated)) - l0) / 1000;
  const started = new Map(sent.map((u) => [u.id, u.t0]));
  const latencies = done.map((d) => d.updated - started.get(d.id)!);
  const load = {
    acceptP50: percentile(sent.map((u) => u.acceptedMs), 50),
    acceptP95: percentile(sent.map((u) => u.acceptedMs), 95),
    scoredP50: percentile(latencies, 50),
    scoredP95: percentile(latencies, 95),
    perMin: (UPLOADS / loadS) * 60,
    scorerCpuPerRec: (c1.scorers! - c0.scorers!) / UPLOADS,
    transcoderCpuPerRec: (c1.transcoder! - c0.transcoder!) / UPLOADS,
    gatewayCpuPerRec: (c1.gateway! - c0.gateway!) / UPLOADS,
    machineBusy: (c1.machine - c0.machine) / (loadS * cpus().length),
    seconds: loadS,
  };
  log(`load done in ${f1(loadS)} s`);

  // (2) Backlog: queue `BACKLOG` transcoded recordings with no scorer, then drain with n replicas.
  const drains: { replicas: number; seconds: number; perMin: number; cpuPerRec: number; machineBusy: number }[] = [];
  for (const replicas of String(values['backlog-replicas']).split(',').map(Number)) {
    await stopScorers();
    log(`backlog: uploading ${BACKLOG} recordings with no scorer running`);
    const queued = await uploadMany(BACKLOG, 8);
    await waitAll(queued.map((u) => u.id), ['transcoded'], 3_600_000);
    log(`backlog of ${BACKLOG} transcoded; draining with ${replicas} scorer process(es)`);
    const d0 = Date.now();
    await startScorers(replicas);
    const b0 = await cpuNow();
    const drained = await waitAll(queued.map((u) => u.id), ['scored'], 6 * 3_600_000);
    const b1 = await cpuNow();
    const seconds = (Math.max(...drained.map((d) => d.updated)) - d0) / 1000;
    drains.push({
      replicas,
      seconds,
      perMin: (BACKLOG / seconds) * 60,
      cpuPerRec: (b1.scorers! - b0.scorers!) / BACKLOG,
      machineBusy: (b1.machine - b0.machine) / (seconds * cpus().length),
    });
    log(`drained in ${f1(seconds)} s`);
  }

  const baselinePerMin = 60 / baselineWallS;
  const baselinePerCpuMin = 60 / baselineCpuPerRec;
  const perCpuMin = (cpuPerRec: number) => 60 / cpuPerRec;
  console.log(`
pipeline under load — ${new Date().toISOString()}, ${SECONDS} s calls (48 kHz stereo WAV), no client transcript: scorer default STT (pocketsphinx) + analysis; ${cpus().length} cores (shared)
scorer replicas = separate processes with WORKER_CONCURRENCY 1 (the chart's shape: one core per pod)

| measure | recordings/min (wall) | per worker core (wall ÷ replicas) | recordings per scorer CPU-minute | vs baseline per CPU-minute | other |
|---|---:|---:|---:|---:|---|
| (0) baseline in-process, serial (${baselineMs.length} runs) | ${f1(baselinePerMin)} | ${f1(baselinePerMin)} | ${f1(baselinePerCpuMin)} | 1.00 | ${f1(baselineWallS)} s wall, ${f1(baselineCpuPerRec)} CPU-s per recording |
| (1) ${UPLOADS} concurrent uploads, ${loadReplicas} scorers | ${f1(load.perMin)} | ${f1(load.perMin / loadReplicas)} | ${f1(perCpuMin(load.scorerCpuPerRec))} | ${(perCpuMin(load.scorerCpuPerRec) / baselinePerCpuMin).toFixed(2)} | upload→scored p50 ${f1(load.scoredP50 / 1000)} s, p95 ${f1(load.scoredP95 / 1000)} s; 202 p50 ${load.acceptP50.toFixed(0)} ms, p95 ${load.acceptP95.toFixed(0)} ms (${refusedUnderLoad} attempts refused with 503 / cut off and retried); all ${UPLOADS} scored after ${f1(load.seconds)} s; machine ${(load.machineBusy * 100).toFixed(0)} % busy; CPU-s per recording: scorer ${f1(load.scorerCpuPerRec)}, transcoder ${load.transcoderCpuPerRec.toFixed(2)}, gateway ${load.gatewayCpuPerRec.toFixed(2)} |
${drains
  .map(
    (d) =>
      `| (2) backlog of ${BACKLOG}, ${d.replicas} scorer${d.replicas > 1 ? 's' : ''} | ${f1(d.perMin)} | ${f1(d.perMin / d.replicas)} | ${f1(perCpuMin(d.cpuPerRec))} | ${(perCpuMin(d.cpuPerRec) / baselinePerCpuMin).toFixed(2)} | drained in ${f1(d.seconds)} s (from scorer start, start-up included); machine ${(d.machineBusy * 100).toFixed(0)} % busy |`,
  )
  .join('\n')}

goal: ≥ 90 % of the baseline's throughput per core under load: ${perCpuMin(load.scorerCpuPerRec) / baselinePerCpuMin >= 0.9 ? 'MET' : 'NOT MET'} per scorer CPU-minute (${(perCpuMin(load.scorerCpuPerRec) / baselinePerCpuMin).toFixed(2)}); per wall core ${(load.perMin / loadReplicas / baselinePerMin).toFixed(2)} (on a shared machine the wall figure measures the machine, not the pipeline)`);
} catch (err) {
  for (const p of [...services, ...scorers]) console.error(`--- ${p.name}:\n${p.output().slice(-2000)}`);
  throw err;
} finally {
  await stopScorers();
  await Promise.all(services.map((s) => s.stop()));
  await db.close();
  await stack.stop();
}
