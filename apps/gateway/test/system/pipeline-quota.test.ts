import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putToSignedUrl, startGateway, startStack, toneWav, type GatewayHarness, type Stack } from '../helpers';

/**
 * Issue 12 #7: each user gets a quota of pipeline work in flight (uploaded, not yet scored or
 * failed). No transcoder runs here, so whatever is accepted stays in flight until the test moves it.
 */
let stack: Stack;
let gw: GatewayHarness;
const QUOTA = 2;

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack, { MAX_RECORDINGS_IN_FLIGHT_PER_USER: String(QUOTA) });
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

const upload = async (token: string, wav = toneWav(0.2)) =>
  request(gw.app).post('/v1/recordings').auth(token, { type: 'bearer' }).attach('file', wav, 'a.wav');

async function blobsOf(userId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of gw.deps.store.list(`recordings/${userId}/`)) keys.push(b.key);
  return keys;
}

function expectQuota429(res: request.Response) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.error).toMatchObject({ code: 'pipeline_quota_exceeded', details: { limit: QUOTA } });
  expect(res.body.error.message).toMatch(/2 recordings are already being processed/);
  expect(res.headers['retry-after']).toBe('30');
}

describe('pipeline quota per user', () => {
  it('answers 429 to an upload beyond the quota, storing nothing, and admits again once one finishes', async () => {
    const dora = await gw.token('quota-dora');
    const first = await upload(dora);
    const second = await upload(dora);
    expect([first.status, second.status]).toEqual([202, 202]);
    const stored = await blobsOf('quota-dora');

    expectQuota429(await upload(dora));
    expect(await blobsOf('quota-dora')).toEqual(stored);
    // Another user's work is not counted against dora, nor hers against them.
    expect((await upload(await gw.token('quota-eve'))).status).toBe(202);

    await gw.deps.recordings.transition(first.body.id, ['uploaded'], 'transcoding');
    expectQuota429(await upload(dora)); // transcoding is still in flight
    await gw.deps.recordings.fail(first.body.id, 'corrupt_audio', 'test');
    expect((await upload(dora)).status).toBe(202);
  });

  it('holds under concurrent uploads: exactly the quota is admitted', async () => {
    const fred = await gw.token('quota-fred');
    const results = await Promise.all(Array.from({ length: 6 }, () => upload(fred)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 429, 429, 429, 429]);
    expect(await gw.deps.recordings.inFlight('quota-fred')).toBe(QUOTA);
    // Refused uploads leave neither a row nor a blob behind.
    expect(await blobsOf('quota-fred')).toHaveLength(QUOTA);
  });

  it('counts direct uploads when they complete: over quota, /complete answers 429 and the upload waits', async () => {
    const gus = await gw.token('quota-gus');
    const wav = toneWav(0.2);
    const starts = [];
    for (let i = 0; i < QUOTA + 1; i++) {
      const start = await request(gw.app)
        .post('/v1/uploads')
        .auth(gus, { type: 'bearer' })
        .send({ contentType: 'audio/wav', sizeBytes: wav.length });
      expect(start.status).toBe(201); // pending uploads are not in the pipeline yet
      expect(
        (await putToSignedUrl(gw.app, start.body, wav)).status,
      ).toBe(200);
      starts.push(start.body.id as string);
    }
    const complete = (id: string) =>
      request(gw.app).post(`/v1/uploads/${id}/complete`).auth(gus, { type: 'bearer' });
    for (const id of starts.slice(0, QUOTA)) expect((await complete(id)).status).toBe(202);

    const last = starts[QUOTA]!;
    expectQuota429(await complete(last));
    expect(await gw.deps.recordings.get(last, null)).toMatchObject({ uploadState: 'pending' });
    expectQuota429(
      await request(gw.app)
        .post('/v1/uploads')
        .auth(gus, { type: 'bearer' })
        .send({ contentType: 'audio/wav', sizeBytes: 10 }),
    );

    await gw.deps.recordings.fail(starts[0]!, 'corrupt_audio', 'test');
    expect((await complete(last)).status).toBe(202);
    expect(await gw.deps.producers.transcode.queue.getJob(`${last}.transcode`)).toBeDefined();
  });

  it('is documented in OpenAPI on every route that admits a recording', async () => {
    const doc = (await request(gw.app).get('/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    for (const path of ['/v1/recordings', '/v1/uploads', '/v1/uploads/{id}/complete']) {
      expect(doc.paths[path]!.post!.responses['429']!.description).toMatch(/pipeline_quota_exceeded/);
    }
  });
});
