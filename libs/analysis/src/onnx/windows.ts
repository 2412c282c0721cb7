export interface Window {
  /** Sample offsets into the (model-rate) signal; `end` is exclusive and never past the signal. */
  start: number;
  end: number;
}

/**
 * Fixed windows of `size` every `hop` samples. The last window may be partial (the caller pads it) so
 * the tail of a recording is always heard; a signal shorter than one window yields one partial window.
 */
export function planWindows(length: number, size: number, hop: number): Window[] {
  if (size <= 0 || hop <= 0) throw new RangeError('window size and hop must be positive');
  if (length <= 0) return [];
  const windows: Window[] = [];
  for (let start = 0; ; start += hop) {
    const end = Math.min(length, start + size);
    windows.push({ start, end });
    if (end >= length) break;
  }
  return windows;
}

/**
 * Zero-mean, unit-variance normalisation of the real samples, then zero padding to `size`. wav2vec2-style
 * models are trained on normalised input; padding after normalising means the pad equals the mean and
 * adds no energy. A silent window (variance ~0) is only centred, not blown up to unit variance.
 */
export function normalisedWindow(
  signal: Float32Array,
  w: Window,
  size: number,
  normalise: boolean,
): Float32Array {
  const out = new Float32Array(size);
  const n = w.end - w.start;
  if (!normalise) {
    out.set(signal.subarray(w.start, w.end));
    return out;
  }
  let sum = 0;
  for (let i = w.start; i < w.end; i++) sum += signal[i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = w.start; i < w.end; i++) sq += (signal[i]! - mean) ** 2;
  const variance = sq / n;
  // Same epsilon as the Hugging Face Wav2Vec2FeatureExtractor.
  const scale = 1 / Math.sqrt(variance + 1e-7);
  for (let i = 0; i < n; i++) out[i] = (signal[w.start + i]! - mean) * scale;
  return out;
}

/** Milliseconds of [startMs, endMs) covered by speech segments. */
export function speechOverlapMs(
  startMs: number,
  endMs: number,
  segments: { startMs: number; endMs: number }[],
): number {
  let ms = 0;
  for (const s of segments) ms += Math.max(0, Math.min(endMs, s.endMs) - Math.max(startMs, s.startMs));
  return ms;
}
