import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(tmpdir(), 'vp-analysis-test-audio');

/**
 * espeak-ng speech as a canonical 16 kHz mono 16-bit WAV with `padS` seconds of digital silence on each
 * side, cached across runs (espeak + sox cost ~100 ms a clip on this 2-core box).
 */
export function speechWav(
  text: string,
  opts: { voice?: string; rate?: number; padS?: number; pitch?: number } = {},
): { path: string; wav: Buffer; speechMs: number } {
  const { voice = 'en-us', rate = 160, padS = 1, pitch = 50 } = opts;
  mkdirSync(CACHE, { recursive: true });
  const key = createHash('sha1')
    .update(JSON.stringify([text, voice, rate, padS, pitch]))
    .digest('hex')
    .slice(0, 16);
  const path = join(CACHE, `${key}.wav`);
  const raw = join(CACHE, `${key}.raw.wav`);
  if (!existsSync(path)) {
    execFileSync('espeak-ng', ['-v', voice, '-s', String(rate), '-p', String(pitch), '-w', raw, text]);
    // Trim espeak's own leading/trailing silence so the padding is the only silence we know of.
    const tmp = `${path}.${process.pid}.tmp.wav`;
    execFileSync('sox', [
      raw,
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      tmp,
      'silence',
      '1',
      '0.01',
      '0.1%',
      'reverse',
      'silence',
      '1',
      '0.01',
      '0.1%',
      'reverse',
      'pad',
      String(padS),
      String(padS),
    ]);
    renameSync(tmp, path);
  }
  const wav = readFileSync(path);
  const seconds = Number(execFileSync('soxi', ['-D', path], { encoding: 'utf8' }));
  return { path, wav, speechMs: Math.round((seconds - 2 * padS) * 1000) };
}
