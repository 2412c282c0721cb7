import { channelLayoutFieldSchema, speakersForChannels, type Conversation, type RecordingView } from '@voicepulse/contracts';
import type { recordingAnalyses, recordings, sentimentTimeline, speechSegments } from '@voicepulse/db';

type RecordingRow = typeof recordings.$inferSelect;
type AnalysisRow = typeof recordingAnalyses.$inferSelect;
type SegmentRow = typeof speechSegments.$inferSelect;
type TimelineRow = typeof sentimentTimeline.$inferSelect;

/** The one mapping from rows to the public API shape (GET, list, SSE and the corpus export use it). */
export function toRecordingView(
  r: RecordingRow,
  a?: AnalysisRow,
  segments: SegmentRow[] = [],
  timeline: TimelineRow[] = [],
): RecordingView {
  const view: RecordingView = {
    id: r.id,
    userId: r.userId,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    microphoneUsed: r.microphoneUsed,
    speakerUsed: r.speakerUsed,
    input: { contentType: r.contentType, sizeBytes: r.sizeBytes, sha256: r.sha256 },
  };
  if (r.recordedAt) view.recordedAt = r.recordedAt.toISOString();
  if (r.sessionId) view.sessionId = r.sessionId;
  if (r.deviceId) view.deviceId = r.deviceId;
  if (r.failureCode) view.failure = { code: r.failureCode, message: r.failureMessage ?? '' };
  if (r.durationMs != null && r.sampleRate != null && r.channels != null) {
    view.audio = { durationMs: r.durationMs, sampleRate: r.sampleRate, channels: r.channels, codec: r.codec ?? 'unknown' };
  }
  if (r.channelLayout) {
    const layout = channelLayoutFieldSchema.parse(r.channelLayout);
    // `split` names its speakers once the transcoder has counted the channels.
    if (layout !== 'split' || r.channels != null) view.channelLayout = speakersForChannels(layout, r.channels ?? 0);
  }
  if (r.promptId) view.prompt = { id: r.promptId, ...(r.actedEmotion ? { actedEmotion: r.actedEmotion } : {}) };
  if (a) {
    view.analysis = {
      talkedTimeMs: a.talkedTimeMs,
      speechRatio: a.speechRatio,
      segments: [...segments].sort((x, y) => x.idx - y.idx).map((s) => ({ startMs: s.startMs, endMs: s.endMs })),
      sentiment: {
        score: a.sentimentScore,
        label: a.sentimentLabel,
        confidence: a.sentimentConfidence,
        engines: a.engines as NonNullable<RecordingView['analysis']>['sentiment']['engines'],
      },
      ...(a.arousal != null ? { arousal: a.arousal } : {}),
      ...(timeline.length
        ? {
            timeline: [...timeline]
              .sort((x, y) => x.idx - y.idx)
              .map((t) => ({ startMs: t.startMs, endMs: t.endMs, score: t.score, label: t.label })),
          }
        : {}),
      ...(a.transcript ? { transcript: a.transcript as NonNullable<RecordingView['analysis']>['transcript'] } : {}),
      ...(a.levels ? { levels: a.levels as Record<string, unknown> } : {}),
      ...(a.prosody ? { prosody: a.prosody as Record<string, unknown> } : {}),
      ...(a.conversation ? { conversation: a.conversation as Conversation } : {}),
    };
  }
  return view;
}
