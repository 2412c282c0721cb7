import { clamp, labelFor } from './label';
import type { EngineResult, SentimentLabel, TimelinePoint } from './types';

export interface CombineOptions {
  mode: 'weighted' | 'first';
  /** Engine name → weight; engines missing here weigh 1. */
  weights: Record<string, number>;
  /** Engine names that only measure arousal (their score is a placeholder, not a verdict). */
  arousalOnly: ReadonlySet<string>;
}

export interface CombinedSentiment {
  score: number;
  label: SentimentLabel;
  confidence: number;
  arousal?: number;
  timeline?: TimelinePoint[];
}

/** Largest share by which an arousal-only engine may move the combined confidence. */
export const AROUSAL_NUDGE = 0.1;

/**
 * Combines engine results, given in configured engine order.
 *
 * Valence (weighted): Σ wᵢ·cᵢ·sᵢ / Σ wᵢ·cᵢ over engines that judge valence — an engine counts by its
 * configured weight and by how sure it is. Confidence: Σ wᵢ·cᵢ / Σ wᵢ (the weighted mean confidence),
 * scaled down by disagreement: if engines' labels differ, it is multiplied by the weighted share that
 * agrees with the final label. "first" takes the first valence engine that returned a result.
 *
 * Arousal: weighted mean of engines that report it. It also nudges confidence: expressive speech (high
 * arousal) makes a strong valence verdict more believable and calm speech a neutral one, so
 * confidence × (1 + AROUSAL_NUDGE · c_acoustic/0.2 · (1 − 2·|arousal − |score||)) — at most ±10 %.
 *
 * Label: the same ±0.05 neutral band as VADER (label.ts). With no valence engine at all the result is
 * neutral with the arousal engines' (low) confidence — absence of evidence is not a sentiment.
 */
export function combine(results: EngineResult[], opts: CombineOptions): CombinedSentiment {
  const weightOf = (r: EngineResult) => opts.weights[r.engine] ?? 1;
  const valence = results.filter((r) => !opts.arousalOnly.has(r.engine) && weightOf(r) > 0);
  const chosen = opts.mode === 'first' ? valence.slice(0, 1) : valence;

  let score = 0;
  let confidence = 0;
  if (chosen.length > 0) {
    const mass = chosen.reduce((n, r) => n + weightOf(r) * r.confidence, 0);
    const weightSum = chosen.reduce((n, r) => n + weightOf(r), 0);
    score =
      mass > 0
        ? chosen.reduce((acc, r) => acc + weightOf(r) * r.confidence * r.score, 0) / mass
        : chosen.reduce((acc, r) => acc + weightOf(r) * r.score, 0) / weightSum;
    const label = labelFor(score);
    const agreeing = chosen.filter((r) => r.label === label).reduce((n, r) => n + weightOf(r), 0);
    confidence = (mass / weightSum) * (agreeing / weightSum);
  }

  const aroused = results.filter((r) => r.arousal !== undefined && weightOf(r) > 0);
  const arousal = aroused.length
    ? aroused.reduce((acc, r) => acc + weightOf(r) * r.arousal!, 0) /
      aroused.reduce((n, r) => n + weightOf(r), 0)
    : undefined;

  const arousalOnly = results.filter(
    (r) => opts.arousalOnly.has(r.engine) && r.arousal !== undefined && weightOf(r) > 0,
  );
  if (chosen.length === 0) {
    confidence = arousalOnly.reduce((m, r) => Math.max(m, r.confidence), 0);
  } else {
    for (const r of arousalOnly) {
      const consistency = 1 - 2 * Math.abs(r.arousal! - Math.abs(score));
      confidence *= 1 + AROUSAL_NUDGE * clamp(r.confidence / 0.2) * consistency;
    }
  }

  // The timeline comes from the heaviest valence engine that produced one; mixing engines' windows would
  // produce overlapping points on different clocks.
  const timed = chosen.filter((r) => r.timeline?.length).sort((a, b) => weightOf(b) - weightOf(a))[0];

  return {
    score: clamp(score, -1, 1),
    label: labelFor(score),
    confidence: clamp(confidence),
    ...(arousal === undefined ? {} : { arousal }),
    ...(timed?.timeline ? { timeline: timed.timeline } : {}),
  };
}
