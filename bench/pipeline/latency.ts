/**
 * Upload → scored latency of one recording through the real services (gateway, transcoder, scorer
 * as separate processes, MinIO, Postgres, Redis), against a baseline measured in the same run: the
 * same decode + analysis done in-process with no queues, storage or database. The difference is
 * what the distributed pipeline costs.
 *
 *   node --import tsx bench/pipeline/latency.ts [--seconds 30] [--runs 3]
 */
import { analysisConfigSchema, createAnalyzer } from '@voicepulse/analysis';
import { transcodeToCanonical } from '@voicepulse/audio';
import { startNodeService, freePort, waitFor } from '@voicepulse/testing';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { startStack } from '../../apps/gateway/test/helpers';
import { speechClip } from './clip';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, runs: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const runs = Number(values.runs);

const ms = (t: number) => `${t.toFixed(0)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const clip = await speechClip(seconds);
console.log(`clip: ${seconds} s of espeak-ng speech, 48 kHz stereo WAV, ${(clip.length / 1e6).toFixed(1)} MB; ${runs} runs each`);

// Baseline: the irreducible work, in-process.
const analyzer = await createAnalyzer(analysisConfigSchema.parse({}));
const baseline: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const outputPath = path.join(tmpdir(), `vp-latency-canonical-${process.pid}.wav`);
  await transcodeToCanonical(Readable.from([clip]), { format: 'wav', maxDurationS: 7200, outputPath });
  await analyzer.analyze(await readFile(outputPath), { transcript: 'Thanks for calling. I really appreciate your help.' });
  baseline.push(performance.now() - t0);
}
await analyzer.close();

const stack = await startStack({ storage: 's3' });
const port = await freePort();
const services = [
  startNodeService('gateway', 'apps/gateway/src/main.ts', { ...stack.env, PORT: String(port), HEALTH_PORT: '0', AUTH_DEV_TOKENS: 'true' }),
  startNodeService('transcoder', 'apps/transcoder/src/main.ts', { ...stack.env, HEALTH_PORT: '0' }),
  startNodeService('scorer', 'apps/scorer/src/main.ts', { ...stack.env, HEALTH_PORT: '0' }),
  startNodeService('ingestor', 'apps/ingestor/src/main.ts', { ...stack.env, HEALTH_PORT: '0' }),
];
const base = `http://127.0.0.1:${port}`;
try {
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, { what: 'gateway ready', timeoutMs: 60_000 });
  const { token } = (await (await fetch(`${base}/v1/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"bench"}' })).json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const totals: number[] = [];
  const accepts: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/recordings?transcript=${encodeURIComponent('Thanks for calling. I really appreciate your help.')}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'audio/wav' },
      body: clip,
    });
    const { id } = (await res.json()) as { id: string };
    const accepted = performance.now() - t0;
    const view = await waitFor(
      async () => {
        const v = (await (await fetch(`${base}/v1/recordings/${id}`, { headers: auth })).json()) as { status: string };
        return v.status === 'scored' || v.status === 'failed' ? v : undefined;
      },
      { what: 'scored', timeoutMs: 300_000, intervalMs: 20 },
    );
    if (view.status !== 'scored') throw new Error(`recording failed: ${JSON.stringify(view)}`);
    if (i === 0) continue; // warm-up: first job pays module loading and connection set-up
    accepts.push(accepted);
    totals.push(performance.now() - t0);
  }
  console.log('');
  console.log('| measure | median | runs |');
  console.log('|---|---|---|');
  console.log(`| baseline: in-process decode + resample + VAD + prosody + sentiment | ${ms(median(baseline))} | ${baseline.map(ms).join(', ')} |`);
  console.log(`| voicepulse: HTTP upload accepted (202) | ${ms(median(accepts))} | ${accepts.map(ms).join(', ')} |`);
  console.log(`| voicepulse: upload → scored (end to end) | ${ms(median(totals))} | ${totals.map(ms).join(', ')} |`);
  console.log(`\nend-to-end / baseline = ${(median(totals) / median(baseline)).toFixed(2)}×; real-time factor end to end = ${(seconds * 1000 / median(totals)).toFixed(1)}× faster than real time`);
} finally {
  await Promise.all(services.map((s) => s.stop()));
  await stack.stop();
}
