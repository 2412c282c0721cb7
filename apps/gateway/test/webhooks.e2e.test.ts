/**
 * Webhooks through the real services: the gateway registers the endpoint, real transcoder and
 * scorer processes finish the recordings and the transcoder delivers to a receiver on loopback
 * (WEBHOOK_ALLOW_PRIVATE_DESTINATIONS is the operator allowance that makes loopback acceptable).
 */
import { JobInspector } from '@voicepulse/queues';
import { startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '@voicepulse/webhooks';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let stack: Stack;
let gw: GatewayHarness;
let token: string;
const workers: ServiceProcess[] = [];
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  stack = await startStack({ storage: 'fs', extraEnv: { WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: 'true' } });
  gw = await startGateway(stack);
  token = await gw.token('hook-e2e');
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  for (const name of ['transcoder', 'scorer'])
    workers.push(startNodeService(name, path.join(root, 'apps', name, 'src/main.ts'), { ...stack.env, HEALTH_PORT: '0' }));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await gw?.close();
  await stack?.stop();
});

const diagnostics = () => workers.map((w) => `--- ${w.name}\n${w.output().slice(-3000)}`).join('\n');

describe('webhooks end to end (gateway → transcoder → scorer → transcoder → receiver)', () => {
  it('delivers exactly one verified notification per terminal status', async () => {
    const { port } = receiver.address() as AddressInfo;
    const hook = await request(gw.app)
      .post('/v1/webhooks')
      .auth(token, { type: 'bearer' })
      .send({ url: `http://127.0.0.1:${port}/hook`, events: ['recording.scored', 'recording.failed'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    const upload = async (wav: Buffer) => {
      const res = await request(gw.app)
        .post('/v1/recordings')
        .auth(token, { type: 'bearer' })
        .field('transcript', 'What a wonderful day, I really love this.')
        .attach('file', wav, 'a.wav');
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return res.body.id as string;
    };
    const scoredId = await upload(toneWav(1.5));
    const failedId = await upload(toneWav(1.5).subarray(0, 2_000));

    const bodies = await waitFor(
      () => (received.length >= 2 ? received.map((r) => JSON.parse(r.body)) : undefined),
      { what: 'two deliveries', timeoutMs: 120_000, intervalMs: 250 },
    ).catch((e) => Promise.reject(new Error(`${e.message}\n${diagnostics()}`)));
    // Both jobs completed: nothing further is queued that could deliver again.
    const inspector = new JobInspector(gw.deps.redis, stack.prefix);
    try {
      await waitFor(async () => {
        const [c] = await inspector.counts(['webhooks']);
        return c!.completed === 2 && c!.waiting + c!.active + c!.delayed + c!.failed === 0;
      }, { what: 'both deliveries completed' });
    } finally {
      await inspector.close();
    }
    expect(received).toHaveLength(2);
    expect(bodies.map((b) => `${b.recordingId}:${b.status}`).sort()).toEqual([`${failedId}:failed`, `${scoredId}:scored`].sort());
    for (const r of received)
      expect(verifyWebhookSignature(hook.body.secret, r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body)).toMatchObject({ ok: true });

    // The notification carries no results: the receiver reads them with its own token.
    const view = await request(gw.app).get(`/v1/recordings/${scoredId}`).auth(token, { type: 'bearer' });
    expect(view.body.status).toBe('scored');
  });
});
