import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Renders one of ffmpeg's generated sources (`sine=f=440:d=3`, `anullsrc=…`) to `file`, encoded by `encode`. */
export async function renderLavfi(source: string, encode: string[], file: string): Promise<void> {
  await run('ffmpeg', ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', source, ...encode, file]);
}

/**
 * A duration bomb: two hours of mono silence as a FLAC of about 0.9 MB, whose header states its
 * length. Two hours take ffmpeg a few seconds idle and far longer on a loaded machine.
 */
export function renderDurationBombFlac(file: string): Promise<void> {
  return renderLavfi('anullsrc=r=44100:cl=mono', ['-t', '7200', '-c:a', 'flac'], file);
}
