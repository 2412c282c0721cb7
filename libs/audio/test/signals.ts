import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export const run = promisify(execFile);

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vp-audio-${prefix}-`));
}

/** Deterministic uniform [0, 1) numbers (pure-rand's xoroshiro128+), so failures reproduce from the seed. */
export function rng(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

export function tone(freq: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

export function mix(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i]! += p[i]!;
  return out;
}

/** Gaussian-ish white noise with the given RMS (sum of uniforms). */
export function noise(n: number, rms: number, seed = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() + r() + r() - 1.5) * 2 * rms;
  return out;
}

/**
 * Amplitude of the `freq` component, Hann-windowed so a strong tone elsewhere does not leak
 * into the measurement. `skip` samples are ignored at both ends (filter edges).
 */
export function toneAmplitude(x: Float32Array, rate: number, freq: number, skip = 0): number {
  const start = skip;
  const n = x.length - 2 * skip;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const ph = (2 * Math.PI * freq * (start + i)) / rate;
    re += w * x[start + i]! * Math.cos(ph);
    im += w * x[start + i]! * Math.sin(ph);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

export function rms(x: Float32Array, skip = 0): number {
  let s = 0;
  for (let i = skip; i < x.length - skip; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, x.length - 2 * skip));
}

export const db = (ratio: number): number => 20 * Math.log10(ratio);
