import { describe, expect, it } from 'vitest';
import { StreamingResampler, resample } from '../src/resample';
import { db, rms, rng, tone, toneAmplitude } from './signals';

const OUT = 16_000;
const EDGE = 2_000; // output samples skipped at each end (filter start-up / tail)

describe('resample', () => {
  it.each([48_000, 44_100, 22_050])('keeps a 1 kHz tone within 0.5 dB (%i Hz -> 16 kHz)', (from) => {
    const y = resample(tone(1000, from, 1, 0.5), from, OUT);
    expect(y.length).toBe(Math.ceil((from * 1 * OUT) / from));
    expect(Math.abs(db(toneAmplitude(y, OUT, 1000, EDGE) / 0.5))).toBeLessThan(0.5);
  });

  it.each([48_000, 44_100])('passes 7 kHz (0.875 x Nyquist) at full amplitude (%i Hz)', (from) => {
    const y = resample(tone(7000, from, 1, 0.5), from, OUT);
    expect(Math.abs(db(toneAmplitude(y, OUT, 7000, EDGE) / 0.5))).toBeLessThan(0.5);
  });

  it.each([
    [48_000, 9000],
    [48_000, 11_000],
    [48_000, 15_000],
    [44_100, 9000],
    [22_050, 10_000],
  ])('attenuates a tone above the new Nyquist by >= 60 dB (%i Hz input, %i Hz tone)', (from, freq) => {
    const y = resample(tone(freq, from, 1, 0.5), from, OUT);
    const inRms = 0.5 / Math.SQRT2;
    expect(db(rms(y, EDGE) / inRms)).toBeLessThan(-60);
  });

  it('upsamples without imaging (8 kHz -> 16 kHz)', () => {
    const y = resample(tone(1000, 8000, 1, 0.5), 8000, OUT);
    expect(y.length).toBe(16_000);
    expect(Math.abs(db(toneAmplitude(y, OUT, 1000, EDGE) / 0.5))).toBeLessThan(0.5);
    // The spectral image of 1 kHz sits at 7 kHz.
    expect(db(toneAmplitude(y, OUT, 7000, EDGE) / 0.5)).toBeLessThan(-60);
  });

  it('keeps time alignment (no filter delay)', () => {
    const x = new Float32Array(48_000);
    x[24_000] = 1;
    const y = resample(x, 48_000, OUT);
    let peak = 0;
    for (let i = 1; i < y.length; i++) if (Math.abs(y[i]!) > Math.abs(y[peak]!)) peak = i;
    expect(peak).toBe(8000);
  });

  it('returns a copy for equal rates and rejects invalid rates', () => {
    const x = tone(440, 16_000, 0.1);
    const y = resample(x, 16_000, 16_000);
    expect(y).not.toBe(x);
    expect(Array.from(y)).toEqual(Array.from(x));
    expect(() => resample(x, 0, 16_000)).toThrow(RangeError);
    expect(() => resample(x, 44_100.5, 16_000)).toThrow(RangeError);
  });
});

describe('StreamingResampler', () => {
  it.each([
    [48_000, OUT],
    [44_100, OUT],
    [8000, OUT],
    [44_056, OUT], // reduced up-factor 2000: exercises large phase tables
    [44_100, 16_001], // up-factor > 4096: quantised phases
  ])('matches the one-shot output for random chunk sizes (%i -> %i)', (from, to) => {
    const r = rng(from);
    const x = new Float32Array(Math.round(from * 0.7));
    for (let i = 0; i < x.length; i++) x[i] = r() * 2 - 1;
    const oneShot = resample(x, from, to);

    const s = new StreamingResampler(from, to);
    const parts: Float32Array[] = [];
    for (let i = 0; i < x.length; ) {
      const size = Math.floor(r() * 5000);
      parts.push(s.push(x.subarray(i, i + size)));
      i += size;
    }
    parts.push(s.flush());
    const streamed = Float32Array.from(parts.flatMap((p) => Array.from(p)));

    expect(streamed.length).toBe(oneShot.length);
    let maxDiff = 0;
    for (let i = 0; i < streamed.length; i++) maxDiff = Math.max(maxDiff, Math.abs(streamed[i]! - oneShot[i]!));
    expect(maxDiff).toBeLessThan(1e-6);
  });

  it('attenuates aliases with quantised phases too (44.1 kHz -> 16.001 kHz)', () => {
    const y = resample(tone(1000, 44_100, 1, 0.5), 44_100, 16_001);
    expect(Math.abs(db(toneAmplitude(y, 16_001, 1000, EDGE) / 0.5))).toBeLessThan(0.5);
    const z = resample(tone(10_000, 44_100, 1, 0.5), 44_100, 16_001);
    expect(db(rms(z, EDGE) / (0.5 / Math.SQRT2))).toBeLessThan(-60);
  });
});
