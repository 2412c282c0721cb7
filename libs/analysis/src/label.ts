import type { SentimentLabel } from './types';

/**
 * VADER's published cut-off for its compound score. We apply the same band to every engine's
 * [-1, 1] score (and to the combined score) so one threshold governs every stored label.
 */
export const NEUTRAL_BAND = 0.05;

export function labelFor(score: number): SentimentLabel {
  if (score >= NEUTRAL_BAND) return 'positive';
  if (score <= -NEUTRAL_BAND) return 'negative';
  return 'neutral';
}

export const clamp = (x: number, lo = 0, hi = 1): number => Math.min(hi, Math.max(lo, x));
