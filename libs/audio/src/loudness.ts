import { DB_FLOOR } from './dsp';

/**
 * ITU-R BS.1770-4 integrated loudness (the EBU R128 measure) of a mono signal.
 *
 * K-weighting is the standard shelf + high-pass pair. Their coefficients are only tabulated
 * for 48 kHz, so they are derived for any rate from the analogue prototypes by the bilinear
 * transform (same constants as libebur128), which reproduces the 48 kHz table.
 */

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const LOUDNESS_OFFSET = -0.691;

export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  // Stage 1: high shelf (+4 dB above ~1.7 kHz) modelling the head.
  const vh = 10 ** (3.999843853973347 / 20);
  const vb = vh ** 0.4996667741545416;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * 1681.974450955533) / sampleRate);
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  // Stage 2: RLB high-pass at ~38 Hz.
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * 38.13547087602444) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return [shelf, highpass];
}

/**
 * Sums of K-weighted squares over consecutive 100 ms steps. Gating blocks (400 ms, 75 %
 * overlap) are sums of four neighbours, so the signal is filtered once and never copied.
 */
function stepEnergies(x: Float32Array, sampleRate: number): { sums: Float64Array; lengths: Float64Array } {
  const [s, h] = kWeightingFilters(sampleRate);
  const steps = Math.ceil((x.length * 10) / sampleRate);
  const sums = new Float64Array(steps);
  const lengths = new Float64Array(steps);
  let sx1 = 0, sx2 = 0, sy1 = 0, sy2 = 0; // prettier-ignore
  let hy1 = 0, hy2 = 0; // prettier-ignore
  let i = 0;
  for (let step = 0; step < steps; step++) {
    const end = Math.min(x.length, Math.round(((step + 1) * sampleRate) / 10));
    let acc = 0;
    const start = i;
    for (; i < end; i++) {
      const v = x[i]!;
      const y = s.b0 * v + s.b1 * sx1 + s.b2 * sx2 - s.a1 * sy1 - s.a2 * sy2;
      // High-pass numerator (1, −2, 1) on the shelf output.
      const z = y - 2 * sy1 + sy2 - h.a1 * hy1 - h.a2 * hy2;
      sx2 = sx1;
      sx1 = v;
      sy2 = sy1;
      sy1 = y;
      hy2 = hy1;
      hy1 = z;
      acc += z * z;
    }
    sums[step] = acc;
    lengths[step] = i - start;
  }
  return { sums, lengths };
}

/** Integrated loudness in LUFS (floored at DB_FLOOR when every block is gated out). */
export function integratedLoudness(x: Float32Array, sampleRate: number): number {
  if (x.length === 0) return DB_FLOOR;
  const { sums, lengths } = stepEnergies(x, sampleRate);
  const blocks: number[] = [];
  if (sums.length < 4) {
    // Shorter than one gating block: measure the whole clip as a single block.
    blocks.push(sums.reduce((a, b) => a + b, 0) / x.length);
  } else {
    for (let j = 0; j + 4 <= sums.length; j++) {
      const e = sums[j]! + sums[j + 1]! + sums[j + 2]! + sums[j + 3]!;
      const n = lengths[j]! + lengths[j + 1]! + lengths[j + 2]! + lengths[j + 3]!;
      blocks.push(e / n);
    }
  }
  const lufs = (z: number) => LOUDNESS_OFFSET + 10 * Math.log10(z);
  const absGated = blocks.filter((z) => z > 0 && lufs(z) > ABSOLUTE_GATE_LUFS);
  if (absGated.length === 0) return DB_FLOOR;
  const relGate = lufs(mean(absGated)) + RELATIVE_GATE_LU;
  const gated = absGated.filter((z) => lufs(z) > relGate);
  return Math.max(DB_FLOOR, lufs(mean(gated)));
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
