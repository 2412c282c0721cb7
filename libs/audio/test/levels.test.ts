import { beforeAll, describe, expect, it } from 'vitest';
import { DB_FLOOR } from '../src/dsp';
import { analyzeLevels } from '../src/levels';
import { detectSpeech } from '../src/vad';
import { noise, tone } from './signals';
import { speechClip, type SpeechClip } from './speech';

describe('analyzeLevels', () => {
  it.each([48_000, 44_100, 16_000])('reads a full-scale 997 Hz sine as -3.01 dBFS and -3.01 LUFS at %i Hz', (rate) => {
    const levels = analyzeLevels(tone(997, rate, 5, 1), rate);
    expect(levels.rmsDbfs).toBeCloseTo(-3.01, 2);
    expect(levels.peakDbfs).toBeCloseTo(0, 2);
    expect(Math.abs(levels.integratedLufs - -3.01)).toBeLessThan(0.05);
    expect(levels.snrDb).toBeNull();
  });

  it('applies K-weighting: 100 Hz reads quieter and 4 kHz louder than 1 kHz', () => {
    const at = (f: number) => analyzeLevels(tone(f, 48_000, 3, 0.5), 48_000).integratedLufs;
    expect(at(1000) - at(100)).toBeGreaterThan(0.5);
    expect(at(4000) - at(1000)).toBeGreaterThan(2);
  });

  it('gates silence out of integrated loudness but not out of RMS', () => {
    const sine = tone(997, 16_000, 10, 0.1);
    const withSilence = new Float32Array(sine.length * 2);
    withSilence.set(sine);
    const a = analyzeLevels(sine, 16_000);
    const b = analyzeLevels(withSilence, 16_000);
    expect(Math.abs(a.integratedLufs - b.integratedLufs)).toBeLessThan(0.1);
    expect(a.rmsDbfs - b.rmsDbfs).toBeCloseTo(3.01, 1);
  });

  it('keeps silence finite (floored) so it survives JSON', () => {
    const levels = analyzeLevels(new Float32Array(16_000), 16_000, []);
    expect(levels).toEqual({
      rmsDbfs: DB_FLOOR,
      peakDbfs: DB_FLOOR,
      integratedLufs: DB_FLOOR,
      clippingRatio: 0,
      snrDb: null,
    });
    expect(JSON.parse(JSON.stringify(levels))).toEqual(levels);
  });

  it('measures the clipped fraction', () => {
    // A sine at twice full scale, hard-clipped, sits at the rails wherever |sin| >= 1/2: 2/3 of the time.
    const clipped = tone(440, 16_000, 2, 2).map((v) => Math.max(-1, Math.min(1, v)));
    expect(analyzeLevels(clipped, 16_000).clippingRatio).toBeCloseTo(2 / 3, 2);
    expect(analyzeLevels(tone(440, 16_000, 2, 0.9), 16_000).clippingRatio).toBe(0);
  });

  describe('SNR', () => {
    let clip: SpeechClip;
    beforeAll(async () => {
      clip = await speechClip('Our support team resolved the billing problem within a day.', 2, 2);
    });

    it.each([20, 10])('estimates a %i dB speech-to-noise ratio within 3 dB', async (target) => {
      const { samples, speechStartMs, speechEndMs } = clip;
      const span = samples.subarray(Math.round(speechStartMs * 16), Math.round(speechEndMs * 16));
      const speechPower = span.reduce((s, v) => s + v * v, 0) / span.length;
      const noiseRms = Math.sqrt(speechPower / 10 ** (target / 10));
      const hiss = noise(samples.length, noiseRms, target);
      const noisy = samples.map((v, i) => v + hiss[i]!);

      const segments = await detectSpeech(noisy);
      const snr = analyzeLevels(noisy, 16_000, segments).snrDb;
      expect(snr).not.toBeNull();
      expect(Math.abs(snr! - target)).toBeLessThan(3);
    });

    it('is null when there is no non-speech to measure noise on', () => {
      expect(analyzeLevels(clip.samples, 16_000, [{ startMs: 0, endMs: 10_000 }]).snrDb).toBeNull();
    });
  });
});
