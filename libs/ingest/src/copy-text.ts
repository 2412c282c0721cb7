import type { NormalizedMetricEvent } from '@voicepulse/contracts';

const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** Escapes a value for COPY's text format (the fastest input format for Postgres). */
function text(v: string | null): string {
  if (v === null) return '\\N';
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

export const STAGE_COLUMNS = [
  'event_id',
  'user_id',
  'session_id',
  'device_id',
  'talked_time_ms',
  'microphone_used',
  'speaker_used',
  'voice_sentiment',
  'voice_sentiment_label',
  'recorded_at',
  'timezone',
  'platform',
  'app_version',
  'source',
  'recording_id',
  'participant',
  'counterpart',
] as const;

/** One COPY text line (with trailing newline) in STAGE_COLUMNS order. */
export function copyLine(e: NormalizedMetricEvent): string {
  return (
    `${e.eventId}\t${text(e.userId)}\t${e.sessionId ?? '\\N'}\t${text(e.deviceId)}\t${e.talkedTimeMs}\t` +
    `${e.microphoneUsed ? 't' : 'f'}\t${e.speakerUsed ? 't' : 'f'}\t${e.voiceSentiment}\t${e.voiceSentimentLabel}\t` +
    `${e.recordedAt}\t${text(e.timezone)}\t${text(e.platform)}\t${text(e.appVersion)}\t${e.source}\t` +
    `${e.recordingId ?? '\\N'}\t${text(e.participant)}\t${e.counterpart ? 't' : 'f'}\n`
  );
}

/** Encodes events in chunks of a few hundred lines: few stream writes, no single giant string. */
export function* copyChunks(
  events: readonly NormalizedMetricEvent[],
  linesPerChunk = 500,
): Generator<string> {
  for (let i = 0; i < events.length; i += linesPerChunk) {
    let chunk = '';
    const end = Math.min(events.length, i + linesPerChunk);
    for (let j = i; j < end; j++) chunk += copyLine(events[j]!);
    yield chunk;
  }
}
