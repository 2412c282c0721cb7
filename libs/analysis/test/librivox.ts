import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav, downmix } from '@voicepulse/audio';

/** Debian's pocketsphinx-testdata: five LibriVox read-speech utterances (16 kHz mono) with references. */
export const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';
export const haveLibrivox = existsSync(join(LIBRIVOX_DIR, 'transcription'));

export interface Utterance {
  id: string;
  samples: Float32Array;
  reference: string;
}

export function librivox(): Utterance[] {
  return readFileSync(join(LIBRIVOX_DIR, 'transcription'), 'utf8')
    .split('\n')
    .map((l) => /^<s> (.*) <\/s> \((.+)\)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      id: m[2]!,
      reference: m[1]!,
      samples: downmix(decodeWav(readFileSync(join(LIBRIVOX_DIR, `${m[2]}.wav`)))),
    }));
}

/** Word error rate: word-level edit distance over the reference length, case and punctuation ignored. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z' ]+/g, ' ')
      .split(/\s+/)
      .filter(Boolean);
  const r = words(reference);
  const h = words(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return r.length ? prev[h.length]! / r.length : 0;
}
