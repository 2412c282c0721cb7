import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, toneWav, type GatewayHarness, type Stack } from './helpers';

/** The direct-upload flow against real MinIO: the browser's PUT goes to the bucket, not to us. */
let stack: Stack;
let gw: GatewayHarness;
let token: string;

beforeAll(async () => {
  stack = await startStack({ storage: 's3' });
  gw = await startGateway(stack);
  token = await gw.token('s3-direct');
});
afterAll(async () => {
  await gw?.close();
  await stack?.stop();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('direct uploads on S3', () => {
  it('signs the declared size, moves staging to the immutable original, and a replayed PUT changes nothing', async () => {
    const wav = toneWav(0.5);
    const start = await request(gw.app)
      .post('/v1/uploads')
      .auth(token, { type: 'bearer' })
      .send({ contentType: 'audio/wav', sizeBytes: wav.length });
    expect(start.status).toBe(201);
    const put = (body: Buffer) =>
      fetch(start.body.uploadUrl, { method: 'PUT', headers: start.body.headers, body });
    // MinIO checks the signed Content-Length: a larger body is refused at the bucket.
    expect((await put(Buffer.concat([wav, randomBytes(1000)]))).status).toBe(403);
    expect((await put(wav)).status).toBe(200);
    const done = await request(gw.app)
      .post(`/v1/uploads/${start.body.id}/complete`)
      .auth(token, { type: 'bearer' });
    expect(done.status, JSON.stringify(done.body)).toBe(202);
    expect((await put(Buffer.concat([wav.subarray(0, 44), randomBytes(wav.length - 44)]))).status).toBe(200);
    const chunks: Buffer[] = [];
    for await (const c of await gw.deps.store.get(`recordings/s3-direct/${start.body.id}/original`))
      chunks.push(c as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(wav));
  });
});
