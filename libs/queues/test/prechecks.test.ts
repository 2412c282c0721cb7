import { MAX_EVENTS_PER_REQUEST, type NormalizedMetricEvent } from '@voicepulse/contracts';
import { PROBES, differentialSeed, mutants, seededRandom, waitFor } from '@voicepulse/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createConsumer, createProducer, metricsJobSchema, type MetricsJob } from '../src';
import { isMetricsJob } from '../src/payload-validators.generated';
import { safeParsePayload } from '../src/prechecks';
import { openQueueTestKit } from './testing';

const { prefix, producerConn, workerConn, logger, close } = openQueueTestKit('prechecks');
afterAll(close);

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

const OUTPUT_KEYS = Object.keys(event());
const JOB_KEYS = ['correlationId', 'traceparent'];

/**
 * Where the generated check and the schema disagree, other than where it must: it refuses what the
 * schema accepts only to change (unknown keys stripped, missing defaults filled), so that whatever
 * it accepts is the schema's output as is.
 */
function disagreements(jobs: Iterable<unknown>) {
  const found: { job: unknown; fast: boolean; schema: boolean }[] = [];
  for (const job of jobs) {
    const fast = isMetricsJob(job);
    const schema = metricsJobSchema.safeParse(job).success;
    if (fast ? !schema : schema && isOutputShaped(job)) found.push({ job, fast, schema });
  }
  return found;
}

/** Exactly the keys the schema outputs, none undefined: what the schema returns unchanged. */
const isOutput = (o: object, keys: (k: string) => boolean) =>
  Object.entries(o).every(([k, v]) => keys(k) && v !== undefined);
function isOutputShaped(job: unknown): boolean {
  const { events, ...meta } = job as { events: object[] };
  return (
    isOutput(meta, (k) => JOB_KEYS.includes(k)) &&
    events.every((e) => isOutput(e, (k) => OUTPUT_KEYS.includes(k)) && Object.keys(e).length === OUTPUT_KEYS.length)
  );
}

describe('isMetricsJob (generated from metricsJobSchema)', () => {
  const valid = event({ eventId: '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f' });
  const variants: NormalizedMetricEvent[] = [
    valid,
    event({ sessionId: null, deviceId: null, timezone: null, platform: null, appVersion: null }),
    event({ source: 'recording', recordingId: randomUUID(), participant: 'agent', counterpart: true }),
  ];
  const job = (e: unknown) => ({ events: [valid, e], correlationId: 'c1' });

  it('accepts the jobs the gateway and the scorer produce', () => {
    expect(isMetricsJob({ events: variants, correlationId: 'c1' })).toBe(true);
  });

  it('agrees with the schema for every probe value in every event field', () => {
    const jobs: unknown[] = Object.keys(valid).flatMap((key) => PROBES.map((probe) => job({ ...valid, [key]: probe })));
    expect(disagreements(jobs)).toEqual([]);
  });

  it('agrees with the schema on random variants of valid events and of the job around them', () => {
    const rand = seededRandom(differentialSeed('isMetricsJob'));
    const jobs = [...mutants(variants, rand, 10_000)].map(job);
    const envelopes = [...mutants([{ events: variants, correlationId: 'c1' }], rand, 2_000)];
    const accepted = jobs.filter((j) => metricsJobSchema.safeParse(j).success).length;
    expect(disagreements([...jobs, ...envelopes])).toEqual([]);
    // The variants reach both sides of the schema, or the comparison would prove little.
    expect(accepted).toBeGreaterThan(jobs.length * 0.05);
    expect(accepted).toBeLessThan(jobs.length * 0.9);
  });

  it('agrees exactly on ids mutated one character at a time (the common case must stay fast)', () => {
    const alphabet = '0123456789abcdefABCDEFgG-_ zé\u0000';
    const rand = seededRandom(7);
    for (let k = 0; k < 5_000; k++) {
      const chars = [...valid.eventId];
      const at = Math.floor(rand() * 37);
      const c = alphabet[Math.floor(rand() * alphabet.length)]!;
      if (at === 36) chars.push(c);
      else chars[at] = c;
      const eventId = chars.join('');
      const candidate = job({ ...valid, eventId });
      expect({ eventId, fast: isMetricsJob(candidate) }).toEqual({
        eventId,
        fast: metricsJobSchema.safeParse(candidate).success,
      });
    }
  });

  it('refuses unknown and missing keys, which callers then hand to the schema', () => {
    expect(isMetricsJob(job({ ...valid, extra: 1 }))).toBe(false);
    const { platform: _omitted, ...missing } = valid;
    expect(isMetricsJob(job(missing))).toBe(false);
    expect(isMetricsJob(job({ ...missing, platfrom: 'ios' }))).toBe(false);
    for (const v of [null, undefined, 'job', 42, [job(valid)]]) expect(isMetricsJob(v)).toBe(false);
  });
});

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
      { ...good, events: Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => event()) },
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
