import { describe, expect, it } from 'vitest';
import {
  legacyMetricEventSchema,
  metricEventSchema,
  recordingMetadataSchema,
  sentimentLabelOf,
  sentimentScoreOf,
  toFieldIssues,
} from './index';

const event = {
  eventId: '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  talkedTimeMs: 1200,
  microphoneUsed: true,
  speakerUsed: false,
  voiceSentiment: 'positive',
  recordedAt: '2026-11-01T10:00:00Z',
};

describe('metric event contracts', () => {
  it('accepts the documented shape and rejects unknown fields with their path', () => {
    expect(metricEventSchema.parse(event)).toEqual(event);
    const bad = metricEventSchema.safeParse({ ...event, talkedTimeMs: -1, colour: 'red', timezone: 'Mars/Base' });
    expect(bad.success).toBe(false);
    const paths = toFieldIssues(bad.error!).map((i) => i.path).sort();
    expect(paths).toEqual(['(root)', 'talkedTimeMs', 'timezone']);
  });

  it('bounds talked time and sentiment', () => {
    expect(metricEventSchema.safeParse({ ...event, talkedTimeMs: 86_400_001 }).success).toBe(false);
    expect(metricEventSchema.safeParse({ ...event, voiceSentiment: 1.01 }).success).toBe(false);
    expect(metricEventSchema.safeParse({ ...event, voiceSentiment: -1 }).success).toBe(true);
  });

  it('accepts the legacy snake_case shape with integer ids', () => {
    const legacy = { user_id: 1, session_id: 1, talked_time: 120, microphone_used: true, speaker_used: true, voice_sentiment: 'positive', timestamp: 1622558400 };
    expect(legacyMetricEventSchema.parse(legacy)).toEqual(legacy);
  });

  it('maps scores to labels and labels to scores consistently', () => {
    expect(sentimentLabelOf(0.3)).toBe('positive');
    expect(sentimentLabelOf(0.01)).toBe('neutral');
    expect(sentimentLabelOf(-0.05)).toBe('negative');
    for (const l of ['negative', 'neutral', 'positive'] as const) expect(sentimentLabelOf(sentimentScoreOf(l))).toBe(l);
  });
});

describe('recording upload metadata', () => {
  it('parses form strings into typed values with defaults', () => {
    expect(recordingMetadataSchema.parse({})).toEqual({ microphoneUsed: true, speakerUsed: false });
    expect(recordingMetadataSchema.parse({ microphoneUsed: 'false', speakerUsed: '1' })).toMatchObject({ microphoneUsed: false, speakerUsed: true });
    expect(recordingMetadataSchema.safeParse({ speakerUsed: 'maybe' }).success).toBe(false);
    expect(recordingMetadataSchema.safeParse({ deviceId: 'x'.repeat(129) }).success).toBe(false);
    expect(recordingMetadataSchema.safeParse({ recordedAt: 'yesterday' }).success).toBe(false);
  });
});
