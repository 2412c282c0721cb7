import { DB_FLOOR, powerDb } from './dsp';
import { integratedLoudness } from './loudness';
import type { SpeechSegment } from './vad';

export interface Levels {
  /** Sine-referenced RMS: a full-scale sine reads −3.01 dBFS. */
  rmsDbfs: number;
  peakDbfs: number;
  /** ITU-R BS.1770-4 / EBU R128 integrated loudness (mono). */
  integratedLufs: number;
  /** Fraction of samples at (or within 0.01 dB of) full scale. */
  clippingRatio: number;
  /** Speech vs non-speech power; null without segments or without enough of either. */
  snrDb: number | null;
}

/** 0.999 ≈ −0.009 dBFS: int16 full scale is 32767/32768, and codecs overshoot slightly. */
const CLIP_LEVEL = 0.999;
/** Non-speech this close to a segment is left out of the noise estimate (VAD edges are soft). */
const GUARD_MS = 100;
/** Below this much speech or noise, the SNR would be a guess. */
const MIN_REGION_MS = 200;
const SNR_CEILING_DB = 120;

export function analyzeLevels(samples: Float32Array, sampleRate: number, speech?: SpeechSegment[]): Levels {
  let sum = 0;
  let peak = 0;
  let clipped = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    const a = Math.abs(v);
    sum += v * v;
    if (a > peak) peak = a;
    if (a >= CLIP_LEVEL) clipped++;
  }
  const n = samples.length;
  return {
    rmsDbfs: powerDb(n ? sum / n : 0),
    peakDbfs: powerDb(peak * peak),
    integratedLufs: integratedLoudness(samples, sampleRate),
    clippingRatio: n ? clipped / n : 0,
    snrDb: speech ? estimateSnr(samples, sampleRate, speech) : null,
  };
}

/**
 * SNR from the VAD split: mean power inside speech segments is speech + noise, mean power
 * away from them is noise, so SNR = (P_speech − P_noise) / P_noise.
 */
export function estimateSnr(samples: Float32Array, sampleRate: number, speech: SpeechSegment[]): number | null {
  const n = samples.length;
  const inSpeech = new Uint8Array(n); // 0 = noise, 1 = speech, 2 = guard band
  const toIdx = (ms: number) => Math.max(0, Math.min(n, Math.round((ms * sampleRate) / 1000)));
  for (const s of speech) {
    inSpeech.fill(2, toIdx(s.startMs - GUARD_MS), toIdx(s.endMs + GUARD_MS));
  }
  for (const s of speech) inSpeech.fill(1, toIdx(s.startMs), toIdx(s.endMs));

  let sp = 0, spN = 0, no = 0, noN = 0; // prettier-ignore
  for (let i = 0; i < n; i++) {
    const p = samples[i]! * samples[i]!;
    const region = inSpeech[i];
    if (region === 1) {
      sp += p;
      spN++;
    } else if (region === 0) {
      no += p;
      noN++;
    }
  }
  const minSamples = (MIN_REGION_MS * sampleRate) / 1000;
  if (spN < minSamples || noN < minSamples) return null;
  const noise = no / noN;
  const signal = Math.max(0, sp / spN - noise);
  if (noise === 0) return signal === 0 ? 0 : SNR_CEILING_DB;
  const snr = powerDb(signal) - powerDb(noise);
  return Math.max(DB_FLOOR, Math.min(SNR_CEILING_DB, snr));
}
