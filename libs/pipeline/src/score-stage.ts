import { InvalidAudioError, type Analyzer } from '@voicepulse/analysis';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { PermanentJobError, jobIds, type JobContext, type Producer, type ScoreJob } from '@voicepulse/queues';
import type { RecordingRow, RecordingsRepository } from '@voicepulse/recordings';
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

/**
 * The recording's contribution to the metrics stream. Its event id is the recording id, so however
 * often this stage runs, the ingestor stores one row.
 */
export function recordingMetricEvent(
  row: RecordingRow,
  talkedTimeMs: number,
  score: number,
  label: NormalizedMetricEvent['voiceSentimentLabel'],
): NormalizedMetricEvent {
  return {
    eventId: row.id,
    userId: row.userId,
    sessionId: row.sessionId,
    deviceId: row.deviceId,
    talkedTimeMs: Math.round(talkedTimeMs),
    microphoneUsed: row.microphoneUsed,
    speakerUsed: row.speakerUsed,
    voiceSentiment: Math.max(-1, Math.min(1, score)),
    voiceSentimentLabel: label,
    recordedAt: (row.recordedAt ?? row.createdAt).toISOString(),
    timezone: null,
    platform: null,
    appVersion: null,
    source: 'recording',
    recordingId: row.id,
  };
}

/** score job: canonical audio → VAD, prosody, sentiment → analysis rows → one metric event. */
export function scoreStage(deps: ScoreStageDeps) {
  const emitMetric = async (
    row: RecordingRow,
    job: ScoreJob,
    talkedTimeMs: number,
    score: number,
    label: NormalizedMetricEvent['voiceSentimentLabel'],
  ) =>
    deps.metricsProducer.add(
      { events: [recordingMetricEvent(row, talkedTimeMs, score, label)], correlationId: job.correlationId },
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
        if (a) await emitMetric(row, job, a.talkedTimeMs, a.sentiment.score, a.sentiment.label);
        await deps.status.finished(row);
        return;
      }
      if (!row.normalizedKey)
        throw new Error(`recording ${row.id} has no normalized audio yet (status ${row.status})`);
      await deps.status.announce(await deps.repo.transition(row.id, ['transcoded', 'scoring'], 'scoring'));

      const wav = await buffer(await deps.store.get(row.normalizedKey));
      let analysis;
      try {
        analysis = await deps.analyzer.analyze(wav, { transcript: row.clientTranscript ?? undefined });
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
      });
      await deps.status.announce(saved);
      ctx.logger.info(
        {
          talkedTimeMs: analysis.talkedTimeMs,
          sentiment: analysis.sentiment.label,
          score: analysis.sentiment.score,
        },
        'scored',
      );
      if (saved)
        await emitMetric(
          saved,
          job,
          analysis.talkedTimeMs,
          analysis.sentiment.score,
          analysis.sentiment.label,
        );
    });
}
