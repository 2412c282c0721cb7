import { clamp, labelFor } from '../label';
import type { AnalysisContext, EngineResult, SentimentEngine, TimelinePoint } from '../types';
import { alignByWordCount } from './align';
import { scoreText, type TextSentiment } from './lexicon';

const VADER_VERSION = '1.1.3';

/**
 * Lexical valence from the transcript with VADER. Returns null without a transcript: silence and an
 * unconfigured transcriber are "cannot judge", not "neutral".
 */
export class TranscriptEngine implements SentimentEngine {
  readonly name = 'transcript';
  readonly version = `vader-${VADER_VERSION}`;
  readonly providesValence = true;

  async analyze(_audio: Float32Array, ctx: AnalysisContext): Promise<EngineResult | null> {
    const text = ctx.transcript?.trim();
    if (!text) return null;
    const scored = scoreText(text);
    if (scored.sentences.length === 0) return null;
    const label = labelFor(scored.score);
    const timed = this.timeline(ctx);
    const timeline = timed ?? estimatedTimeline(scored, ctx);
    return {
      engine: this.name,
      version: this.version,
      score: scored.score,
      label,
      // A machine transcript is only as good as the hearing: scale by the recogniser's own confidence.
      confidence: transcriptConfidence(scored) * (ctx.transcriptConfidence ?? 1),
      ...(timeline ? { timeline } : {}),
      details: {
        sentences: scored.sentences.map(({ text: t, score, label: l }) => ({ text: t, score, label: l })),
        ...(ctx.transcriptConfidence === undefined ? {} : { sttConfidence: ctx.transcriptConfidence }),
        ...(timeline ? { timelineSource: timed ? 'transcript-timestamps' : 'estimated-by-word-count' } : {}),
      },
    };
  }

  private timeline(ctx: AnalysisContext): TimelinePoint[] | undefined {
    const segs = ctx.transcriptSegments?.filter((s) => s.text.trim() !== '');
    if (!segs?.length) return undefined;
    return segs.map((s) => {
      const { score } = scoreText(s.text);
      return { startMs: s.startMs, endMs: s.endMs, score, label: labelFor(score) };
    });
  }
}

/** Untimed (client) transcripts: sentences spread over the detected speech by word count. */
function estimatedTimeline(scored: TextSentiment, ctx: AnalysisContext): TimelinePoint[] | undefined {
  if (scored.sentences.length < 2) return undefined; // one sentence is the overall score, not a timeline
  const spans = alignByWordCount(
    scored.sentences.map((s) => s.words),
    ctx.segments,
  );
  if (!spans.length) return undefined;
  return spans.map((span, i) => {
    const { score, label } = scored.sentences[i]!;
    return { ...span, score, label };
  });
}

/**
 * Confidence = half strength, half agreement:
 *  - strength: |compound| / 0.5, capped at 1 (VADER compounds beyond ±0.5 are unambiguous wording);
 *  - agreement: share of words in sentences whose label matches the overall label.
 * A neutral verdict backed by uniformly neutral sentences is confident; a neutral verdict produced by a
 * positive and a negative sentence cancelling out is not — strength and agreement are both low then.
 */
export function transcriptConfidence(scored: TextSentiment): number {
  const overall = labelFor(scored.score);
  const total = scored.sentences.reduce((n, s) => n + s.words, 0);
  const agreeing = scored.sentences.filter((s) => s.label === overall).reduce((n, s) => n + s.words, 0);
  const agreement = total === 0 ? 0 : agreeing / total;
  const strength = overall === 'neutral' ? 1 - Math.abs(scored.score) / 0.05 : Math.abs(scored.score) / 0.5;
  return clamp(0.5 * clamp(strength) + 0.5 * agreement);
}
