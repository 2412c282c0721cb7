import type { SpeechSegment } from '@voicepulse/audio';
import type { TimedText, TimedWord, Transcription } from '../types';
import { meanConfidence } from './pocketsphinx';

export interface GateOptions {
  /** Audio kept either side of each speech segment, so word onsets and endings are not clipped. Default 150. */
  padMs?: number;
  /** Silence between the cut segments, so the recogniser ends an utterance at each cut. Default 300. */
  joinMs?: number;
}

interface Span {
  gatedStartMs: number;
  gatedEndMs: number;
  startMs: number;
  endMs: number;
}

export interface GatedAudio {
  /** Only the speech (padded), the pieces separated by joinMs of silence. */
  samples: Float32Array;
  spans: Span[];
}

/**
 * Cuts the VAD's speech out of the recording for the recogniser: on silence and noise STT invents
 * words, and every second it does not decode is CPU saved. One recogniser run for all segments keeps
 * the model load (most of pocketsphinx's cost on short clips) to once per recording.
 */
export function gateToSpeech(
  samples: Float32Array,
  speech: readonly SpeechSegment[],
  rate: number,
  opts: GateOptions = {},
): GatedAudio {
  const pad = opts.padMs ?? 150;
  const join = Math.round(((opts.joinMs ?? 300) * rate) / 1000);
  const at = (ms: number) => Math.max(0, Math.min(samples.length, Math.round((ms * rate) / 1000)));
  const pieces: { from: number; to: number }[] = [];
  for (const s of speech) {
    const from = Math.max(at(s.startMs - pad), pieces[pieces.length - 1]?.to ?? 0);
    const to = at(s.endMs + pad);
    if (to > from) pieces.push({ from, to });
  }
  const total = pieces.reduce((n, p) => n + (p.to - p.from), 0) + join * Math.max(0, pieces.length - 1);
  const out = new Float32Array(total);
  const spans: Span[] = [];
  let cursor = 0;
  const ms = (n: number) => (n / rate) * 1000;
  for (const p of pieces) {
    out.set(samples.subarray(p.from, p.to), cursor);
    spans.push({
      gatedStartMs: ms(cursor),
      gatedEndMs: ms(cursor + p.to - p.from),
      startMs: ms(p.from),
      endMs: ms(p.to),
    });
    cursor += p.to - p.from + join;
  }
  return { samples: out, spans };
}

/** A time on the gated clock → the recording's clock; times in a join snap to the nearer cut. */
export function toRecordingMs(gated: GatedAudio, gatedMs: number): number {
  const { spans } = gated;
  if (!spans.length) return 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (gatedMs < s.gatedStartMs) {
      const prev = spans[i - 1];
      if (!prev) return s.startMs;
      return gatedMs - prev.gatedEndMs < s.gatedStartMs - gatedMs ? prev.endMs : s.startMs;
    }
    if (gatedMs <= s.gatedEndMs) return s.startMs + (gatedMs - s.gatedStartMs);
  }
  return spans[spans.length - 1]!.endMs;
}

/**
 * Puts a transcription of gated audio back on the recording's clock. With word timings, the words are
 * regrouped per VAD speech segment — one timed, confidence-carrying text per stretch of talk — so the
 * timeline follows the speech the analysis measured; without them the recogniser's segments are mapped.
 */
export function ungate(t: Transcription, gated: GatedAudio, speech: readonly SpeechSegment[]): Transcription {
  const map = (x: number) => Math.round(toRecordingMs(gated, x));
  if (!t.words) {
    const segments = t.segments.map((s) => ({ ...s, startMs: map(s.startMs), endMs: map(s.endMs) }));
    return { ...t, segments };
  }
  const words: TimedWord[] = t.words.map((w) => ({ ...w, startMs: map(w.startMs), endMs: map(w.endMs) }));
  const groups = speech.map(() => [] as TimedWord[]);
  for (const w of words) {
    const mid = (w.startMs + w.endMs) / 2;
    // The segment containing the word's middle, else the nearest one (padding reaches past segment edges).
    let best = 0;
    let bestDist = Infinity;
    speech.forEach((s, i) => {
      const d = mid < s.startMs ? s.startMs - mid : mid > s.endMs ? mid - s.endMs : 0;
      if (d < bestDist) {
        best = i;
        bestDist = d;
      }
    });
    groups[best]?.push(w);
  }
  const segments: TimedText[] = groups.flatMap((g) =>
    g.length
      ? [
          {
            startMs: g[0]!.startMs,
            endMs: g[g.length - 1]!.endMs,
            text: g.map((w) => w.word).join(' '),
            confidence: meanConfidence(g),
          },
        ]
      : [],
  );
  return { ...t, words, segments };
}
