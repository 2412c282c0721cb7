import { TranscriptionError } from '../errors';
import type { Availability, TimedText, Transcriber, Transcription } from '../types';
import { findExecutable, run, withTempWav } from './process';

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
    return (await findExecutable(this.bin))
      ? { ok: true }
      : {
          ok: false,
          reason: `${this.bin} not found on PATH (Debian: apt-get install pocketsphinx pocketsphinx-en-us)`,
        };
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
  let words: { word: string; start: number; end: number }[] = [];
  const flush = () => {
    if (words.length) {
      segments.push({
        startMs: Math.round(words[0]!.start * 1000),
        endMs: Math.round(words[words.length - 1]!.end * 1000),
        text: words.map((w) => w.word).join(' '),
      });
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
    words.push({ word: token.replace(/\(\d+\)$/, ''), start: Number(m[2]), end: Number(m[3]) });
  }
  flush();
  if (segments.some((s) => !Number.isFinite(s.startMs) || !Number.isFinite(s.endMs))) {
    throw new TranscriptionError('unreadable pocketsphinx word timings');
  }
  return { text: segments.map((s) => s.text).join(' '), segments };
}
