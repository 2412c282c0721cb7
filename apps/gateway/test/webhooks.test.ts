import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, startStack, type GatewayHarness, type Stack } from './helpers';

let stack: Stack;
/** The default: private destinations refused. */
let gw: GatewayHarness;
/** With the operator allowance, as an on-premises install with an internal receiver. */
let onPrem: GatewayHarness;
let alice: string;
let bob: string;
let ingest: string;

beforeAll(async () => {
  stack = await startStack({ storage: 'fs' });
  gw = await startGateway(stack);
  onPrem = await startGateway(stack, { WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: 'true' });
  [alice, bob, ingest] = await Promise.all([gw.token('alice'), gw.token('bob'), gw.token('pipeline', 'ingest')]);
});
afterAll(async () => {
  await onPrem?.close();
  await gw?.close();
  await stack?.stop();
});

const as = (h: GatewayHarness, token: string) => ({
  get: (url: string) => request(h.app).get(url).auth(token, { type: 'bearer' }),
  post: (url: string) => request(h.app).post(url).auth(token, { type: 'bearer' }),
  delete: (url: string) => request(h.app).delete(url).auth(token, { type: 'bearer' }),
});

describe('/v1/webhooks', () => {
  it('registers an endpoint, shows its secret once, lists it without secrets, deletes it', async () => {
    const created = await as(onPrem, alice)
      .post('/v1/webhooks')
      .send({
        url: 'http://127.0.0.1:9/hook',
        events: ['recording.scored', 'recording.failed', 'recording.scored'],
        authHeader: { name: 'X-Receiver-Key', value: 'hunter2-receiver' },
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['recording.scored', 'recording.failed'],
      authHeaderName: 'X-Receiver-Key',
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(created.headers.location).toBe(`/v1/webhooks/${created.body.id}`);
    expect(JSON.stringify(created.body)).not.toContain('hunter2-receiver');

    const listed = await as(gw, alice).get('/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      { id: created.body.id, url: created.body.url, events: created.body.events, authHeaderName: 'X-Receiver-Key', createdAt: created.body.createdAt },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify(listed.body)).not.toContain('hunter2-receiver');
    expect((await as(gw, bob).get('/v1/webhooks')).body.items).toEqual([]);

    expect((await as(gw, bob).delete(`/v1/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await as(gw, alice).delete(`/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await as(gw, alice).delete(`/v1/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await as(gw, alice).get('/v1/webhooks')).body.items).toEqual([]);
  });

  it('refuses private, loopback and metadata destinations unless the operator allows them', async () => {
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]/x', 'http://10.0.0.5/x', 'http://169.254.169.254/latest', 'http://[::ffff:127.0.0.1]/x']) {
      const res = await as(gw, alice).post('/v1/webhooks').send({ url, events: ['recording.scored'] });
      expect(res.status, url).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'webhook_destination_refused', details: { reason: expect.any(String) } });
    }
    const metadata = await as(onPrem, alice).post('/v1/webhooks').send({ url: 'http://169.254.169.254/', events: ['recording.scored'] });
    expect(metadata.status).toBe(422);
    expect(metadata.body.error.details.reason).toMatch(/metadata/);
    expect((await as(gw, alice).get('/v1/webhooks')).body.items).toEqual([]);
  });

  it('validates the body with field-level details', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/x', events: ['recording.scored'] }, 'url'],
      [{ url: 'https://user:pw@example.com/x', events: ['recording.scored'] }, 'url'],
      [{ url: 'https://example.com/x', events: [] }, 'events'],
      [{ url: 'https://example.com/x', events: ['recording.deleted'] }, 'events.0'],
      [{ url: 'https://example.com/x', events: ['recording.scored'], authHeader: { name: 'Host', value: 'x' } }, 'authHeader.name'],
      [{ url: 'https://example.com/x', events: ['recording.scored'], authHeader: { name: 'Voicepulse-Signature', value: 'x' } }, 'authHeader.name'],
      [{ url: 'https://example.com/x', events: ['recording.scored'], extra: 1 }, '(root)'],
    ];
    for (const [body, path] of cases) {
      const res = await as(gw, alice).post('/v1/webhooks').send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toContain(`"${path}`);
    }
  });

  it('caps endpoints per user', async () => {
    for (let i = 0; i < 10; i++)
      expect((await as(onPrem, bob).post('/v1/webhooks').send({ url: `http://127.0.0.1:9/h${i}`, events: ['recording.failed'] })).status).toBe(201);
    const over = await as(onPrem, bob).post('/v1/webhooks').send({ url: 'http://127.0.0.1:9/h10', events: ['recording.failed'] });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'webhook_limit_reached', details: { limit: 10 } });
  });

  it('needs a user token', async () => {
    expect((await request(gw.app).get('/v1/webhooks')).status).toBe(401);
    expect((await as(gw, ingest).get('/v1/webhooks')).status).toBe(403);
    expect((await as(gw, ingest).post('/v1/webhooks').send({ url: 'https://example.com/', events: ['recording.scored'] })).status).toBe(403);
  });
});
