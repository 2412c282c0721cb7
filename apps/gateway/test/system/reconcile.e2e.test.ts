import { startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

let stack: Stack;
let gw: GatewayHarness;
let transcoder: ServiceProcess | undefined;

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack);
});
afterAll(async () => {
  await transcoder?.stop();
  await gw?.close();
  await stack?.stop();
});

describe('durability: a recording whose job was lost is reconciled (issue 12, item 20)', () => {
  it('the transcoder re-enqueues a recording stuck in `uploaded` with no job and transcodes it', async () => {
    const token = await gw.token('reconcile-user');
    const res = await request(gw.app)
      .post('/v1/recordings')
      .auth(token, { type: 'bearer' })
      .attach('file', toneWav(0.5), 'a.wav');
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    // What a Redis failover between the 202 and replication leaves: the row, no job, time passing.
    expect(await gw.deps.producers.transcode.queue.remove(`${id}.transcode`)).toBe(1);
    await gw.deps.database.pool.query(
      `update recordings set updated_at = now() - interval '1 hour' where id = $1`,
      [id],
    );

    transcoder = startNodeService('transcoder', path.join(root, 'apps/transcoder/src/main.ts'), {
      ...stack.env,
      HEALTH_PORT: '0',
      RECONCILE_STUCK_AFTER_S: '600',
    });
    const row = await waitFor(
      async () => {
        const view = await request(gw.app).get(`/v1/recordings/${id}`).auth(token, { type: 'bearer' });
        return ['transcoded', 'scoring', 'scored', 'failed'].includes(view.body.status)
          ? view.body
          : undefined;
      },
      { what: `recording ${id} to be reconciled and transcoded`, timeoutMs: 60_000, intervalMs: 250 },
    ).catch((err: Error) =>
      Promise.reject(new Error(`${err.message}\n${transcoder?.output().slice(-3000)}`)),
    );
    expect(row.status).toBe('transcoded');
  });
});
