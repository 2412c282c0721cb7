import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(tmpdir(), 'vp-speech-cache', 'v1');

export interface SpeechOptions {
  voice?: string;
  /** Words per minute (espeak-ng `-s`). */
  wpm?: number;
  pitch?: number;
  /** Digital silence added on each side, in seconds: the ground truth for talk time. */
  padS?: number;
  sampleRate?: number;
  channels?: number;
}

export interface Speech {
  path: string;
  wav: Buffer;
  /** Length of the speech itself: espeak's output with its own edge silence trimmed. */
  speechMs: number;
  totalMs: number;
}

const durationMs = (file: string) => Math.round(Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' })) * 1000);

/**
 * Real (synthetic) speech for tests and benchmarks: espeak-ng, trimmed of its own leading and
 * trailing silence, then padded with exact digital silence, so the speech span is known. Cached
 * by content across runs, since espeak + sox cost ~100 ms a clip on a 2-core machine.
 */
export function synthesizeSpeech(text: string, opts: SpeechOptions = {}): Speech {
  const { voice = 'en-us', wpm = 160, pitch = 50, padS = 1, sampleRate = 16_000, channels = 1 } = opts;
  mkdirSync(CACHE, { recursive: true });
  const key = createHash('sha1')
    .update(JSON.stringify([text, voice, wpm, pitch, padS, sampleRate, channels]))
    .digest('hex')
    .slice(0, 20);
  const path = join(CACHE, `${key}.wav`);
  const trimmed = join(CACHE, `${key}.trimmed.wav`);
  if (!existsSync(path)) {
    const raw = join(CACHE, `${key}.${process.pid}.raw.wav`);
    execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-p', String(pitch), '-w', raw, text]);
    const trim = ['silence', '1', '0.01', '0.1%', 'reverse', 'silence', '1', '0.01', '0.1%', 'reverse'];
    const format = ['-r', String(sampleRate), '-c', String(channels), '-b', '16'];
    const tmp = `${trimmed}.${process.pid}.tmp.wav`;
    execFileSync('sox', [raw, ...format, tmp, ...trim]);
    renameSync(tmp, trimmed);
    const padded = `${path}.${process.pid}.tmp.wav`;
    execFileSync('sox', [trimmed, padded, 'pad', String(padS), String(padS)]);
    // Renamed into place last, so a concurrent run never reads a half-written clip.
    renameSync(padded, path);
  }
  return { path, wav: readFileSync(path), speechMs: durationMs(trimmed), totalMs: durationMs(path) };
}
