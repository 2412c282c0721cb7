import { TranscriptionError } from '../errors';
import { encodeWavPcm16 } from '@voicepulse/audio';
import type { Availability, TimedText, TimedWord, Transcriber, Transcription } from '../types';
import { findExecutable, run, withTempWav } from './process';

/** Half a second of silence: decoding it proves the binary runs and finds its acoustic and language model. */
const SMOKE_WAV = encodeWavPcm16(new Float32Array(8000), 16_000);

/**
 * CMU PocketSphinx through Debian 12's `pocketsphinx_continuous` (5prealpha). It needs 16 kHz mono 16-bit
 * input — exactly the canonical WAV the transcoder produces — and prints, per utterance, the hypothesis
 * line followed (with `-time yes`) by one `word start end confidence` line per word, times in seconds.
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';

  constructor(
    private readonly bin = 'pocketsphinx_continuous',
    private readonly timeoutMs = 600_000,
  ) {}

  async available(): Promise<Availability> {
    if (!(await findExecutable(this.bin)))
      return {
        ok: false,
        reason: `${this.bin} not found on PATH (Debian: apt-get install pocketsphinx pocketsphinx-en-us)`,
      };
    try {
      // Without -logfn, so a missing model's "ERROR: … does not contain acoustic model" lands in the reason.
      await withTempWav(SMOKE_WAV, (path) => run(this.bin, ['-infile', path], 60_000));
      return { ok: true };
    } catch (err) {
      return {
        ok: false,
        reason: `${this.bin} cannot decode (is pocketsphinx-en-us installed?): ${(err as Error).message}`,
      };
    }
  }

  async transcribe(wav16k: Buffer): Promise<Transcription> {
    const { stdout } = await withTempWav(wav16k, (path) =>
      run(this.bin, ['-infile', path, '-time', 'yes', '-logfn', '/dev/null'], this.timeoutMs),
    );
    return parsePocketsphinx(stdout);
  }
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;
/** Fillers and markers the decoder emits that are not words: <s>, </s>, <sil>, [NOISE], ++BREATH++. */
const NON_WORD = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

export function parsePocketsphinx(stdout: string): Transcription {
  const segments: TimedText[] = [];
  const all: TimedWord[] = [];
  let words: TimedWord[] = [];
  const flush = () => {
    if (words.length) {
      segments.push({
        startMs: words[0]!.startMs,
        endMs: words[words.length - 1]!.endMs,
        text: words.map((w) => w.word).join(' '),
        confidence: meanConfidence(words),
      });
      all.push(...words);
    }
    words = [];
  };
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const token = m[1]!;
    if (token === '<s>' || token === '</s>') {
      // Utterance boundaries: each decoded utterance becomes one timed segment.
      flush();
      continue;
    }
    if (NON_WORD.test(token)) continue;
    // "really(2)" names the second pronunciation variant in the dictionary; the word is "really".
    words.push({
      word: token.replace(/\(\d+\)$/, ''),
      startMs: Math.round(Number(m[2]) * 1000),
      endMs: Math.round(Number(m[3]) * 1000),
      // The fourth column is the word's posterior probability from the lattice.
      confidence: Math.min(1, Math.max(0, Number(m[4]))),
    });
  }
  flush();
  if (
    all.some(
      (w) => !Number.isFinite(w.startMs) || !Number.isFinite(w.endMs) || !Number.isFinite(w.confidence),
    )
  ) {
    throw new TranscriptionError('unreadable pocketsphinx word timings');
  }
  return {
    text: segments.map((s) => s.text).join(' '),
    segments,
    words: all,
    ...(all.length ? { confidence: meanConfidence(all) } : {}),
  };
}

/** Duration-weighted mean posterior: a long misheard word weighs more than a short "a". */
export function meanConfidence(words: readonly TimedWord[]): number {
  let num = 0;
  let den = 0;
  for (const w of words) {
    const d = Math.max(1, w.endMs - w.startMs);
    num += d * w.confidence;
    den += d;
  }
  return den > 0 ? num / den : 0;
}
