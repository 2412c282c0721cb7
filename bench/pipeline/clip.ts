import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The sentence the clip repeats; a client transcript of it, where a bench sends one. */
export const CLIP_SENTENCE =
  'Thanks for calling. I really appreciate your help with this, it was a great experience overall.';

/** `targetS` seconds of espeak-ng speech as a 48 kHz stereo WAV, the shape a desktop client uploads. */
export async function speechClip(targetS: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vp-clip-'));
  try {
    const one = path.join(dir, 'one.wav');
    const out = path.join(dir, 'clip.wav');
    await run('espeak-ng', ['-w', one, CLIP_SENTENCE]);
    const { stdout } = await run('soxi', ['-D', one]);
    const repeats = Math.max(1, Math.ceil(targetS / (Number(stdout) + 0.5)));
    const parts = Array.from({ length: repeats }, () => one);
    await run('sox', [...parts, '-r', '48000', '-c', '2', out, 'pad', '0', '0.5', 'trim', '0', String(targetS)]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
