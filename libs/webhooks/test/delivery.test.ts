/**
 * Deliveries end to end on real servers: Postgres for endpoints and recordings, Redis for the
 * webhooks queue and its worker, and an HTTP receiver on loopback (allowed by the operator
 * allowance these tests set, as an on-premises install would).
 */
import { createDatabase, runMigrations, type Database } from '@voicepulse/db';
import { StatusReporter } from '@voicepulse/pipeline';
import { JobInspector, createConsumer, createProducer, type Producer } from '@voicepulse/queues';
import { openQueueTestKit } from '@voicepulse/queues/testing';
import { RecordingsRepository } from '@voicepulse/recordings';
import { createTestDatabase, waitFor, type TestDatabase } from '@voicepulse/testing';
import type { Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  WebhookEndpointsRepository,
  WebhookFanout,
  registerWebhook,
  verifyWebhookSignature,
  webhookDeliveryHandler,
  webhookEventId,
  type DeliveryOutcome,
} from '../src';

const queues = openQueueTestKit('webhooks');
const { prefix, producerConn: redis, workerConn: workerRedis, logger } = queues;
const allowLoopback = { allowPrivate: true };
/** Fast retries so a receiver that is "down for a while" is down for a few attempts, not minutes. */
const ATTEMPTS = 4;
const jobOptions = { attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 100 } };

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A loopback receiver; each path answers with the statuses queued for it, then 200. */
class Receiver {
  readonly received: Received[] = [];
  private readonly plans = new Map<string, (number | 'hang')[]>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const next = this.plans.get(req.url ?? '')?.shift() ?? 200;
      if (next === 'hang') return; // never answers: the sender's timeout must cut it
      res.writeHead(next).end();
    });
  });
  port = 0;

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  plan(path: string, statuses: (number | 'hang')[]) {
    this.plans.set(path, [...statuses]);
  }
  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port with nothing listening (taken, then released). */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

let tdb: TestDatabase;
let database: Database;
let recordings: RecordingsRepository;
let endpoints: WebhookEndpointsRepository;
let producer: Producer<'webhooks'>;
let worker: Worker;
let status: StatusReporter;
let inspector: JobInspector;
const receiver = new Receiver();
const outcomes: DeliveryOutcome[] = [];
/** Which destination policy the worker applies; one test withdraws the allowance. */
let deliveryPolicy: { allowPrivate: boolean; resolve?: (h: string) => Promise<{ address: string; family: number }[]> } = allowLoopback;

beforeAll(async () => {
  tdb = await createTestDatabase({ prefix: 'webhooks', migrate: runMigrations });
  database = createDatabase(tdb.url, { max: 4 });
  recordings = new RecordingsRepository(database.db);
  endpoints = new WebhookEndpointsRepository(database.db);
  producer = createProducer('webhooks', redis, prefix);
  status = new StatusReporter(recordings, redis, prefix, new WebhookFanout(endpoints, producer, jobOptions));
  inspector = new JobInspector(redis, prefix);
  await receiver.listen();
  const handler = webhookDeliveryHandler({
    endpoints,
    get policy() {
      return deliveryPolicy;
    },
    timeoutMs: 500,
    onOutcome: (o) => outcomes.push(o),
  });
  worker = createConsumer({ queue: 'webhooks', connection: workerRedis, prefix, logger, concurrency: 4, handler });
  void worker.run();
});
afterAll(async () => {
  await worker?.close();
  await producer?.close();
  await inspector?.close();
  await receiver.close();
  await queues.close();
  await database?.close();
  await tdb?.drop();
});

async function newRecording(userId: string) {
  const id = randomUUID();
  await recordings.create({ id, userId, status: 'uploaded', originalKey: `k/${id}`, contentType: 'audio/wav', correlationId: `corr-${id}` });
  return id;
}

async function scoreRecording(id: string) {
  for (const [from, to] of [
    ['uploaded', 'transcoding'],
    ['transcoding', 'transcoded'],
    ['transcoded', 'scoring'],
  ] as const)
    await status.announce(await recordings.transition(id, [from], to, to === 'transcoded' ? { normalizedKey: `n/${id}` } : {}));
  const saved = await recordings.saveAnalysis(id, {
    talkedTimeMs: 1000,
    speechRatio: 0.5,
    durationMs: 2000,
    segments: [],
    sentiment: { score: 0.5, label: 'positive', confidence: 0.9, engines: [] },
  });
  await status.announce(saved);
  return saved!;
}

const jobState = async (recordingId: string, s: string, endpointId: string) =>
  (await producer.queue.getJob(`${recordingId}.${s}.${endpointId}`))?.getState();

const register = (userId: string, path: string, events: ('recording.scored' | 'recording.failed')[], extra = {}) =>
  registerWebhook(endpoints, allowLoopback, userId, { url: receiver.url(path), events, ...extra });

describe('webhook deliveries', () => {
  it('exactly one verified delivery per terminal status, however often the stage re-announces it', async () => {
    const user = 'hook-user-1';
    const all = await register(user, '/all', ['recording.scored', 'recording.failed'], {
      authHeader: { name: 'Authorization', value: 'Bearer receiver-token' },
    });
    const failedOnly = await register(user, '/failed-only', ['recording.failed']);
    const scoredId = await newRecording(user);
    const failedId = await newRecording(user);

    const scored = await scoreRecording(scoredId);
    await status.fail(failedId, 'corrupt_audio', 'no samples');
    // What retried and re-run stages do: announce the terminal row again.
    await status.finished(scored);
    await status.finished((await recordings.get(failedId, null))!);

    await waitFor(async () => (await jobState(scoredId, 'scored', all.id)) === 'completed', { what: 'scored delivery' });
    await waitFor(async () => (await jobState(failedId, 'failed', all.id)) === 'completed', { what: 'failed delivery' });
    await waitFor(async () => (await jobState(failedId, 'failed', failedOnly.id)) === 'completed', { what: 'failed-only delivery' });
    expect(await producer.queue.getJobCountByTypes('waiting', 'delayed', 'active', 'failed')).toBe(0);
    expect(await producer.queue.getJobCountByTypes('completed')).toBe(3);

    const atAll = receiver.at('/all');
    expect(atAll).toHaveLength(2);
    expect(receiver.at('/failed-only')).toHaveLength(1);
    for (const r of [...atAll, ...receiver.at('/failed-only')]) {
      const secret = r.path === '/all' ? all.secret : failedOnly.secret;
      expect(verifyWebhookSignature(secret, r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body)).toMatchObject({ ok: true });
      // Another endpoint's secret does not verify it: each endpoint has its own.
      expect(verifyWebhookSignature(secret === all.secret ? failedOnly.secret : all.secret, r.headers[SIGNATURE_HEADER.toLowerCase()] as string, r.body).ok).toBe(false);
      const body = JSON.parse(r.body);
      expect(Object.keys(body).sort()).toEqual(['eventId', 'occurredAt', 'recordingId', 'status']);
      expect(r.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(body.eventId);
      expect(body.eventId).toBe(webhookEventId(body.recordingId, body.status));
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(atAll.map((r) => JSON.parse(r.body)).sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      expect.objectContaining({ recordingId: failedId, status: 'failed' }),
      expect.objectContaining({ recordingId: scoredId, status: 'scored', occurredAt: scored.updatedAt.toISOString() }),
    ]);
    expect(atAll.every((r) => r.headers.authorization === 'Bearer receiver-token')).toBe(true);
    expect(receiver.at('/failed-only')[0]!.headers.authorization).toBeUndefined();
    // The payload in Redis (visible to operators) carries no secret.
    const job = await producer.queue.getJob(`${scoredId}.scored.${all.id}`);
    expect(JSON.stringify(job!.data)).not.toContain(all.secret);
    expect(JSON.stringify(job!.data)).not.toContain('receiver-token');
    expect(job!.data.correlationId).toBe(`corr-${scoredId}`);
  });

  it('survives a receiver that is down for a while: delivered once when it is back', async () => {
    const user = 'hook-user-2';
    const port = await closedPort();
    const ep = await registerWebhook(endpoints, allowLoopback, user, { url: `http://127.0.0.1:${port}/late`, events: ['recording.failed'] });
    const id = await newRecording(user);
    await status.fail(id, 'internal', 'x');
    // Connection refused for a couple of attempts…
    await waitFor(async () => ((await producer.queue.getJob(`${id}.failed.${ep.id}`))?.attemptsMade ?? 0) >= 2, { what: 'two refused attempts' });
    // …then the receiver comes up on that port, answering 503 once before it is healthy.
    const late = new Receiver();
    late.plan('/late', [503]);
    await late.listen(port);
    try {
      await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'completed', { what: 'late delivery' });
      expect(late.at('/late').map((r) => JSON.parse(r.body).recordingId)).toEqual([id, id]);
      const job = await producer.queue.getJob(`${id}.failed.${ep.id}`);
      expect(job!.attemptsMade).toBeGreaterThanOrEqual(3);
      expect(job!.attemptsMade).toBeLessThanOrEqual(ATTEMPTS);
    } finally {
      await late.close();
    }
  });

  it('a 4xx other than 408/429 stops after one attempt; 408 and 429 are retried', async () => {
    const user = 'hook-user-3';
    receiver.plan('/gone', [410, 200]);
    receiver.plan('/busy', [429, 408, 200]);
    const gone = await register(user, '/gone', ['recording.failed']);
    const busy = await register(user, '/busy', ['recording.failed']);
    const id = await newRecording(user);
    await status.fail(id, 'internal', 'x');
    await waitFor(async () => (await jobState(id, 'failed', gone.id)) === 'failed', { what: '410 to fail the job' });
    await waitFor(async () => (await jobState(id, 'failed', busy.id)) === 'completed', { what: '429 then 408 then 200' });
    expect(receiver.at('/gone')).toHaveLength(1);
    const goneJob = await producer.queue.getJob(`${id}.failed.${gone.id}`);
    expect(goneJob!.attemptsMade).toBe(1);
    expect(goneJob!.failedReason).toMatch(/receiver_rejected: receiver answered 410/);
    expect(receiver.at('/busy')).toHaveLength(3);
  });

  it('a receiver that does not answer in time is cut off and retried', async () => {
    const user = 'hook-user-4';
    receiver.plan('/slow', ['hang']);
    const ep = await register(user, '/slow', ['recording.failed']);
    const id = await newRecording(user);
    const before = outcomes.length;
    await status.fail(id, 'internal', 'x');
    await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'completed', { what: 'delivery after a timeout' });
    expect(receiver.at('/slow')).toHaveLength(2);
    expect(outcomes.slice(before)).toEqual(['retry', 'delivered']);
    expect((await producer.queue.getJob(`${id}.failed.${ep.id}`))!.attemptsMade).toBe(2);
  });

  it('an exhausted delivery is visible in the failed-jobs tooling and replayable', async () => {
    const user = 'hook-user-5';
    receiver.plan('/broken', Array(ATTEMPTS).fill(500));
    const ep = await register(user, '/broken', ['recording.failed']);
    const id = await newRecording(user);
    await status.fail(id, 'internal', 'x');
    const jobId = `${id}.failed.${ep.id}`;
    await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'failed', { what: 'exhausted delivery' });
    expect(receiver.at('/broken')).toHaveLength(ATTEMPTS);
    const listed = (await inspector.failed(['webhooks'])).find((f) => f.id === jobId);
    expect(listed).toMatchObject({ queue: 'webhooks', attemptsMade: ATTEMPTS, reason: 'receiver answered 500', correlationId: `corr-${id}` });
    expect(outcomes).toContain('exhausted');
    // The receiver is fixed; the operator replays the delivery.
    expect(await inspector.retry('webhooks', jobId)).toBe(1);
    await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'completed', { what: 'replayed delivery' });
    const got = receiver.at('/broken');
    expect(got).toHaveLength(ATTEMPTS + 1);
    expect(verifyWebhookSignature(ep.secret, got.at(-1)!.headers[SIGNATURE_HEADER.toLowerCase()] as string, got.at(-1)!.body).ok).toBe(true);
  });

  it('checks the destination again at delivery: without the allowance, loopback is refused and nothing is sent', async () => {
    const user = 'hook-user-6';
    const ep = await register(user, '/refused', ['recording.failed']);
    const id = await newRecording(user);
    deliveryPolicy = { allowPrivate: false };
    try {
      await status.fail(id, 'internal', 'x');
      await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'failed', { what: 'refused delivery' });
    } finally {
      deliveryPolicy = allowLoopback;
    }
    const job = await producer.queue.getJob(`${id}.failed.${ep.id}`);
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toMatch(/destination_refused: .*127\.0\.0\.1 is a loopback address/);
    expect(receiver.at('/refused')).toHaveLength(0);
  });

  it('connects to the address it checked, not to what the name resolves to later', async () => {
    const user = 'hook-user-7';
    // `.invalid` never resolves in real DNS (RFC 6761): delivery works only through the pinned address.
    const url = `http://receiver.invalid:${receiver.port}/pinned`;
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const ep = await registerWebhook(endpoints, { allowPrivate: true, resolve }, user, { url, events: ['recording.failed'] });
    const id = await newRecording(user);
    deliveryPolicy = { allowPrivate: true, resolve };
    try {
      await status.fail(id, 'internal', 'x');
      await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'completed', { what: 'pinned delivery' });
    } finally {
      deliveryPolicy = allowLoopback;
    }
    const [r] = receiver.at('/pinned');
    expect(r!.headers.host).toBe(`receiver.invalid:${receiver.port}`);
  });

  it('a deleted endpoint gets nothing', async () => {
    const user = 'hook-user-8';
    const ep = await register(user, '/deleted', ['recording.failed']);
    const id = await newRecording(user);
    expect(await endpoints.delete('someone-else', ep.id)).toBe(false);
    expect(await endpoints.delete(user, ep.id)).toBe(true);
    // A job enqueued before the delete finds no endpoint and completes without sending.
    await producer.add(
      { endpointId: ep.id, recordingId: id, status: 'failed', eventId: webhookEventId(id, 'failed'), occurredAt: new Date().toISOString(), correlationId: 'c' },
      { jobId: `${id}.failed.${ep.id}` },
    );
    await waitFor(async () => (await jobState(id, 'failed', ep.id)) === 'completed', { what: 'dropped delivery' });
    expect(receiver.at('/deleted')).toHaveLength(0);
    expect(outcomes).toContain('endpoint_gone');
  });
});
