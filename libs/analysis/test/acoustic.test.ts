import { analyzeProsody, detectSpeech } from '@voicepulse/audio';
import { describe, expect, it } from 'vitest';
import { AcousticEngine, arousalFrom, AROUSAL_CUES } from '../src/engines/acoustic';
import type { AnalysisContext } from '../src/types';

const RATE = 16_000;

/**
 * A buzzy vowel-like voice: harmonics of a (possibly gliding) F0 under a syllable envelope.
 * `f0(t)` and `gain(t)` shape pitch and loudness; syllables alternate with short gaps.
 */
function voice(
  seconds: number,
  f0: (t: number) => number,
  gain: (t: number) => number,
  syllablesPerS: number,
): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * f0(t)) / RATE;
    let s = 0;
    for (let h = 1; h <= 8; h++) s += Math.sin(h * phase) / h;
    // Raised-sine syllable envelope with a gap of ~25 % of each syllable period.
    const cycle = (t * syllablesPerS) % 1;
    const env = cycle < 0.75 ? Math.sin((Math.PI * cycle) / 0.75) : 0;
    out[i] = 0.15 * gain(t) * env * s;
  }
  return out;
}

async function arousalOf(samples: Float32Array): Promise<number> {
  const segments = await detectSpeech(samples);
  const ctx = {
    segments,
    prosody: analyzeProsody(samples, segments),
    levels: {},
  } as unknown as AnalysisContext;
  const r = await new AcousticEngine().analyze(samples, ctx);
  expect(r).toMatchObject({ engine: 'acoustic', score: 0, label: 'neutral' });
  expect(r!.confidence).toBeLessThanOrEqual(0.2);
  return r!.arousal!;
}

describe('acoustic engine', () => {
  it('hears an energetic voice as more aroused than a flat monotone one', async () => {
    const flat = voice(
      4,
      () => 110,
      () => 0.6,
      3,
    );
    const energetic = voice(
      4,
      (t) => 220 + 70 * Math.sin(2 * Math.PI * 1.3 * t),
      (t) => 0.6 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t),
      5.5,
    );
    const [calm, excited] = [await arousalOf(flat), await arousalOf(energetic)];
    expect(excited).toBeGreaterThan(calm + 0.15);
  });

  it('maps cues at the calibration means to 0.5 and is monotone in each cue', () => {
    const at = {
      pitchVariation: AROUSAL_CUES.pitchVariation.mean,
      energyVariation: AROUSAL_CUES.energyVariation.mean,
      speakingRate: AROUSAL_CUES.speakingRate.mean,
      loudness: AROUSAL_CUES.loudness.mean,
    };
    expect(arousalFrom(at)).toBeCloseTo(0.5, 12);
    expect(arousalFrom({ ...at, pitchVariation: at.pitchVariation * 2 })).toBeGreaterThan(0.5);
    expect(arousalFrom({ ...at, speakingRate: at.speakingRate - 2 })).toBeLessThan(0.5);
    // Unvoiced audio has no F0: the remaining cues decide.
    expect(arousalFrom({ ...at, pitchVariation: null })).toBeCloseTo(0.5, 12);
  });

  it('cannot judge without speech', async () => {
    const ctx = {
      segments: [{ startMs: 0, endMs: 100 }],
      prosody: {},
      levels: {},
    } as unknown as AnalysisContext;
    expect(await new AcousticEngine().analyze(new Float32Array(RATE), ctx)).toBeNull();
  });
});
