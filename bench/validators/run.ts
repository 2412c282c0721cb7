/**
 * The ingestion path's schema checks on 5,000-event batches, three ways in the same run: zod's
 * safeParse, the retired hand-compiled checks (hand-written.ts, the baseline) and the validators
 * generated from the schemas (scripts/lib/validators.ts):
 *   node --import tsx bench/validators/run.ts [--batches 4] [--rounds 15]   (npm run bench:validators)
 *
 * - input check: `isMetricEventInput` per event, as the gateway runs it on every event it accepts;
 * - job check: `isMetricsJob` per 5,000-event job, as the producer (gateway) and the consumer
 *   (ingestor) each run it once per job.
 * The candidates run interleaved, in a rotating order, `--rounds` times over the same parsed JSON;
 * the figure is the median CPU time of this process per event (wall time beside it). It also
 * times, in fresh processes, what compiling the schemas with ajv at import time would add to a
 * start-up against importing the generated modules: the reason they are generated and checked in.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { isMetricEventInput, metricEventSchema, type NormalizedMetricEvent } from '@voicepulse/contracts';
import { generateSeedEvents } from '@voicepulse/ingest';
import { metricsJobSchema } from '@voicepulse/queues';
import { z } from 'zod';
import { isMetricsJob } from '../../libs/queues/src/payload-validators.generated';
import * as hand from './hand-written';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '15' },
    'startup-runs': { type: 'string', default: '3' },
  },
});
const BATCH = 5_000;
const BATCHES = Number(values.batches);
const ROUNDS = Number(values.rounds);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function apiEvent(e: NormalizedMetricEvent) {
  // The documented shape a client sends: without what the gateway resolves or adds.
  const {
    voiceSentimentLabel: _l,
    source: _s,
    recordingId: _r,
    participant: _p,
    counterpart: _c,
    ...api
  } = e;
  return api;
}
// Parsed JSON, as the gateway (request body) and the consumer (BullMQ job data) see it.
const normalized = [
  ...generateSeedEvents({ users: 1000, days: 20, events: BATCH * BATCHES, seed: 1 }, BATCH),
];
const inputs: unknown[][] = JSON.parse(JSON.stringify(normalized.map((b) => b.map(apiEvent))));
const jobs: unknown[] = JSON.parse(
  JSON.stringify(normalized.map((events) => ({ events, correlationId: 'bench' }))),
);
const EVENTS = BATCH * BATCHES;

type Check = (v: unknown) => boolean;
interface Candidate {
  name: string;
  run: () => void;
}
const perEvent = (name: string, check: Check): Candidate => ({
  name,
  run: () => {
    for (const batch of inputs)
      for (const e of batch) if (!check(e)) throw new Error(`${name} refused a valid event`);
  },
});
const perJob = (name: string, check: Check): Candidate => ({
  name,
  run: () => {
    for (const job of jobs) if (!check(job)) throw new Error(`${name} refused a valid job`);
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** µs per event, CPU and wall, medians over the rounds; candidates interleaved in rotating order. */
function measure(candidates: Candidate[]): Map<string, { cpu: number; wall: number }> {
  for (const c of candidates) c.run(); // warm-up: JIT, memoised zones
  const cpu = new Map(candidates.map((c) => [c.name, [] as number[]]));
  const wall = new Map(candidates.map((c) => [c.name, [] as number[]]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(r + k) % candidates.length]!;
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      c.run();
      const w = performance.now() - w0;
      const used = process.cpuUsage(c0);
      cpu.get(c.name)!.push((used.user + used.system) / EVENTS);
      wall.get(c.name)!.push((w * 1000) / EVENTS);
    }
  }
  return new Map(
    candidates.map((c) => [c.name, { cpu: median(cpu.get(c.name)!), wall: median(wall.get(c.name)!) }]),
  );
}

function report(title: string, results: Map<string, { cpu: number; wall: number }>) {
  const { cpu: handCpu } = results.get('hand-written')!;
  const { cpu: zodCpu } = results.get('zod safeParse')!;
  console.log(`\n${title}`);
  for (const [name, { cpu, wall }] of results) {
    console.log(
      `  ${name.padEnd(16)} ${cpu.toFixed(3).padStart(7)} CPU-µs/event  (wall ${wall.toFixed(3)})` +
        `   × hand-written ${(cpu / handCpu).toFixed(2)}   × zod ${(cpu / zodCpu).toFixed(2)}`,
    );
  }
}

/** Milliseconds a fresh process spends in `code` (module statements), zod being loaded already as in every service. */
function startupMs(code: string): number {
  const runs = Array.from({ length: Number(values['startup-runs']) }, () => {
    const script = `await import('zod'); const t0 = performance.now(); ${code}; console.log(performance.now() - t0);`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(out.stderr);
    return Number(out.stdout.trim().split('\n').pop());
  });
  return median(runs);
}

const input = measure([
  perEvent('zod safeParse', (e) => metricEventSchema.safeParse(e).success),
  perEvent('hand-written', hand.isMetricEventInput),
  perEvent('generated', isMetricEventInput),
]);
const job = measure([
  perJob('zod safeParse', (j) => metricsJobSchema.safeParse(j).success),
  perJob('hand-written', hand.isMetricsJob),
  perJob('generated', isMetricsJob),
]);

// The alternative to checked-in code: ajv imported and the same JSON Schemas compiled at start-up
// (without the refinement keywords, which would only add to it).
const schemas = JSON.stringify([
  z.toJSONSchema(metricEventSchema, { io: 'input', target: 'draft-07' }),
  z.toJSONSchema(metricsJobSchema, { io: 'output', target: 'draft-07' }),
]);
const compileAtImport = startupMs(
  `const { default: Ajv } = await import('ajv');` +
    `const ajv = new Ajv({ validateFormats: false, allowUnionTypes: true, messages: false, unicodeRegExp: false, strictSchema: false });` +
    `for (const s of ${schemas}) ajv.compile(s)`,
);
const generatedImport = startupMs(
  `await import('./libs/contracts/src/metric-validators.generated.js');` +
    `await import('./libs/queues/src/payload-validators.generated.js')`,
);

console.log(
  `voicepulse validator benchmark — ${EVENTS.toLocaleString('en-US')} events in ${BATCHES} batches of ${BATCH.toLocaleString('en-US')}, ${ROUNDS} rounds, median per event`,
);
report('input check (gateway, every event of a request):', input);
report('metrics job check (producer and consumer, once per job each):', job);
const hot = (name: string) => input.get(name)!.cpu + 2 * job.get(name)!.cpu;
console.log(
  `\nper event on the ingestion path (input check + job check at both ends of the queue):` +
    `\n  zod ${hot('zod safeParse').toFixed(2)}   hand-written ${hot('hand-written').toFixed(2)}   generated ${hot('generated').toFixed(2)} CPU-µs` +
    `   (generated − hand-written: ${(hot('generated') - hot('hand-written')).toFixed(2)} µs/event)`,
);
console.log(
  `\nstart-up, fresh process, median of ${values['startup-runs']}:` +
    `\n  import ajv + compile both schemas  ${compileAtImport.toFixed(0).padStart(5)} ms` +
    `\n  import the generated modules       ${generatedImport.toFixed(0).padStart(5)} ms`,
);
