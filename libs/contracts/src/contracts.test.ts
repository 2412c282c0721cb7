import { describe, expect, it } from 'vitest';
import {
  directUploadRequestSchema,
  isMetricEventInput,
  legacyMetricEventExample,
  legacyMetricEventSchema,
  metricEventExample,
  metricEventSchema,
  recordingMetadataSchema,
  sessionEventsRequestSchema,
  sentimentLabelOf,
  sentimentScoreOf,
  toFieldIssues,
} from './index';

const event = metricEventExample;

describe('metric event contracts', () => {
  it('accepts the documented shape and rejects unknown fields with their path', () => {
    expect(metricEventSchema.parse(event)).toEqual(event);
    const counterpart = { ...event, participant: 'customer', counterpart: true };
    expect(isMetricEventInput(counterpart)).toBe(true);
    expect(metricEventSchema.parse(counterpart)).toEqual(counterpart);
    for (const bad of [{ counterpart: 'yes' }, { participant: '' }, { participant: 'x'.repeat(65) }]) {
      expect(isMetricEventInput({ ...event, ...bad })).toBe(false);
      expect(metricEventSchema.safeParse({ ...event, ...bad }).success).toBe(false);
    }
    const bad = metricEventSchema.safeParse({
      ...event,
      talkedTimeMs: -1,
      colour: 'red',
      timezone: 'Mars/Base',
    });
    expect(bad.success).toBe(false);
    const paths = toFieldIssues(bad.error!)
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['(root)', 'talkedTimeMs', 'timezone']);
  });

  it('bounds talked time and sentiment', () => {
    expect(metricEventSchema.safeParse({ ...event, talkedTimeMs: 86_400_001 }).success).toBe(false);
    expect(metricEventSchema.safeParse({ ...event, voiceSentiment: 1.01 }).success).toBe(false);
    expect(metricEventSchema.safeParse({ ...event, voiceSentiment: -1 }).success).toBe(true);
  });

  it('accepts the legacy snake_case shape with integer ids', () => {
    expect(legacyMetricEventSchema.parse(legacyMetricEventExample)).toEqual(legacyMetricEventExample);
  });

  it('maps scores to labels and labels to scores consistently', () => {
    expect(sentimentLabelOf(0.3)).toBe('positive');
    expect(sentimentLabelOf(0.01)).toBe('neutral');
    expect(sentimentLabelOf(-0.05)).toBe('negative');
    for (const l of ['negative', 'neutral', 'positive'] as const)
      expect(sentimentLabelOf(sentimentScoreOf(l))).toBe(l);
  });
});

describe('recording upload metadata', () => {
  it('parses form strings into typed values with defaults', () => {
    expect(recordingMetadataSchema.parse({})).toEqual({ microphoneUsed: true, speakerUsed: false });
    expect(recordingMetadataSchema.parse({ microphoneUsed: 'false', speakerUsed: '1' })).toMatchObject({
      microphoneUsed: false,
      speakerUsed: true,
    });
    expect(recordingMetadataSchema.safeParse({ speakerUsed: 'maybe' }).success).toBe(false);
    expect(recordingMetadataSchema.safeParse({ deviceId: 'x'.repeat(129) }).success).toBe(false);
    expect(recordingMetadataSchema.safeParse({ recordedAt: 'yesterday' }).success).toBe(false);
  });
});

describe('text fields refuse control characters and lone surrogates, naming the field', () => {
  const bad = ['a\u0000b', 'x\u0007', 'lone\ud800', '\udfffx', 'c1\u009b'];
  const pathsOf = (r: { success: boolean; error?: Parameters<typeof toFieldIssues>[0] }) =>
    r.success ? [] : toFieldIssues(r.error!).map((i) => i.path);

  it('in metric events (schema and compiled check) and legacy events', () => {
    for (const v of bad) {
      for (const field of ['deviceId', 'platform', 'appVersion', 'participant']) {
        const candidate = { ...event, [field]: v };
        expect(isMetricEventInput(candidate), `${field}=${JSON.stringify(v)}`).toBe(false);
        expect(pathsOf(metricEventSchema.safeParse(candidate))).toEqual([field]);
      }
      const legacy = {
        user_id: v,
        talked_time: 1,
        microphone_used: true,
        speaker_used: false,
        voice_sentiment: 0,
        timestamp: 1_700_000_000,
      };
      expect(pathsOf(legacyMetricEventSchema.safeParse(legacy))[0]).toBe('user_id');
    }
    // A surrogate pair is one well-formed character, and stays accepted.
    expect(metricEventSchema.safeParse({ ...event, deviceId: 'phone \u{1F4F1}' }).success).toBe(true);
  });

  it('in session events, their data keys and values', () => {
    const base = { type: 'join', occurredAt: '2026-11-01T10:00:00Z' };
    for (const v of bad) {
      expect(pathsOf(sessionEventsRequestSchema.safeParse({ ...base, deviceId: v }))).toContain('deviceId');
      expect(
        pathsOf(sessionEventsRequestSchema.safeParse({ events: [{ ...base, data: { note: v } }] })),
      ).toContain('events.0.data.note');
      expect(sessionEventsRequestSchema.safeParse({ ...base, data: { [v]: 1 } }).success).toBe(false);
    }
  });

  it('in upload metadata, direct or streamed; a transcript keeps its line breaks', () => {
    for (const v of bad) {
      expect(pathsOf(recordingMetadataSchema.safeParse({ deviceId: v }))).toEqual(['deviceId']);
      expect(pathsOf(recordingMetadataSchema.safeParse({ transcript: v }))).toEqual(['transcript']);
      expect(
        pathsOf(
          directUploadRequestSchema.safeParse({ contentType: 'audio/wav', sizeBytes: 1, actedEmotion: v }),
        ),
      ).toEqual(['actedEmotion']);
    }
    expect(recordingMetadataSchema.safeParse({ transcript: 'line one\r\nline\ttwo' }).success).toBe(true);
  });
});
