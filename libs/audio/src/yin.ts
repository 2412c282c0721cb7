import { frameDbfs } from './dsp';

export interface F0Options {
  /** Lowest F0 searched (sets the window: one period at minHz). Default 60 Hz. */
  minHz?: number;
  /** Highest F0 searched. Default 500 Hz. */
  maxHz?: number;
  /** Frame hop. Default 10 ms. */
  hopMs?: number;
  /**
   * YIN absolute threshold on the cumulative-mean-normalised difference. Default 0.2: the
   * paper's 0.1 suits clean instruments, while speech (breathy, fast formant motion) has
   * clearly periodic frames whose dip only reaches 0.15–0.2.
   */
  threshold?: number;
  /** Frames quieter than this are unvoiced without analysis. Default −60 dBFS. */
  silenceDbfs?: number;
}

export interface F0Track {
  timesMs: Float32Array;
  /** Hz, 0 = unvoiced. */
  f0Hz: Float32Array;
}

export const F0_DEFAULTS: Required<F0Options> = { minHz: 60, maxHz: 500, hopMs: 10, threshold: 0.2, silenceDbfs: -60 };

/**
 * YIN pitch tracking (de Cheveigné & Kawahara 2002): difference function, cumulative mean
 * normalisation, absolute threshold, then parabolic interpolation of the dip for sub-sample
 * lag precision. Frame k is centred at k·hop; frames whose window does not fit are unvoiced.
 */
export function estimateF0(samples: Float32Array, sampleRate: number, opts: F0Options = {}): F0Track {
  const o = { ...F0_DEFAULTS, ...opts };
  const maxLag = Math.ceil(sampleRate / o.minHz);
  const minLag = Math.max(2, Math.floor(sampleRate / o.maxHz));
  const hop = (o.hopMs * sampleRate) / 1000;
  const frames = Math.max(0, Math.floor(samples.length / hop));
  const timesMs = new Float32Array(frames);
  const f0Hz = new Float32Array(frames);
  const d = new Float64Array(maxLag + 2);

  for (let k = 0; k < frames; k++) {
    const centre = Math.round(k * hop);
    timesMs[k] = (centre * 1000) / sampleRate;
    const start = centre - maxLag;
    if (start < 0 || centre + maxLag + 1 > samples.length) continue;
    if (frameDbfs(samples, start, 2 * maxLag) < o.silenceDbfs) continue;
    const lag = yinLag(samples, start, maxLag, minLag, o.threshold, d);
    if (lag > 0) f0Hz[k] = sampleRate / lag;
  }
  return { timesMs, f0Hz };
}

/** Fractional period in samples of the window at `start`, or 0 when unvoiced. */
function yinLag(x: Float32Array, start: number, maxLag: number, minLag: number, threshold: number, d: Float64Array): number {
  const w = maxLag;
  // Difference function up to maxLag + 1 (one past, for interpolation at the edge).
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    // The O(window × lags) hot loop: four accumulators let V8 overlap the work.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
    const a = start;
    const b = start + tau;
    let j = 0;
    for (; j + 3 < w; j += 4) {
      const d0 = x[a + j]! - x[b + j]!;
      const d1 = x[a + j + 1]! - x[b + j + 1]!;
      const d2 = x[a + j + 2]! - x[b + j + 2]!;
      const d3 = x[a + j + 3]! - x[b + j + 3]!;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; j < w; j++) {
      const dj = x[a + j]! - x[b + j]!;
      s0 += dj * dj;
    }
    d[tau] = s0 + s1 + s2 + s3;
  }
  // Cumulative mean normalisation, in place.
  d[0] = 1;
  let running = 0;
  for (let tau = 1; tau <= maxLag + 1; tau++) {
    running += d[tau]!;
    d[tau] = running > 0 ? (d[tau]! * tau) / running : 1;
  }

  let tau = minLag;
  while (tau <= maxLag && d[tau]! >= threshold) tau++;
  if (tau > maxLag) return 0;
  while (tau + 1 <= maxLag && d[tau + 1]! < d[tau]!) tau++;

  const a = d[tau - 1]!;
  const b = d[tau]!;
  const c = d[tau + 1]!;
  const denom = a - 2 * b + c;
  const shift = denom > 0 ? (a - c) / (2 * denom) : 0;
  return tau + Math.max(-1, Math.min(1, shift));
}
