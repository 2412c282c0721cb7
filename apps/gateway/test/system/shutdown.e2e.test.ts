import { encodeWavPcm16 } from '@voicepulse/audio';
import { freePort, startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const entry = (app: string) => path.join(root, 'apps', app, 'src/main.ts');

let stack: Stack;
let gw: GatewayHarness;
const procs: ServiceProcess[] = [];

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack);
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await gw?.close();
  await stack?.stop();
});

function longWav(seconds: number): Buffer {
  const sr = 48_000;
  const x = new Float32Array(seconds * sr);
  for (let i = 0; i < x.length; i++) x[i] = 0.2 * Math.sin((2 * Math.PI * 300 * i) / sr);
  return encodeWavPcm16(x, sr);
}

describe('graceful shutdown on SIGTERM', () => {
  it('a worker finishes the job it holds, reports not-ready, and exits 0', async () => {
    const healthPort = await freePort();
    const transcoder = startNodeService('transcoder', entry('transcoder'), {
      ...stack.env,
      HEALTH_PORT: String(healthPort),
      SHUTDOWN_TIMEOUT_MS: '60000',
    });
    procs.push(transcoder);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, {
      what: 'transcoder ready',
      timeoutMs: 60_000,
    });

    const token = await gw.token('sd-user');
    const res = await (
      await import('supertest')
    )
      .default(gw.app)
      .post('/v1/recordings')
      .auth(token, { type: 'bearer' })
      .attach('file', longWav(240), 'long.wav');
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    await waitFor(async () => (await gw.deps.recordings.get(id, null))?.status === 'transcoding', {
      what: 'job in flight',
      intervalMs: 20,
    });

    transcoder.child.kill('SIGTERM');
    // Readiness flips first, so the load balancer (or KEDA) stops counting on this pod.
    const ready = await waitFor(
      async () => {
        const status = await fetch(`http://127.0.0.1:${healthPort}/readyz`)
          .then((r) => r.status)
          .catch(() => 'closed');
        return status === 200 ? undefined : status;
      },
      { what: 'readiness to drop', intervalMs: 10 },
    );
    const code = await transcoder.exited;
    const row = await gw.deps.recordings.get(id, null);
    console.log(
      `\n[shutdown] worker: readyz during drain=${ready}, exit code=${code}, job state after exit=${row?.status}`,
    );
    expect(code, transcoder.output().slice(-2000)).toBe(0);
    expect([503, 'closed']).toContain(ready);
    // Drained, not abandoned: the held job completed and handed over to scoring.
    expect(row?.status).toBe('transcoded');
    const job = await gw.deps.producers.transcode.queue.getJob(`${id}.transcode`);
    expect(await job?.getState()).toBe('completed');
  });

  it('the gateway stops accepting, completes the in-flight upload with 202, and exits 0', async () => {
    const port = await freePort();
    const gateway = startNodeService('gateway', entry('gateway'), { ...stack.env, PORT: String(port), HOST: '127.0.0.1', HEALTH_PORT: '0', SHUTDOWN_TIMEOUT_MS: '30000' });
    procs.push(gateway);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, {
      what: 'gateway ready',
      timeoutMs: 60_000,
    });
    const token = await gw.token('sd-user');

    // A slow upload: headers and half the body now, the rest after SIGTERM.
    const body = toneWav(5);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/recordings',
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'audio/wav',
            'content-length': body.length,
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, body.length / 2));
      setTimeout(() => {
        gateway.child.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(body.length / 2)), 500);
      }, 300);
    });
    const inFlight = await answer;
    const afterwards = await fetch(`${base}/healthz`)
      .then((r) => r.status)
      .catch(() => 'refused');
    const code = await gateway.exited;
    console.log(
      `[shutdown] gateway: in-flight upload=${inFlight.status}, new request after SIGTERM=${afterwards}, exit code=${code}`,
    );
    expect(inFlight.status, inFlight.body).toBe(202);
    expect(afterwards).toBe('refused');
    expect(code, gateway.output().slice(-2000)).toBe(0);
    const id = JSON.parse(inFlight.body).id as string;
    expect((await gw.deps.recordings.get(id, null))?.status).toBe('uploaded');
  });

  it('the gateway ends open status streams at once instead of waiting out its shutdown timeout', async () => {
    const port = await freePort();
    const gateway = startNodeService('gateway', entry('gateway'), {
      ...stack.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    procs.push(gateway);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, {
      what: 'gateway ready',
      timeoutMs: 60_000,
    });
    const token = await gw.token('sd-streamer');
    // A direct upload never completed: its status stream has no terminal state to end on.
    const pending = await fetch(`${base}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contentType: 'audio/wav', sizeBytes: 1000 }),
    });
    expect(pending.status).toBe(201);
    const { id } = (await pending.json()) as { id: string };
    const streams = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<{ status: number; ended: Promise<string> }>((resolve, reject) => {
            const req = http.get(
              {
                host: '127.0.0.1',
                port,
                path: `/v1/recordings/${id}/events`,
                headers: { authorization: `Bearer ${token}` },
              },
              (res) => {
                let text = '';
                res.on('data', (d) => (text += d));
                resolve({
                  status: res.statusCode ?? 0,
                  ended: new Promise((r) => res.on('close', () => r(text))),
                });
              },
            );
            req.on('error', reject);
          }),
      ),
    );
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    gateway.child.kill('SIGTERM');
    const texts = await Promise.all(streams.map((s) => s.ended));
    const code = await gateway.exited;
    expect(texts.every((t) => t.includes('"status":"uploaded"'))).toBe(true);
    expect(gateway.output()).not.toMatch(/shutdown timed out/);
    expect(code, gateway.output().slice(-2000)).toBe(0);
  });
});
