import { InvalidAudioError, type Analyzer } from '@voicepulse/analysis';
import {
  channelLayoutFieldSchema,
  speakersForChannels,
  type Conversation,
  type NormalizedMetricEvent,
  type SentimentLabel,
} from '@voicepulse/contracts';
import {
  contentUuid,
  PermanentJobError,
  jobIds,
  type JobContext,
  type Producer,
  type ScoreJob,
} from '@voicepulse/queues';
import { blobKeys, type RecordingRow, type RecordingsRepository } from '@voicepulse/recordings';
import type { BlobStore } from '@voicepulse/storage';
import { buffer } from 'node:stream/consumers';
import { failOnLastAttempt, type StatusReporter } from './status';

export interface ScoreStageDeps {
  repo: RecordingsRepository;
  store: BlobStore;
  status: StatusReporter;
  analyzer: Analyzer;
  metricsProducer: Producer<'metrics'>;
}

/** What the metric events of a scored recording are computed from (a fresh or a stored analysis). */
interface ScoredFigures {
  talkedTimeMs: number;
  sentiment: { score: number; label: SentimentLabel };
  conversation?: Conversation;
}

/**
 * The recording's contribution to the metrics stream: one event for a one-party recording, one per
 * participant for a call (a declared channel layout, or a diarizer). The first participant — the
 * first channel of a layout — is the uploading user; everyone else's talk is a counterpart event,
 * the user's listened time. Event ids derive from the recording (the user's is the recording id
 * itself), so however often this stage runs, the ingestor stores each row once.
 */
export function recordingMetricEvents(row: RecordingRow, figures: ScoredFigures): NormalizedMetricEvent[] {
  const event = (
    eventId: string,
    talkedTimeMs: number,
    sentiment: { score: number; label: SentimentLabel },
    participant: string | null,
    counterpart: boolean,
  ): NormalizedMetricEvent => ({
    eventId,
    userId: row.userId,
    sessionId: row.sessionId,
    deviceId: row.deviceId,
    talkedTimeMs: Math.round(talkedTimeMs),
    microphoneUsed: row.microphoneUsed,
    speakerUsed: row.speakerUsed,
    voiceSentiment: Math.max(-1, Math.min(1, sentiment.score)),
    voiceSentimentLabel: sentiment.label,
    recordedAt: (row.recordedAt ?? row.createdAt).toISOString(),
    timezone: null,
    platform: null,
    appVersion: null,
    source: 'recording',
    recordingId: row.id,
    participant,
    counterpart,
  });
  const c = figures.conversation;
  if (!c || c.source === 'single' || c.participants.length < 2)
    return [event(row.id, figures.talkedTimeMs, figures.sentiment, null, false)];
  return c.participants.map((p, i) =>
    event(
      i === 0 ? row.id : contentUuid('voicepulse.recording-participant.v1', [row.id, p.speaker]),
      p.talkTimeMs,
      // A participant with no sentence heard has no sentiment of their own: neutral, not the call's.
      p.sentiment ?? { score: 0, label: 'neutral' },
      p.speaker,
      i > 0,
    ),
  );
}

/**
 * The speakers of a recording with a declared channel layout, one per channel, with each channel's
 * canonical audio (written by the transcode stage); undefined without a layout.
 */
async function channelAudio(store: BlobStore, row: RecordingRow) {
  if (!row.channelLayout || !row.channels) return undefined;
  const speakers = speakersForChannels(channelLayoutFieldSchema.parse(row.channelLayout), row.channels);
  const out: { speaker: string; wav16k: Buffer }[] = [];
  for (const [c, speaker] of speakers.entries()) {
    out.push({ speaker, wav16k: await buffer(await store.get(blobKeys.channel(row.userId, row.id, c))) });
  }
  return out;
}

/**
 * score job: canonical audio → VAD, prosody, sentiment → conversation figures (per channel when a
 * layout was declared) → analysis rows → one metric event per participant.
 */
export function scoreStage(deps: ScoreStageDeps) {
  const emitMetric = async (row: RecordingRow, job: ScoreJob, figures: ScoredFigures) =>
    deps.metricsProducer.add(
      { events: recordingMetricEvents(row, figures), correlationId: job.correlationId },
      { jobId: jobIds.recordingMetric(row.id) },
    );

  return (job: ScoreJob, ctx: JobContext): Promise<void> =>
    failOnLastAttempt(deps.status, job.recordingId, ctx, async () => {
      const row = await deps.repo.get(job.recordingId, null);
      if (!row) {
        ctx.logger.info('recording was deleted; nothing to score');
        return;
      }
      if (row.status === 'failed') {
        // Failed by an earlier attempt that may have crashed before its notifications went out.
        await deps.status.finished(row);
        return;
      }
      if (row.status === 'scored') {
        // Crashed after saving but before emitting last time: emit again (deduplicated downstream).
        const view = await deps.repo.view(row.id, null);
        const a = view?.analysis;
        if (a) await emitMetric(row, job, a);
        await deps.status.finished(row);
        return;
      }
      if (!row.normalizedKey)
        throw new Error(`recording ${row.id} has no normalized audio yet (status ${row.status})`);
      await deps.status.announce(await deps.repo.transition(row.id, ['transcoded', 'scoring'], 'scoring'));

      const wav = await buffer(await deps.store.get(row.normalizedKey));
      let analysis;
      let conversation;
      try {
        analysis = await deps.analyzer.analyze(wav, { transcript: row.clientTranscript ?? undefined });
        conversation = await deps.analyzer.conversation({
          mono: { wav16k: wav, analysis },
          channels: await channelAudio(deps.store, row),
          ...(row.clientTranscript ? { transcript: row.clientTranscript } : {}),
        });
      } catch (err) {
        // The analysis error contract: audio that cannot be analysed fails once, with its reason,
        // instead of eight retries that end as `internal`.
        if (err instanceof InvalidAudioError) {
          await deps.status.fail(row.id, 'corrupt_audio', err.message);
          throw new PermanentJobError(err.message, 'corrupt_audio');
        }
        throw err;
      }
      const saved = await deps.repo.saveAnalysis(row.id, {
        ...analysis,
        sentiment: { ...analysis.sentiment, engines: analysis.sentiment.engines },
        conversation,
      });
      await deps.status.announce(saved);
      ctx.logger.info(
        {
          talkedTimeMs: analysis.talkedTimeMs,
          sentiment: analysis.sentiment.label,
          score: analysis.sentiment.score,
          conversation: conversation.source,
          participants: conversation.participants.length,
        },
        'scored',
      );
      if (saved) await emitMetric(saved, job, { ...analysis, conversation });
    });
}
