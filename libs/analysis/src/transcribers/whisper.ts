import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TranscriptionError } from '../errors';
import type { Availability, TimedText, Transcriber, Transcription } from '../types';
import { findExecutable, run, withTempWav } from './process';

export interface WhisperOptions {
  bin: string;
  modelPath?: string;
  language: string;
  threads: number;
  timeoutMs: number;
}

/**
 * whisper.cpp's CLI (`whisper-cli`, formerly `main`): `-oj` writes `<prefix>.json` whose `transcription`
 * array holds segments with millisecond `offsets`. Neither the binary nor a ggml model ships with Debian;
 * operators provide both (WHISPER_BIN, WHISPER_MODEL_PATH).
 */
export class WhisperTranscriber implements Transcriber {
  readonly name = 'whisper';

  constructor(private readonly opts: WhisperOptions) {}

  async available(): Promise<Availability> {
    const { modelPath, bin } = this.opts;
    if (!modelPath) return { ok: false, reason: 'WHISPER_MODEL_PATH is not set' };
    try {
      await access(modelPath, constants.R_OK);
    } catch {
      return { ok: false, reason: `WHISPER_MODEL_PATH=${modelPath} does not exist or is not readable` };
    }
    if (!(await findExecutable(bin)))
      return { ok: false, reason: `WHISPER_BIN=${bin} not found or not executable` };
    return { ok: true };
  }

  async transcribe(wav16k: Buffer): Promise<Transcription> {
    const { bin, modelPath, language, threads, timeoutMs } = this.opts;
    if (!modelPath) throw new TranscriptionError('WHISPER_MODEL_PATH is not set');
    return withTempWav(wav16k, async (path, dir) => {
      const prefix = join(dir, 'out');
      await run(
        bin,
        ['-m', modelPath, '-f', path, '-l', language, '-t', String(threads), '-oj', '-of', prefix, '-np'],
        timeoutMs,
      );
      let json: unknown;
      try {
        json = JSON.parse(await readFile(`${prefix}.json`, 'utf8'));
      } catch (err) {
        throw new TranscriptionError(`whisper wrote no readable JSON: ${(err as Error).message}`, {
          cause: err,
        });
      }
      return parseWhisperJson(json);
    });
  }
}

interface WhisperJson {
  transcription?: { offsets?: { from?: number; to?: number }; text?: string }[];
}

export function parseWhisperJson(json: unknown): Transcription {
  const entries = (json as WhisperJson | null)?.transcription;
  if (!Array.isArray(entries)) throw new TranscriptionError('whisper JSON has no "transcription" array');
  const segments: TimedText[] = entries
    .map((e) => ({
      startMs: Number(e.offsets?.from),
      endMs: Number(e.offsets?.to),
      text: (e.text ?? '').trim(),
    }))
    .filter((s) => s.text !== '' && Number.isFinite(s.startMs) && Number.isFinite(s.endMs));
  return { text: segments.map((s) => s.text).join(' '), segments };
}
