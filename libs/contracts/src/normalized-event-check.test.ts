import { describe, expect, it } from 'vitest';
import {
  isMetricEventInput,
  isNormalizedMetricEvent,
  metricEventSchema,
  normalizedMetricEventSchema,
  type MetricEventInput,
  type NormalizedMetricEvent,
} from './index';

const valid: NormalizedMetricEvent = {
  eventId: '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  userId: 'user-1',
  sessionId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  deviceId: 'device-1',
  talkedTimeMs: 1200,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 0.25,
  voiceSentimentLabel: 'positive',
  recordedAt: '2026-11-01T10:00:00.000Z',
  timezone: 'Europe/Paris',
  platform: 'ios',
  appVersion: '1.2.3',
  source: 'api',
  recordingId: null,
  participant: null,
  counterpart: false,
};

/** Values tried in every field: each type, the bounds and just past them, and format edge cases. */
const PROBES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  -1.0001,
  1.0001,
  86_400_000,
  86_400_001,
  -5,
  NaN,
  Infinity,
  -Infinity,
  '',
  'x',
  'x'.repeat(128),
  'x'.repeat(129),
  [],
  {},
  'api',
  'recording',
  'negative',
  'neutral',
  'positive',
  'Positive',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '8D7F2C1E-3B4A-4C5D-9E6F-7A8B9C0D1E2F',
  '8d7f2c1e-3b4a-0c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-7e6f-7a8b9c0d1e2f',
  '8d7f2c1e3b4a4c5d9e6f7a8b9c0d1e2f',
  ' 8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-9c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-ce6f-7a8b9c0d1e2f',
  '8d7f2c1g-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-Be6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2ff',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1é2f',
  '2026-11-01T10:00:00Z',
  '2026-11-01T10:00:00.123456+05:30',
  '2026-11-01T10:00:00-00:00',
  '2026-11-01 10:00:00Z',
  '2026-11-01T10:00:00',
  '2026-02-29T00:00:00Z',
  '2028-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-01T24:00:00Z',
  '+012026-11-01T10:00:00.000Z',
  '2026-11-01T10:00:00.000Z\n',
  '2026-11-01',
  'Europe/Paris',
  'Mars/Base',
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  'bench-user_1@a:b.c',
  'user one',
  'user/1',
  'a\u0000b',
  '\u0000',
  'tab\there',
  'del\u007f',
  'c1\u0085',
  'lone\ud800',
  '\udc00x',
  'pair\u{1F600}',
];

describe('isNormalizedMetricEvent (the compiled form of normalizedMetricEventSchema)', () => {
  it('accepts the events the gateway produces', () => {
    expect(isNormalizedMetricEvent(valid)).toBe(true);
    expect(isNormalizedMetricEvent({ ...valid, sessionId: null, deviceId: null, timezone: null })).toBe(true);
    expect(isNormalizedMetricEvent({ ...valid, source: 'recording', recordingId: valid.eventId })).toBe(true);
  });

  it('never accepts what the schema rejects, for every probe value in every field', () => {
    let agreed = 0;
    for (const key of Object.keys(valid)) {
      for (const probe of PROBES) {
        const candidate = { ...valid, [key]: probe };
        const fast = isNormalizedMetricEvent(candidate);
        const schema = normalizedMetricEventSchema.safeParse(candidate).success;
        if (fast) expect({ key, probe, schema }).toEqual({ key, probe, schema: true });
        if (fast === schema) agreed++;
      }
    }
    // It may refuse what the schema accepts (callers then ask the schema), but only rarely.
    expect(agreed).toBeGreaterThan(Object.keys(valid).length * PROBES.length * 0.95);
  });

  it('agrees with the schema on ids mutated one character at a time', () => {
    const alphabet = '0123456789abcdefABCDEFgG-_ zé\u0000';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 5_000; k++) {
      const chars = [...valid.eventId];
      const at = Math.floor(next() * 37);
      const c = alphabet[Math.floor(next() * alphabet.length)]!;
      if (at === 36) chars.push(c);
      else chars[at] = c;
      const eventId = chars.join('');
      const candidate: unknown = { ...valid, eventId };
      const schema = normalizedMetricEventSchema.safeParse(candidate).success;
      // Accepting less than the schema would only cost speed, but ids are the common case: exact here.
      expect({ eventId, fast: isNormalizedMetricEvent(candidate) }).toEqual({ eventId, fast: schema });
    }
  });

  it('refuses unknown and missing keys and non-objects, which callers then hand to the schema', () => {
    expect(isNormalizedMetricEvent({ ...valid, extra: 1 })).toBe(false);
    const { platform: _omitted, ...missing } = valid;
    expect(isNormalizedMetricEvent(missing)).toBe(false);
    expect(isNormalizedMetricEvent({ ...missing, platfrom: 'ios' })).toBe(false);
    for (const v of [null, undefined, 'event', 42, [valid]]) expect(isNormalizedMetricEvent(v)).toBe(false);
  });
});

const input: MetricEventInput = {
  eventId: valid.eventId,
  userId: 'user-1',
  sessionId: valid.sessionId!,
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

describe('isMetricEventInput (the compiled form of metricEventSchema)', () => {
  it('accepts what clients send, with and without the optional fields', () => {
    expect(isMetricEventInput(input)).toBe(true);
    const {
      userId: _u,
      sessionId: _s,
      deviceId: _d,
      timezone: _t,
      platform: _p,
      appVersion: _a,
      ...bare
    } = input;
    expect(isMetricEventInput({ ...bare, voiceSentiment: -0.5 })).toBe(true);
  });

  it('never accepts what the schema rejects, for every probe value in every field', () => {
    let agreed = 0;
    for (const key of Object.keys(input)) {
      for (const probe of PROBES) {
        const candidate = { ...input, [key]: probe };
        const fast = isMetricEventInput(candidate);
        const schema = metricEventSchema.safeParse(candidate).success;
        if (fast) expect({ key, probe, schema }).toEqual({ key, probe, schema: true });
        if (fast === schema) agreed++;
      }
    }
    expect(agreed).toBeGreaterThan(Object.keys(input).length * PROBES.length * 0.95);
  });

  it('refuses unknown keys, missing required keys and non-objects', () => {
    expect(isMetricEventInput({ ...input, colour: 'red' })).toBe(false);
    const { recordedAt: _r, ...missing } = input;
    expect(isMetricEventInput(missing)).toBe(false);
    for (const v of [null, undefined, 'event', 42, [input]]) expect(isMetricEventInput(v)).toBe(false);
  });
});
