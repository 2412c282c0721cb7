import { synthesizeSpeech } from '@voicepulse/testing';
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

/**
 * Speech padded with known silence as a 48 kHz stereo WAV, plus the same clip as WebM/Opus (what
 * browsers upload). The padding is the ground truth for talk time.
 */
export async function makeSpeechClip(text: string, padS = 1.5, voice = 'en-us'): Promise<SpeechClip> {
  const speech = synthesizeSpeech(text, { voice, wpm: 150, padS, sampleRate: 48_000, channels: 2 });
  const webm = path.join(await mkdtemp(path.join(tmpdir(), 'vp-clip-')), 'padded.webm');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', speech.path, '-c:a', 'libopus', '-b:a', '48k', webm]);
  return { wav: speech.wav, webm: await readFile(webm), speechMs: speech.speechMs, totalMs: speech.totalMs };
}
