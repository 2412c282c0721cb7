import { PROBES, differentialSeed, mutants, seededRandom } from '@voicepulse/testing';
import { describe, expect, it } from 'vitest';
import { isMetricEventInput, metricEventSchema, type MetricEventInput } from './index';

const input: MetricEventInput = {
  eventId: '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  userId: 'user-1',
  sessionId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  deviceId: 'device-1',
  talkedTimeMs: 1200,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 'positive',
  recordedAt: '2026-11-01T10:00:00+02:00',
  timezone: 'Europe/Paris',
  platform: 'ios',
  appVersion: '1.2.3',
};
const {
  userId: _u,
  sessionId: _s,
  deviceId: _d,
  timezone: _t,
  platform: _p,
  appVersion: _a,
  ...bare
} = input;
const full = { ...input, participant: 'agent', counterpart: true };

/** Where the generated check and the schema disagree; the check is generated to agree exactly. */
function disagreements(candidates: Iterable<unknown>) {
  const found: { candidate: unknown; fast: boolean; schema: boolean }[] = [];
  for (const candidate of candidates) {
    const fast = isMetricEventInput(candidate);
    const schema = metricEventSchema.safeParse(candidate).success;
    if (fast !== schema) found.push({ candidate, fast, schema });
  }
  return found;
}

describe('isMetricEventInput (generated from metricEventSchema)', () => {
  it('accepts what clients send, with and without the optional fields', () => {
    expect(isMetricEventInput(input)).toBe(true);
    expect(isMetricEventInput(full)).toBe(true);
    expect(isMetricEventInput({ ...bare, voiceSentiment: -0.5 })).toBe(true);
  });

  it('agrees with the schema for every probe value in every field', () => {
    const candidates = Object.keys(full).flatMap((key) => PROBES.map((probe) => ({ ...full, [key]: probe })));
    expect(disagreements(candidates)).toEqual([]);
  });

  it('agrees with the schema on random variants of valid events', () => {
    const rand = seededRandom(differentialSeed('isMetricEventInput'));
    let accepted = 0;
    const candidates = [...mutants([input, bare, full], rand, 10_000)];
    for (const c of candidates) if (metricEventSchema.safeParse(c).success) accepted++;
    expect(disagreements(candidates)).toEqual([]);
    // The variants reach both sides of the schema, or the comparison would prove little.
    expect(accepted).toBeGreaterThan(candidates.length * 0.05);
    expect(accepted).toBeLessThan(candidates.length * 0.9);
  });

  it('runs the refinements JSON Schema cannot state: plain text and IANA zones', () => {
    for (const bad of [{ deviceId: 'a\u0000b' }, { platform: 'lone\ud800' }, { timezone: 'Mars/Base' }]) {
      expect(isMetricEventInput({ ...input, ...bad })).toBe(false);
    }
    expect(isMetricEventInput({ ...input, timezone: 'America/Argentina/Buenos_Aires' })).toBe(true);
  });

  it('refuses unknown keys, missing required keys and non-objects', () => {
    expect(isMetricEventInput({ ...input, colour: 'red' })).toBe(false);
    const { recordedAt: _r, ...missing } = input;
    expect(isMetricEventInput(missing)).toBe(false);
    for (const v of [null, undefined, 'event', 42, [input]]) expect(isMetricEventInput(v)).toBe(false);
  });
});
