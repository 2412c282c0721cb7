import { execFile, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { CorruptAudioError, UnsupportedAudioError } from './errors';
import type { SniffedFormat } from './sniff';
import { CANONICAL_RATE } from './wav-stream';

const FIX =
  "install the Debian package 'ffmpeg' (apt-get install ffmpeg) or set FFMPEG_PATH to an ffmpeg binary";

/** Raised when the ffmpeg binary cannot be started: an installation problem, not bad audio. */
export class FfmpegNotFoundError extends Error {
  constructor(path: string, options?: { cause?: unknown }) {
    super(`ffmpeg could not be started from '${path}': ${FIX}`, options);
    this.name = 'FfmpegNotFoundError';
  }
}

/** The ffmpeg at hand cannot decode what the gateway accepts: the transcoder refuses to start. */
export class FfmpegUnusableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FfmpegUnusableError';
  }
}

/**
 * What the transcode path asks of ffmpeg: a demuxer for every container sniff.ts accepts besides
 * plain PCM WAV (decoded in-house), and a decoder for the codecs those containers carry (any one
 * name of each group will do: ffmpeg's native decoder or the library one).
 */
export const FFMPEG_REQUIREMENTS = {
  demuxers: ['matroska', 'ogg', 'mp3', 'mov', 'flac', 'wav'],
  decoders: [['opus', 'libopus'], ['vorbis', 'libvorbis'], ['mp3', 'mp3float'], ['aac'], ['flac']],
} as const;

const execFileP = promisify(execFile);

/**
 * ffmpeg's SoX resampler, to the canonical rate, with its parameters spelled out rather than left to
 * defaults: 20-bit precision (≈ 120 dB stop-band), flat to 0.91 of the new Nyquist (7.28 kHz at
 * 16 kHz) and fully stopped at the Nyquist, so nothing above 8 kHz folds back. It is ≈ 5× cheaper in
 * CPU than our JavaScript polyphase filter (bench/audio-dsp.ts) with more stop-band (libs/audio
 * README). Channels are left alone: the downmix stays our plain channel mean (see meanDownmix).
 */
export const SOXR_FILTER =
  `aresample=${CANONICAL_RATE}:resampler=soxr:precision=20:cutoff=0.91,` +
  // ~1 s frames (the last one not padded): ffmpeg otherwise writes a few kB per packet, and the
  // syscalls and reads on both sides of the pipe cost more than the resampling.
  'asetnsamples=n=16384:p=0';

async function ffmpegList(ffmpegPath: string, what: '-demuxers' | '-decoders'): Promise<Set<string>> {
  const { stdout } = await execFileP(ffmpegPath, ['-hide_banner', what], {
    timeout: 15_000,
    maxBuffer: 8 * 1024 * 1024,
  });
  const names = new Set<string>();
  // " D  matroska,webm   Matroska / WebM"   |   " A....D opus   Opus"
  const row = what === '-demuxers' ? /^\s[D ][E ]\s+(\S+)/ : /^\s[AVS][F.][S.][X.][B.][D.]\s+(\S+)/;
  for (const line of stdout.split('\n')) {
    const m = row.exec(line);
    if (m) for (const name of m[1]!.split(',')) names.add(name);
  }
  return names;
}

/**
 * Checks that `ffmpegPath` starts and can demux and decode every format the gateway accepts.
 * Services call it at start-up, so a missing or stripped-down ffmpeg stops them with the fix
 * instead of leaving every recording stuck in `transcoding` through its retries.
 */
export async function checkFfmpeg(ffmpegPath: string): Promise<{ version: string }> {
  let demuxers: Set<string>;
  let decoders: Set<string>;
  let version: string;
  let buildconf: string;
  try {
    [demuxers, decoders, version, buildconf] = await Promise.all([
      ffmpegList(ffmpegPath, '-demuxers'),
      ffmpegList(ffmpegPath, '-decoders'),
      execFileP(ffmpegPath, ['-hide_banner', '-version'], { timeout: 15_000 }).then(
        (r) => r.stdout.split('\n')[0] ?? '',
      ),
      execFileP(ffmpegPath, ['-hide_banner', '-buildconf'], { timeout: 15_000 }).then((r) => r.stdout),
    ]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : (err as Error).message;
    throw new FfmpegUnusableError(`ffmpeg could not be started from '${ffmpegPath}' (${why}): ${FIX}`, {
      cause: err,
    });
  }
  const missing = [
    ...FFMPEG_REQUIREMENTS.demuxers.filter((d) => !demuxers.has(d)).map((d) => `demuxer ${d}`),
    ...FFMPEG_REQUIREMENTS.decoders
      .filter((group) => !group.some((d) => decoders.has(d)))
      .map((g) => `decoder ${g[0]}`),
    // Every resampling decode asks for soxr (SOXR_FILTER); without it each one would fail.
    ...(buildconf.includes('--enable-libsoxr') ? [] : ['libsoxr (resampler)']),
  ];
  if (missing.length) {
    throw new FfmpegUnusableError(
      `the ffmpeg at '${ffmpegPath}' (${version}) lacks ${missing.join(', ')}: ${FIX}`,
    );
  }
  return { version };
}

/**
 * The one ffmpeg demuxer each sniffed container may be read with. Forcing it (and whitelisting
 * only it) means ffmpeg never probes the bytes itself: a probe skips an ID3 tag and would then
 * happily run an ffconcat script, an HLS or DASH playlist, or an image sequence found behind it.
 */
export const DEMUXER: Record<SniffedFormat, string> = {
  wav: 'wav',
  webm: 'matroska',
  ogg: 'ogg',
  mp3: 'mp3',
  mp4: 'mov',
  flac: 'flac',
};

/**
 * Input options that confine ffmpeg to the one input we hand it: the sniffed demuxer only, and
 * only the protocol that input needs (`pipe` for stdin, `file` for a spooled file), so no demuxer
 * can open a second URL (a local path, `data:`, the network) from inside the bytes.
 */
export function ffmpegInputArgs(format: SniffedFormat, input: string): string[] {
  const demuxer = DEMUXER[format];
  // ffmpeg checks the whitelist against every demuxer it opens, nested ones included.
  const protocol = input.startsWith('pipe:') ? 'pipe' : 'file';
  return [
    '-protocol_whitelist',
    protocol,
    '-format_whitelist',
    demuxer,
    // MP4 "data references" point at other files; ffmpeg's default is off, keep it so explicitly.
    ...(format === 'mp4' ? ['-enable_drefs', '0'] : []),
    '-f',
    demuxer,
    '-i',
    input,
  ];
}

/**
 * Decode `input` (read with the demuxer of `format`) to a 32-bit float WAV at the canonical rate
 * (SOXR_FILTER) and the source's channel count, which the WAV header carries in-band; or, when
 * `channels` is known up front, straight to the canonical 16-bit mono (our mean as a `pan`
 * filter); or, with `pick`, straight to canonical mono of that one source channel. The source
 * rate is read from the log once ffmpeg has exited. ffmpeg stops by itself a second past
 * `maxDurationS`, so its output is bounded whatever the header claims.
 */
export function ffmpegDecodeArgs(
  format: SniffedFormat,
  input: string,
  maxDurationS: number,
  channels?: number,
  pick?: number,
): string[] {
  const mono = pick !== undefined || channels !== undefined;
  return [
    ...ffmpegOpenFirstAudio(format, input),
    '-vn',
    '-t',
    String(maxDurationS + 1),
    '-af',
    pick !== undefined
      ? `${SOXR_FILTER},pan=mono|c0=c${pick}`
      : channels && channels > 1
        ? `${SOXR_FILTER},${meanDownmix(channels)}`
        : SOXR_FILTER,
    '-c:a',
    // Mono is the canonical encoding, so ffmpeg can write it; the float keeps our rounding after
    // our downmix otherwise.
    mono ? 'pcm_s16le' : 'pcm_f32le',
    '-f',
    'wav',
    '-fflags',
    '+bitexact',
    '-map_metadata',
    '-1',
    'pipe:1',
  ];
}

/** Quiet, non-interactive ffmpeg reading `input` and selecting its first audio stream. */
function ffmpegOpenFirstAudio(format: SniffedFormat, input: string): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', ...ffmpegInputArgs(format, input), '-map', '0:a:0'];
}

/**
 * Our downmix (the plain channel mean) as an ffmpeg `pan` filter, for when the channel count is
 * known before ffmpeg starts (a WAV header): ffmpeg's own `-ac 1` weights surround channels
 * differently, and a mono output halves what crosses the pipe.
 */
function meanDownmix(channels: number): string {
  const w = 1 / channels;
  return `pan=mono|c0=${Array.from({ length: channels }, (_, c) => `${w}*c${c}`).join('+')}`;
}

/** Open the input, print its header (stream info and declared duration) and decode nothing. */
export function ffmpegHeaderArgs(format: SniffedFormat, input: string): string[] {
  return [
    ...ffmpegOpenFirstAudio(format, input),
    '-t',
    '0',
    '-f',
    'null',
    '-',
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
    return this.inputAudioLine()?.[1] ?? null;
  }

  /** Sample rate of the first input audio stream ("..., 48000 Hz, stereo, fltp"). */
  inputSampleRate(): number | null {
    const hz = /, (\d+) Hz/.exec(this.inputAudioLine()?.[0] ?? '');
    return hz ? Number(hz[1]) : null;
  }

  private inputAudioLine(): RegExpExecArray | null {
    const input = this.head.split(/^Output #0/m)[0] ?? '';
    return /Stream #0:\d+[^:]*: Audio: ([\w-]+).*$/m.exec(input);
  }

  /**
   * The first complaint a component logged, e.g. "mp3: Failed to read frame size": it names the
   * demuxer or decoder that gave up, where the last line is usually just "pipe:0: Invalid data".
   */
  firstComplaint(): string | null {
    const m = /^\[(\w+) @ 0x[0-9a-f]+\] (.+)$/m.exec(this.head);
    return m ? `${m[1]}: ${m[2]!.trim()}` : null;
  }

  /** The duration the container declares, in seconds; null when it declares none ("N/A"). */
  declaredDurationS(): number | null {
    const input = this.head.split(/^Output #0/m)[0] ?? '';
    const m = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(input);
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
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
    const why = [log.firstComplaint(), log.lastLine()].filter(Boolean).join('; ');
    return new CorruptAudioError(`ffmpeg could not decode the input: ${why || `exit ${exitCode}`}`);
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
      reject(
        err.code === 'ENOENT' || err.code === 'EACCES'
          ? new FfmpegNotFoundError(ffmpegPath, { cause: err })
          : err,
      );
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
      const ours =
        err.code === 'EPIPE' ||
        err.code === 'ERR_STREAM_DESTROYED' ||
        err.code === 'ERR_STREAM_PREMATURE_CLOSE';
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
