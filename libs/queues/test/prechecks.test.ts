import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { createLogger } from '@voicepulse/logger';
import { deleteRedisPrefix, testRedisUrl, uniquePrefix, waitFor } from '@voicepulse/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, createRedis, metricsJobSchema, type MetricsJob } from '../src';
import { safeParsePayload } from '../src/prechecks';

const logger = createLogger({ service: 'test', level: 'silent' });
const prefix = uniquePrefix('prechecks');
const producerConn = createRedis(testRedisUrl(), 'producer');
const workerConn = createRedis(testRedisUrl(), 'worker');
afterAll(async () => {
  producerConn.disconnect();
  workerConn.disconnect();
  await deleteRedisPrefix(prefix);
});

function event(over: Partial<NormalizedMetricEvent> = {}): NormalizedMetricEvent {
  return {
    eventId: randomUUID(),
    userId: 'alice',
    sessionId: randomUUID(),
    deviceId: 'phone',
    talkedTimeMs: 1000,
    microphoneUsed: true,
    speakerUsed: false,
    voiceSentiment: 0.5,
    voiceSentimentLabel: 'positive',
    recordedAt: new Date().toISOString(),
    timezone: 'UTC',
    platform: 'ios',
    appVersion: '1.0.0',
    source: 'api',
    recordingId: null,
    participant: null,
    counterpart: false,
    ...over,
  };
}

describe('metrics job payload checks', () => {
  it('agree with the schema on valid and malformed jobs', () => {
    const good = { events: [event(), event()], correlationId: 'c1' };
    const cases: unknown[] = [
      good,
      // Queued by a release that carried the trace context in the payload: the key is stripped.
      { ...good, traceparent: '00-abc-def-01' },
      { ...good, extra: true },
      { ...good, correlationId: '' },
      { ...good, events: [] },
      { ...good, events: Array.from({ length: 5_001 }, () => event()) },
      { ...good, events: [event(), { ...event(), talkedTimeMs: -1 }] },
      { ...good, events: [event(), { ...event(), colour: 'red' }] },
      { ...good, events: [event({ participant: 'agent' }), event({ participant: 'customer', counterpart: true })] },
      { ...good, events: [event({ participant: 'x'.repeat(65) })] },
      { events: good.events },
      null,
      [good],
    ];
    for (const c of cases) {
      const ours = safeParsePayload('metrics', c);
      const schema = metricsJobSchema.safeParse(c);
      expect(ours.success).toBe(schema.success);
      // Unknown keys are stripped exactly as the schema strips them.
      if (ours.success && schema.success) expect(ours.data).toEqual(schema.data);
    }
  });

  it('accepts a job queued by the release before participants existed, filling their defaults', () => {
    const { participant: _p, counterpart: _c, ...older } = event();
    const parsed = safeParsePayload('metrics', { events: [older], correlationId: 'upgrade' });
    expect(parsed.success && parsed.data.events[0]).toMatchObject({ participant: null, counterpart: false });
  });

  it('delivers a valid metrics job unchanged and fails a malformed one permanently with its reason', async () => {
    const producer = createProducer('metrics', producerConn, prefix);
    const seen: MetricsJob[] = [];
    const worker = createConsumer({
      queue: 'metrics',
      connection: workerConn,
      prefix,
      logger,
      handler: async (p) => void seen.push(p),
    });
    try {
      const payload = { events: [event(), event({ sessionId: null, deviceId: null })], correlationId: 'ok' };
      await producer.addBulk([{ payload, jobId: 'good1' }]);
      // Bypasses the producer's check, as a bug elsewhere or a hand-edited Redis entry would.
      const malformed = { events: [{ ...event(), voiceSentiment: 7 }], correlationId: 'bad' };
      await producer.queue.add('metrics', malformed, { jobId: 'bad1', attempts: 5 });
      void worker.run();
      await waitFor(async () => (await producer.queue.getJobState('bad1')) === 'failed', { what: 'bad job failed' });
      await waitFor(() => seen.length === 1, { what: 'good job delivered' });
      expect(seen[0]).toEqual(payload);
      const failed = await producer.queue.getJob('bad1');
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toMatch(/^invalid_payload: invalid metrics payload: .*events.*voiceSentiment/s);
      await expect(
        producer.addBulk([{ payload: malformed as MetricsJob, jobId: 'bad2' }]),
      ).rejects.toThrow(/voiceSentiment/);
    } finally {
      await worker.close();
      await producer.close();
    }
  });
});
