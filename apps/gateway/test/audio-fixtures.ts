import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SpeechClip {
  wav: Buffer;
  webm: Buffer;
  /** Length of the speech itself (espeak output with its own edge silence trimmed), in ms. */
  speechMs: number;
  totalMs: number;
}

async function durationMs(file: string): Promise<number> {
  const { stdout } = await run('soxi', ['-D', file]);
  return Math.round(Number(stdout.trim()) * 1000);
}

/**
 * Real speech made by espeak-ng, trimmed, then padded with known silence, plus the same clip as
 * WebM/Opus (what browsers upload). The padding is the ground truth for talk time.
 */
export async function makeSpeechClip(text: string, padS = 1.5, voice = 'en-us'): Promise<SpeechClip> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vp-clip-'));
  const raw = path.join(dir, 'raw.wav');
  const trimmed = path.join(dir, 'trimmed.wav');
  const padded = path.join(dir, 'padded.wav');
  const webm = path.join(dir, 'padded.webm');
  await run('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text]);
  await run('sox', [raw, trimmed, 'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse']);
  await run('sox', [trimmed, '-r', '48000', '-c', '2', padded, 'pad', String(padS), String(padS)]);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', padded, '-c:a', 'libopus', '-b:a', '48k', webm]);
  return {
    wav: await readFile(padded),
    webm: await readFile(webm),
    speechMs: await durationMs(trimmed),
    totalMs: await durationMs(padded),
  };
}
