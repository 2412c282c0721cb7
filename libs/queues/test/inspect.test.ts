import { createMetrics } from '@voicepulse/runtime';
import { waitFor } from '@voicepulse/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  JobInspector,
  PermanentJobError,
  UnknownQueueError,
  createConsumer,
  createProducer,
  parseQueueName,
  registerQueueGauges,
} from '../src';
import { openQueueTestKit } from './testing';

const { prefix, producerConn: conn, workerConn, logger, close } = openQueueTestKit('inspect');
afterAll(close);

describe('JobInspector', () => {
  it('lists failed jobs with their reason, replays them with fresh attempts, and purges them', async () => {
    const producer = createProducer('score', conn, prefix);
    const inspector = new JobInspector(conn, prefix);
    let healed = false;
    const seen: string[] = [];
    const consumer = createConsumer({
      queue: 'score',
      connection: workerConn,
      prefix,
      logger,
      handler: async (job) => {
        seen.push(job.recordingId);
        if (!healed) throw new PermanentJobError('cannot decode audio', 'corrupt_audio');
      },
    });
    void consumer.run();
    try {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) {
        await producer.add(
          { recordingId: id, userId: 'u', correlationId: `c-${id}` },
          { jobId: `${id}.score` },
        );
      }
      const failed = await waitFor(
        async () => {
          const f = await inspector.failed(['score']);
          return f.length === 3 ? f : undefined;
        },
        { what: 'three failed jobs' },
      );
      expect(failed[0]).toMatchObject({
        queue: 'score',
        reason: 'corrupt_audio: cannot decode audio',
        attemptsMade: 1,
      });
      expect(failed.map((f) => f.correlationId).sort()).toEqual(ids.map((id) => `c-${id}`).sort());

      const metrics = createMetrics('inspect-test');
      registerQueueGauges(metrics.registry, inspector, ['score', 'transcode']);
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/voicepulse_queue_jobs\{queue="score",state="failed"[^}]*\} 3\n/);
      expect(text).toMatch(/voicepulse_queue_jobs\{queue="transcode",state="waiting"[^}]*\} 0\n/);

      // One by id, then the rest: after the fix they all complete.
      healed = true;
      expect(await inspector.retry('score', `${ids[0]}.score`)).toBe(1);
      expect(await inspector.retry('score', 'no-such-job')).toBe(0);
      await waitFor(async () => (await inspector.counts(['score']))[0]!.failed === 2, {
        what: 'one retried',
      });
      expect(await inspector.retry('score')).toBe(2);
      await waitFor(async () => (await inspector.counts(['score']))[0]!.completed === 3, {
        what: 'all completed',
      });
      expect(seen.length).toBe(6);

      healed = false;
      await producer.add(
        { recordingId: randomUUID(), userId: 'u', correlationId: 'poison' },
        { jobId: 'poison.score' },
      );
      await waitFor(async () => (await inspector.counts(['score']))[0]!.failed === 1, {
        what: 'poison failed',
      });
      expect(await inspector.purge('score')).toBe(1);
      expect(await inspector.failed(['score'])).toEqual([]);
      await inspector.close();
    } finally {
      await consumer.close();
      await producer.close();
    }
  });

  it('names the valid queues when given an unknown one', () => {
    expect(parseQueueName('metrics')).toBe('metrics');
    expect(() => parseQueueName('nope')).toThrow(UnknownQueueError);
    expect(() => parseQueueName('nope')).toThrow(/transcode, score, metrics, maintenance, housekeeping/);
  });
});
