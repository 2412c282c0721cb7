import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWav } from '../src/wav';
import { run, tempDir } from './signals';

export interface SpeechClip {
  samples: Float32Array;
  /** First/last sample above −40 dBFS in the unpadded clip, in ms from the clip start. */
  speechStartMs: number;
  speechEndMs: number;
}

/** espeak-ng sentence at 16 kHz mono, padded with exact digital silence by sox. */
export async function speechClip(
  text: string,
  padBeforeS: number,
  padAfterS: number,
  espeakArgs: string[] = [],
): Promise<SpeechClip> {
  const dir = tempDir('speech');
  const raw = join(dir, 'raw.wav');
  const out = join(dir, 'speech16k.wav');
  await run('espeak-ng', [...espeakArgs, '-w', raw, text]);
  await run('sox', [raw, '-r', '16000', '-c', '1', '-b', '16', out, 'pad', String(padBeforeS), String(padAfterS)]);
  const samples = decodeWav(readFileSync(out)).channels[0]!;
  const unpadded = samples.subarray(padBeforeS * 16_000, samples.length - padAfterS * 16_000);
  let first = 0;
  let last = unpadded.length - 1;
  while (first < unpadded.length && Math.abs(unpadded[first]!) < 0.01) first++;
  while (last > first && Math.abs(unpadded[last]!) < 0.01) last--;
  return {
    samples,
    speechStartMs: padBeforeS * 1000 + first / 16,
    speechEndMs: padBeforeS * 1000 + (last + 1) / 16,
  };
}
