import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { TranscriptionError } from '../errors';

/** Resolves a command the way the shell would, so `available()` can answer without running it. */
export async function findExecutable(command: string): Promise<string | null> {
  const candidates =
    isAbsolute(command) || command.includes('/')
      ? [command]
      : (process.env.PATH ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

export function run(
  bin: string,
  args: string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) {
          const tail = stderr.trim().split('\n').slice(-3).join(' | ');
          reject(
            new TranscriptionError(
              `${bin} failed: ${err.message.split('\n')[0]}${tail ? ` — ${tail}` : ''}`,
              { cause: err },
            ),
          );
        } else resolve({ stdout, stderr });
      },
    );
  });
}

/** Writes the WAV to a private temp dir for the CLI to read, and always cleans up. */
export async function withTempWav<T>(wav: Buffer, fn: (path: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vp-stt-'));
  try {
    const path = join(dir, 'audio.wav');
    await writeFile(path, wav);
    return await fn(path, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
