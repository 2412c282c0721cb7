import { describe, expect, it } from 'vitest';
import { analyzeProsody } from '../src/prosody';
import { detectSpeech } from '../src/vad';
import { estimateF0 } from '../src/yin';
import { speechClip } from './speech';

const RATE = 16_000;

/** Harmonic-rich (10 partials, 1/k amplitudes) tone whose F0 moves linearly from f0 to f1. */
function glide(f0: number, f1: number, seconds: number): { x: Float32Array; truth: (ms: number) => number } {
  const n = Math.round(seconds * RATE);
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = f0 + ((f1 - f0) * i) / n;
    let v = 0;
    for (let k = 1; k <= 10; k++) v += Math.sin(k * phase) / k;
    x[i] = 0.3 * v;
    phase += (2 * Math.PI * f) / RATE;
  }
  return { x, truth: (ms) => f0 + ((f1 - f0) * ms) / (seconds * 1000) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('estimateF0 (YIN)', () => {
  it.each([
    [120, 240],
    [240, 120],
    [90, 110],
  ])('tracks a %i -> %i Hz glide with median error <= 2%', (from, to) => {
    const { x, truth } = glide(from, to, 2);
    const { timesMs, f0Hz } = estimateF0(x, RATE);
    const errors: number[] = [];
    let voiced = 0;
    for (let k = 0; k < f0Hz.length; k++) {
      if (f0Hz[k]! === 0) continue;
      voiced++;
      errors.push(Math.abs(f0Hz[k]! - truth(timesMs[k]!)) / truth(timesMs[k]!));
    }
    expect(voiced).toBeGreaterThan(0.9 * f0Hz.length);
    expect(median(errors)).toBeLessThanOrEqual(0.02);
  });

  it('gets a steady tone to within 0.5% thanks to parabolic interpolation', () => {
    const { x } = glide(187.3, 187.3, 1);
    const { f0Hz } = estimateF0(x, RATE);
    const voiced = Array.from(f0Hz).filter((f) => f > 0);
    expect(Math.abs(median(voiced) - 187.3) / 187.3).toBeLessThan(0.005);
  });

  it('reports silence and noise-free zero signal as unvoiced', () => {
    const { f0Hz } = estimateF0(new Float32Array(RATE), RATE);
    expect(f0Hz.every((f) => f === 0)).toBe(true);
  });
});

describe('analyzeProsody', () => {
  it('returns f0 null and floored energy for silence', () => {
    const p = analyzeProsody(new Float32Array(RATE * 2), []);
    expect(p.f0).toBeNull();
    expect(p.energy).toEqual({ meanDb: -120, stdDb: 0, rangeDb: 0 });
    expect(p.speakingRate.syllablesPerSecond).toBe(0);
    expect(p.pauses).toEqual({ count: 0, meanMs: 0, totalMs: 0 });
  });

  it('summarises the glide: mean near 180 Hz, range spanning the glide', () => {
    const { x } = glide(120, 240, 2);
    const p = analyzeProsody(x, [{ startMs: 0, endMs: 2000 }]);
    expect(p.f0).not.toBeNull();
    expect(Math.abs(p.f0!.meanHz - 180) / 180).toBeLessThan(0.03);
    expect(p.f0!.minHz).toBeLessThan(135);
    expect(p.f0!.maxHz).toBeGreaterThan(225);
    expect(p.f0!.voicedRatio).toBeGreaterThan(0.9);
  });

  it('counts pauses between segments only', () => {
    const p = analyzeProsody(new Float32Array(RATE * 5), [
      { startMs: 500, endMs: 1000 },
      { startMs: 1400, endMs: 2000 },
      { startMs: 2600, endMs: 3000 },
    ]);
    expect(p.pauses).toEqual({ count: 2, meanMs: 500, totalMs: 1000 });
  });

  it('finds a higher syllable rate in faster speech, in a plausible range', async () => {
    const text = 'We would like to schedule the installation for next Tuesday afternoon.';
    const rate = async (wpm: number) => {
      const clip = await speechClip(text, 1, 1, ['-s', String(wpm)]);
      const p = analyzeProsody(clip.samples, await detectSpeech(clip.samples));
      expect(p.f0).not.toBeNull();
      return p.speakingRate.syllablesPerSecond;
    };
    const slow = await rate(110);
    const fast = await rate(220);
    // 18 syllables; measured 3.2/s at 110 wpm and 4.9/s at 220 wpm (fast speech merges nuclei).
    expect(slow).toBeGreaterThan(1.5);
    expect(fast).toBeLessThan(9);
    expect(fast / slow).toBeGreaterThan(1.4);
  });
});
