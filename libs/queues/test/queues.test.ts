import { testRedisUrl, waitFor } from '@voicepulse/testing';
import { QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  PermanentJobError,
  createConsumer,
  createProducer,
  createRedis,
  createStatusHub,
  jobIds,
  publishStatus,
  type ScoreJob,
} from '../src';
import { openQueueTestKit } from './testing';

const { prefix, producerConn, workerConn, logger, close } = openQueueTestKit('queues');
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(close);

function job(): ScoreJob {
  return { recordingId: randomUUID(), userId: 'alice', correlationId: randomUUID() };
}

describe('queues', () => {
  it('delivers a validated payload to the handler and dedupes by job id', async () => {
    const producer = createProducer('score', producerConn, prefix);
    closers.push(() => producer.close());
    const seen: ScoreJob[] = [];
    const worker = createConsumer({
      queue: 'score', connection: workerConn, prefix, logger,
      handler: async (p) => void seen.push(p),
    });
    closers.push(() => worker.close());
    const payload = job();
    await producer.add(payload, { jobId: jobIds.score(payload.recordingId) });
    await producer.add(payload, { jobId: jobIds.score(payload.recordingId) });
    void worker.run();
    // The queue holds one job in every state together, and it completed: the duplicate never existed.
    await waitFor(async () => (await producer.queue.getJobCounts('completed')).completed === 1, { what: 'job delivery' });
    expect(await producer.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toBe(1);
    expect(seen).toEqual([payload]);
  });

  it('rejects invalid payloads at the producer', async () => {
    const producer = createProducer('score', producerConn, prefix);
    closers.push(() => producer.close());
    await expect(producer.add({ recordingId: 'nope' } as unknown as ScoreJob, { jobId: 'x' })).rejects.toThrow();
  });

  it('fails permanent errors at once with the reason, retries transient ones', async () => {
    const producer = createProducer('transcode', producerConn, prefix);
    closers.push(() => producer.close());
    const attempts = new Map<string, number>();
    const worker = createConsumer({
      queue: 'transcode', connection: workerConn, prefix, logger,
      handler: async (p) => {
        const n = (attempts.get(p.recordingId) ?? 0) + 1;
        attempts.set(p.recordingId, n);
        if (p.userId === 'poison') throw new PermanentJobError('not audio', 'corrupt_audio');
        if (n < 2) throw new Error('transient blip');
      },
    });
    closers.push(() => worker.close());
    const events = new QueueEvents('transcode', { connection: createRedis(testRedisUrl(), 'worker'), prefix });
    closers.push(() => events.close());
    const poison = { ...job(), userId: 'poison' };
    const flaky = job();
    await producer.add(poison, { jobId: 'poison1', backoff: { type: 'fixed', delay: 10 } });
    await producer.add(flaky, { jobId: 'flaky1', backoff: { type: 'fixed', delay: 10 } });
    void worker.run();
    await waitFor(async () => (await producer.queue.getJobState('poison1')) === 'failed', { what: 'poison failed' });
    await waitFor(async () => (await producer.queue.getJobState('flaky1')) === 'completed', { what: 'flaky completed' });
    const failed = await producer.queue.getJob('poison1');
    expect(failed?.failedReason).toBe('corrupt_audio: not audio');
    expect(attempts.get(poison.recordingId)).toBe(1);
    expect(attempts.get(flaky.recordingId)).toBe(2);
  });

  it('fans status events out to subscribers of that recording only', async () => {
    const hub = await createStatusHub(createRedis(testRedisUrl(), 'subscriber'), prefix);
    closers.push(() => hub.close());
    const a = randomUUID();
    const b = randomUUID();
    const got: string[] = [];
    const off = hub.subscribe(a, (e) => got.push(e.status));
    await publishStatus(producerConn, prefix, { id: b, status: 'scoring', at: new Date().toISOString() });
    await publishStatus(producerConn, prefix, { id: a, status: 'transcoding', at: new Date().toISOString() });
    await waitFor(() => got.length === 1, { what: 'status event' });
    off();
    // A subscriber that stays on sees the next event; once it has, the one that left would have too.
    const stayed: string[] = [];
    const offStayed = hub.subscribe(a, (e) => stayed.push(e.status));
    await publishStatus(producerConn, prefix, { id: a, status: 'scored', at: new Date().toISOString() });
    await waitFor(() => stayed.length === 1, { what: 'status event to the remaining subscriber' });
    offStayed();
    expect(stayed).toEqual(['scored']);
    expect(got).toEqual(['transcoding']);
  });
});
