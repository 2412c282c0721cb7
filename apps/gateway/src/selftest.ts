/**
 * `helm test`'s round trip through the queues, run from inside the cluster in the gateway image
 * (dist/selftest.mjs): a short-lived token signed with the release's own secret, a generated WAV
 * uploaded through the gateway Service, followed through transcode → score → metrics until it is
 * `scored`, then deleted. Exits 0 on success; any other outcome exits 1 with what it saw.
 *   SELFTEST_URL=http://voicepulse-gateway node apps/gateway/dist/selftest.mjs
 */
import { encodeWavPcm16 } from '@voicepulse/audio';
import { loadConfigOrExit } from '@voicepulse/config';
import { recordingStatusSchema } from '@voicepulse/contracts';
import { z } from 'zod';
import { gatewayConfigSchema } from './config';
import { createAuthenticator } from './http/auth';

const base = z.url().parse(process.env.SELFTEST_URL).replace(/\/$/, '');
const timeoutMs = Number(process.env.SELFTEST_TIMEOUT_S ?? 180) * 1_000;
const config = loadConfigOrExit('selftest', gatewayConfigSchema);
const auth = createAuthenticator(config);
const say = (msg: string) => process.stdout.write(`[selftest] ${msg}\n`);
const fail = (msg: string): never => {
  console.error(`[selftest] FAIL: ${msg}`);
  process.exit(1);
};

if (!auth.sign) fail('the round trip mints its own token and needs AUTH_MODE=hs256');
const { token } = await auth.sign!({ userId: `helm-test-${Date.now().toString(36)}`, role: 'user' }, 600);
const headers = { authorization: `Bearer ${token}` };

// Two seconds of a voiced-like tone with pauses: enough for the VAD and prosody to have work.
const rate = 16_000;
const samples = new Float32Array(rate * 2);
for (let i = 0; i < samples.length; i++) {
  const on = Math.floor(i / (rate / 4)) % 2 === 0;
  samples[i] = on
    ? 0.3 * Math.sin((2 * Math.PI * 180 * i) / rate) * Math.sin((Math.PI * (i % (rate / 4))) / (rate / 4))
    : 0;
}
const form = new FormData();
form.append('file', new Blob([encodeWavPcm16(samples, rate)], { type: 'audio/wav' }), 'helm-test.wav');

const upload = await fetch(`${base}/v1/recordings`, { method: 'POST', headers, body: form });
if (upload.status !== 202) fail(`upload answered ${upload.status}: ${await upload.text()}`);
const { id } = z.object({ id: z.string() }).parse(await upload.json());
say(`uploaded ${id}`);

const deadline = Date.now() + timeoutMs;
let status = 'uploaded';
while (Date.now() < deadline) {
  const res = await fetch(`${base}/v1/recordings/${id}`, { headers });
  status = recordingStatusSchema.parse(z.object({ status: z.string() }).parse(await res.json()).status);
  if (status === 'scored' || status === 'failed') break;
  await new Promise((r) => setTimeout(r, 1_000));
}
if (status !== 'scored') fail(`recording ${id} is ${status} after ${timeoutMs / 1000} s`);
say(`recording ${id}: scored`);

const removed = await fetch(`${base}/v1/recordings/${id}`, { method: 'DELETE', headers });
if (removed.status !== 204) fail(`delete answered ${removed.status}`);
say('OK');
