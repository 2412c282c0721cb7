import { DB_FLOOR, frameDbfs } from './dsp';
import type { SpeechSegment } from './vad';
import { estimateF0, F0_DEFAULTS } from './yin';

export interface Prosody {
  /**
   * null when no voiced frame was found. min/max are the 5th/95th percentiles (see below);
   * voicedRatio is voiced frames over non-silent frames inside speech segments.
   */
  f0: { meanHz: number; stdHz: number; minHz: number; maxHz: number; voicedRatio: number } | null;
  /**
   * Level of non-silent frames (25 ms RMS, 10 ms hop) inside speech; rangeDb is the
   * 5th–95th percentile spread. Silent frames inside a segment are pauses, not "quiet speech",
   * and would drag every statistic towards the −120 dB floor.
   */
  energy: { meanDb: number; stdDb: number; rangeDb: number };
  /** Syllable nuclei per second of talked time. */
  speakingRate: { syllablesPerSecond: number };
  /** Gaps between consecutive speech segments (leading/trailing silence is not a pause). */
  pauses: { count: number; meanMs: number; totalMs: number };
}

const RATE = 16_000;
const HOP_MS = 10;
const ENERGY_WINDOW_MS = 25;
/** A syllable nucleus must rise this far above the dips on both sides (de Jong & Wempe 2009). */
const NUCLEUS_DIP_DB = 2;
const SMOOTH_FRAMES = 5;

/**
 * Prosodic summary of 16 kHz mono speech, computed only inside the VAD segments.
 *
 * F0 extremes are percentiles because a single octave error or creaky frame would otherwise
 * define the "range"; the mean and std use every voiced frame.
 */
export function analyzeProsody(samples16k: Float32Array, segments: SpeechSegment[]): Prosody {
  const voiced: number[] = [];
  const levels: number[] = [];
  let frameCount = 0;
  let nuclei = 0;

  for (const seg of segments) {
    const start = Math.max(0, Math.round((seg.startMs * RATE) / 1000));
    const end = Math.min(samples16k.length, Math.round((seg.endMs * RATE) / 1000));
    if (end <= start) continue;
    const part = samples16k.subarray(start, end);
    const { f0Hz } = estimateF0(part, RATE, { hopMs: HOP_MS });
    const db = frameLevels(part);
    for (let k = 0; k < db.length; k++) {
      if (db[k]! < F0_DEFAULTS.silenceDbfs) continue;
      frameCount++;
      levels.push(db[k]!);
      const f = f0Hz[k] ?? 0;
      if (f > 0) voiced.push(f);
    }
    nuclei += countNuclei(db, f0Hz);
  }

  const talkedS = segments.reduce((s, g) => s + Math.max(0, g.endMs - g.startMs), 0) / 1000;
  return {
    f0: voiced.length
      ? {
          meanHz: mean(voiced),
          stdHz: std(voiced),
          minHz: percentile(voiced, 0.05),
          maxHz: percentile(voiced, 0.95),
          voicedRatio: voiced.length / frameCount,
        }
      : null,
    energy: levels.length
      ? { meanDb: mean(levels), stdDb: std(levels), rangeDb: percentile(levels, 0.95) - percentile(levels, 0.05) }
      : { meanDb: DB_FLOOR, stdDb: 0, rangeDb: 0 },
    speakingRate: { syllablesPerSecond: talkedS > 0 ? nuclei / talkedS : 0 },
    pauses: pauses(segments),
  };
}

/** Level (dBFS) of 25 ms windows every 10 ms, aligned with the F0 frames. */
function frameLevels(x: Float32Array): number[] {
  const hop = (HOP_MS * RATE) / 1000;
  const win = (ENERGY_WINDOW_MS * RATE) / 1000;
  const out: number[] = [];
  for (let k = 0; k < Math.floor(x.length / hop); k++) {
    const start = Math.max(0, k * hop - win / 2);
    out.push(frameDbfs(x, start, Math.min(win, x.length - start)));
  }
  return out;
}

/**
 * Syllable nuclei, after de Jong & Wempe (2009): peaks of the smoothed intensity contour
 * that stand above the median level, rise ≥ 2 dB above the dips on either side, and are
 * voiced (an unvoiced burst such as /s/ is not a syllable).
 */
function countNuclei(db: number[], f0: Float32Array): number {
  if (db.length < 3) return 0;
  const smooth = db.map((_, i) => {
    const lo = Math.max(0, i - (SMOOTH_FRAMES >> 1));
    const hi = Math.min(db.length, i + (SMOOTH_FRAMES >> 1) + 1);
    let s = 0;
    for (let j = lo; j < hi; j++) s += db[j]!;
    return s / (hi - lo);
  });
  const floor = percentile(smooth, 0.5) - NUCLEUS_DIP_DB;
  let count = 0;
  let dipBefore = smooth[0]!;
  let candidate = -1;
  for (let i = 1; i < smooth.length; i++) {
    const v = smooth[i]!;
    if (candidate < 0) {
      dipBefore = Math.min(dipBefore, v);
      if (v - dipBefore >= NUCLEUS_DIP_DB && v >= floor) candidate = i;
    } else if (v > smooth[candidate]!) {
      candidate = i;
    } else if (smooth[candidate]! - v >= NUCLEUS_DIP_DB) {
      if (isVoicedNear(f0, candidate)) count++;
      candidate = -1;
      dipBefore = v;
    }
  }
  if (candidate >= 0 && isVoicedNear(f0, candidate)) count++;
  return count;
}

function isVoicedNear(f0: Float32Array, i: number): boolean {
  for (let j = Math.max(0, i - 2); j <= Math.min(f0.length - 1, i + 2); j++) if (f0[j]! > 0) return true;
  return false;
}

function pauses(segments: SpeechSegment[]): Prosody['pauses'] {
  const gaps: number[] = [];
  for (let i = 1; i < segments.length; i++) {
    const gap = segments[i]!.startMs - segments[i - 1]!.endMs;
    if (gap > 0) gaps.push(gap);
  }
  const totalMs = gaps.reduce((a, b) => a + b, 0);
  return { count: gaps.length, meanMs: gaps.length ? totalMs / gaps.length : 0, totalMs };
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

function std(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return Math.sqrt(s / v.length);
}

function percentile(v: number[], p: number): number {
  const sorted = [...v].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[idx]!;
}
