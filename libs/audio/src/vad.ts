// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- workspaces compile this file through tsconfig paths, so the ambient types must travel with it
/// <reference path="./fvad-wasm.d.ts" />
import createFvad, { type FvadModule } from '@echogarden/fvad-wasm';
import { frameDbfs } from './dsp';

export interface SpeechSegment {
  startMs: number;
  endMs: number;
}

export interface VadOptions {
  /** WebRTC aggressiveness: 0 (keeps most) … 3 (rejects most non-speech). Default 3. */
  mode?: 0 | 1 | 2 | 3;
  frameMs?: 10 | 20 | 30;
  /** Speech is held this long after the last voiced frame (word endings are quiet). Default 90. */
  hangoverMs?: number;
  /** Segments shorter than this after merging are dropped as clicks/blips. Default 150. */
  minSegmentMs?: number;
  /** Pauses shorter than this are part of the utterance, not a turn gap. Default 300. */
  mergeGapMs?: number;
  /**
   * Frames quieter than this are never speech. WebRTC VAD normalises level, so without a
   * gate it can fire on faint hiss. Default −55 dBFS.
   */
  energyGateDbfs?: number;
}

export const VAD_SAMPLE_RATE = 16_000;

const DEFAULTS: Required<VadOptions> = {
  mode: 3,
  frameMs: 30,
  hangoverMs: 90,
  minSegmentMs: 150,
  mergeGapMs: 300,
  energyGateDbfs: -55,
};

let fvadModule: Promise<FvadModule> | undefined;

/** Instantiate the WASM once per process; a failed load is retried on the next call. */
function loadFvad(): Promise<FvadModule> {
  fvadModule ??= createFvad().catch((err: unknown) => {
    fvadModule = undefined;
    throw err;
  });
  return fvadModule;
}

/** Per-frame WebRTC VAD decisions, gated by frame energy. */
async function frameDecisions(
  samples: Float32Array,
  frameLen: number,
  mode: number,
  gateDbfs: number,
): Promise<Uint8Array> {
  const m = await loadFvad();
  const frames = Math.floor(samples.length / frameLen);
  const out = new Uint8Array(frames);
  const inst = m._fvad_new();
  if (!inst) throw new Error('fvad_new failed');
  const ptr = m._malloc(frameLen * 2);
  try {
    if (m._fvad_set_mode(inst, mode) !== 0 || m._fvad_set_sample_rate(inst, VAD_SAMPLE_RATE) !== 0) {
      throw new Error('fvad rejected its configuration');
    }
    for (let f = 0; f < frames; f++) {
      const start = f * frameLen;
      if (frameDbfs(samples, start, frameLen) < gateDbfs) continue;
      // Read HEAP16 after malloc: a heap growth would replace the view.
      const heap = m.HEAP16;
      const base = ptr >> 1;
      for (let i = 0; i < frameLen; i++) {
        const v = Math.round(samples[start + i]! * 32768);
        heap[base + i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
      const r = m._fvad_process(inst, ptr, frameLen);
      if (r < 0) throw new Error('fvad_process rejected the frame');
      out[f] = r;
    }
  } finally {
    m._free(ptr);
    m._fvad_free(inst);
  }
  return out;
}

/**
 * Speech segments of 16 kHz mono audio: WebRTC VAD per frame, an energy gate, hangover,
 * gap merging and a minimum segment length.
 */
export async function detectSpeech(
  samples16k: Float32Array,
  opts: VadOptions = {},
): Promise<SpeechSegment[]> {
  const o = { ...DEFAULTS, ...opts };
  const frameLen = (VAD_SAMPLE_RATE * o.frameMs) / 1000;
  const raw = await frameDecisions(samples16k, frameLen, o.mode, o.energyGateDbfs);
  return framesToSegments(raw, o.frameMs, o);
}

export type SegmentationOptions = Pick<VadOptions, 'hangoverMs' | 'minSegmentMs' | 'mergeGapMs'>;

/**
 * Per-frame speech decisions (1 = speech) → segments, with hangover, gap merging and a minimum length.
 * Shared by every VAD engine so they differ only in how they decide a frame, not in how talk is counted.
 */
export function framesToSegments(
  decisions: ArrayLike<number>,
  frameMs: number,
  opts: SegmentationOptions = {},
): SpeechSegment[] {
  const o = { ...DEFAULTS, ...opts };
  const hang = Math.round(o.hangoverMs / frameMs);
  const segments: SpeechSegment[] = [];
  let start = -1;
  let lastSpeech = -1;
  for (let f = 0; f <= decisions.length; f++) {
    if (f < decisions.length && decisions[f]) {
      if (start < 0) start = f;
      lastSpeech = f;
    } else if (start >= 0 && (f === decisions.length || f - lastSpeech > hang)) {
      const endFrame = Math.min(decisions.length, lastSpeech + 1 + hang);
      segments.push({ startMs: start * frameMs, endMs: endFrame * frameMs });
      start = -1;
    }
  }
  return mergeSegments(segments, o.mergeGapMs).filter((s) => s.endMs - s.startMs >= o.minSegmentMs);
}

export function mergeSegments(segments: SpeechSegment[], maxGapMs: number): SpeechSegment[] {
  const merged: SpeechSegment[] = [];
  for (const s of segments) {
    const prev = merged[merged.length - 1];
    if (prev && s.startMs - prev.endMs < maxGapMs) prev.endMs = Math.max(prev.endMs, s.endMs);
    else merged.push({ ...s });
  }
  return merged;
}

/** Total speech time; segments are assumed non-overlapping (as detectSpeech returns them). */
export function talkedTimeMs(segments: SpeechSegment[]): number {
  return segments.reduce((sum, s) => sum + Math.max(0, s.endMs - s.startMs), 0);
}
