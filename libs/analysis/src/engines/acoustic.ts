import type { Prosody } from '@voicepulse/audio';
import { clamp } from '../label';
import type { AnalysisContext, EngineResult, SentimentEngine } from '../types';

/**
 * One prosodic cue of arousal: `(value - mean) / std` is its z-score against the calibration set and
 * `weight` its share of the logit.
 */
interface Cue {
  mean: number;
  std: number;
  weight: number;
}

/**
 * Arousal model (see README "Acoustic arousal"):
 *
 *   arousal = logistic( Σ_k w_k · z_k ),   z_k = (x_k − μ_k) / σ_k
 *
 * with cues x_k:
 *   pitchVariation  F0 standard deviation relative to mean F0 (coefficient of variation) — excited speech
 *                   swings in pitch, calm or bored speech is monotone; relative so voices of any pitch compare;
 *   energyVariation standard deviation of frame energy in dB over speech — emphasis and stress;
 *   speakingRate    syllables per second — aroused speakers talk faster;
 *   loudness        mean speech energy in dB — weighted least because it also measures microphone gain.
 *
 * μ are the cue means over bench/voice-eval's clean espeak-ng set (three voices, 140/175 wpm), which the
 * harness prints. σ are deliberately wider than that set's spread (espeak varies far less than people:
 * σ measured 0.04 / 0.9 dB / 0.5 syl/s / 0.8 dB) so a lively human voice does not saturate at 1. The
 * weights favour the cues that are robust to gain and noise. This is a calibrated heuristic, not a
 * trained model: that is why the engine reports low confidence and never a valence.
 */
export const AROUSAL_CUES = {
  pitchVariation: { mean: 0.12, std: 0.06, weight: 0.45 },
  energyVariation: { mean: 8.5, std: 3, weight: 0.25 },
  speakingRate: { mean: 4.2, std: 1.2, weight: 0.2 },
  loudness: { mean: -25, std: 6, weight: 0.1 },
} as const satisfies Record<string, Cue>;

/** Ceiling on this engine's confidence: it hears activation, not whether the speaker is pleased. */
const MAX_CONFIDENCE = 0.2;
/** Below this much speech the prosody statistics are too noisy to mean anything. */
const MIN_SPEECH_MS = 300;

export interface ArousalFeatures {
  pitchVariation: number | null;
  energyVariation: number;
  speakingRate: number;
  loudness: number;
}

export function arousalFeatures(prosody: Prosody): ArousalFeatures {
  const f0 = prosody.f0;
  return {
    pitchVariation: f0 && f0.meanHz > 0 ? f0.stdHz / f0.meanHz : null,
    energyVariation: prosody.energy.stdDb,
    speakingRate: prosody.speakingRate.syllablesPerSecond,
    loudness: prosody.energy.meanDb,
  };
}

/** Logistic of the weighted z-scores; a missing cue (unvoiced audio has no F0) drops out of the sum and the weights renormalise. */
export function arousalFrom(features: ArousalFeatures): number {
  let logit = 0;
  let weights = 0;
  for (const [key, cue] of Object.entries(AROUSAL_CUES) as [keyof ArousalFeatures, Cue][]) {
    const x = features[key];
    if (x === null || !Number.isFinite(x)) continue;
    logit += cue.weight * ((x - cue.mean) / cue.std);
    weights += cue.weight;
  }
  if (weights === 0) return 0.5;
  return 1 / (1 + Math.exp(-logit / weights));
}

export class AcousticEngine implements SentimentEngine {
  readonly name = 'acoustic';
  readonly version = 'prosody-arousal-1';
  readonly providesValence = false;

  async analyze(_audio: Float32Array, ctx: AnalysisContext): Promise<EngineResult | null> {
    const speechMs = ctx.segments.reduce((ms, s) => ms + (s.endMs - s.startMs), 0);
    if (speechMs < MIN_SPEECH_MS) return null;
    const features = arousalFeatures(ctx.prosody);
    const arousal = arousalFrom(features);
    // More voiced speech → steadier pitch statistics; confidence grows with it up to the ceiling.
    const voiced = ctx.prosody.f0?.voicedRatio ?? 0;
    const coverage = clamp(speechMs / 5000);
    return {
      engine: this.name,
      version: this.version,
      score: 0,
      label: 'neutral',
      confidence: MAX_CONFIDENCE * clamp(0.5 * coverage + 0.5 * voiced),
      arousal,
      details: { features, speechMs },
    };
  }
}
