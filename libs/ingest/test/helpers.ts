import { randomUUID } from 'node:crypto';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { sentimentLabelOf } from '@voicepulse/contracts';

/** A valid normalized event with overridable fields; recordedAt defaults to "an hour ago". */
export function event(overrides: Partial<NormalizedMetricEvent> = {}): NormalizedMetricEvent {
  const voiceSentiment = overrides.voiceSentiment ?? 0.3;
  return {
    eventId: randomUUID(),
    userId: 'u1',
    sessionId: null,
    deviceId: 'dev-1',
    talkedTimeMs: 60_000,
    microphoneUsed: true,
    speakerUsed: false,
    voiceSentiment,
    voiceSentimentLabel: sentimentLabelOf(voiceSentiment),
    recordedAt: new Date(Date.now() - 3_600_000).toISOString(),
    timezone: 'Europe/Paris',
    platform: 'ios',
    appVersion: '1.2.3',
    source: 'api',
    recordingId: null,
    participant: null,
    counterpart: false,
    ...overrides,
  };
}
