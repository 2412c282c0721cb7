import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptAudioError, UnsupportedAudioError } from './errors';

/** Raised when the ffmpeg binary cannot be started: an installation problem, not bad audio. */
export class FfmpegNotFoundError extends Error {
  constructor(path: string, options?: { cause?: unknown }) {
    super(
      `ffmpeg could not be started from '${path}': install the Debian package 'ffmpeg' (apt-get install ffmpeg) or pass ffmpegPath`,
      options,
    );
    this.name = 'FfmpegNotFoundError';
  }
}

/**
 * Decode any container ffmpeg understands to a 32-bit float WAV at the source's native rate
 * and channel count. The WAV header carries rate and channels in-band, so we never race
 * ffmpeg's stderr for them; resampling and downmixing stay in our own tested code.
 */
export function ffmpegDecodeArgs(input: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-i',
    input,
    '-map',
    '0:a:0',
    '-vn',
    '-c:a',
    'pcm_f32le',
    '-f',
    'wav',
    '-fflags',
    '+bitexact',
    '-map_metadata',
    '-1',
    'pipe:1',
  ];
}

/** Messages ffmpeg prints (often with exit status 0) when the input stops mid-stream. */
const TRUNCATION = [/File ended prematurely/i, /partial file/i, /Invalid data found when processing input/i];
const UNSUPPORTED = [
  /Decoder \(codec [^)]*\) not found/i,
  /Unsupported codec/i,
  /unknown codec/i,
  /matches no streams/i,
  /does not contain any stream/i,
];

/** Keeps the first and last few KB of stderr: stream info comes first, the cause of death last. */
export class StderrLog {
  private head = '';
  private tail = '';
  private static readonly KEEP = 16 * 1024;

  append(text: string): void {
    if (this.head.length < StderrLog.KEEP) {
      this.head += text.slice(0, StderrLog.KEEP - this.head.length);
    }
    this.tail = (this.tail + text).slice(-StderrLog.KEEP);
  }

  get text(): string {
    return this.head.length < StderrLog.KEEP ? this.head : `${this.head}\n...\n${this.tail}`;
  }

  /** Codec name of the first input audio stream, e.g. "opus" or "aac". */
  inputCodec(): string | null {
    const input = this.head.split(/^Output #0/m)[0] ?? '';
    return /Stream #0:\d+[^:]*: Audio: ([\w-]+)/.exec(input)?.[1] ?? null;
  }

  lastLine(): string {
    const lines = this.tail.trim().split('\n');
    return lines[lines.length - 1]?.trim() ?? '';
  }
}

/** Turn a finished ffmpeg run into an AudioError, or null when it looks clean. */
export function classifyFfmpegFailure(exitCode: number | null, log: StderrLog): Error | null {
  const text = log.text;
  if (UNSUPPORTED.some((re) => re.test(text))) {
    return new UnsupportedAudioError(`no decodable audio stream (ffmpeg: ${log.lastLine()})`);
  }
  if (exitCode !== 0 || TRUNCATION.some((re) => re.test(text))) {
    return new CorruptAudioError(`ffmpeg could not decode the input: ${log.lastLine() || `exit ${exitCode}`}`);
  }
  return null;
}

export interface FfmpegProcess {
  stdout: Readable;
  /** Resolves when the process has exited, with its code (null if killed). */
  exited: Promise<number | null>;
  log: StderrLog;
  kill(): void;
}

/**
 * Start ffmpeg. When `stdin` is given it is piped in; EPIPE is expected (ffmpeg stops
 * reading once it has failed or been killed) and is not an error of ours, but a failure of
 * the source stream itself is surfaced through `inputError`.
 */
export function startFfmpeg(
  ffmpegPath: string,
  args: string[],
  stdin: Readable | null,
): FfmpegProcess & { inputError: () => unknown } {
  const child = spawn(ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const log = new StderrLog();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => log.append(t));

  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'EACCES' ? new FfmpegNotFoundError(ffmpegPath, { cause: err }) : err);
    });
    child.once('close', (code) => resolve(code));
  });
  // Callers always await `exited`; this only stops an unhandled-rejection report if they bail early.
  exited.catch(() => undefined);

  let inputError: unknown;
  // Without this listener an EPIPE after ffmpeg exits would be an uncaught stream error.
  child.stdin.on('error', () => undefined);
  if (!stdin) {
    child.stdin.end();
  } else {
    pipeline(stdin, child.stdin).catch((err: NodeJS.ErrnoException) => {
      const ours = err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' || err.code === 'ERR_STREAM_PREMATURE_CLOSE';
      if (!ours) {
        inputError = err;
        child.kill('SIGKILL');
      }
    });
  }

  return {
    stdout: child.stdout,
    exited,
    log,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      stdin?.destroy();
    },
    inputError: () => inputError,
  };
}
