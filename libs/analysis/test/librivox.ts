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
