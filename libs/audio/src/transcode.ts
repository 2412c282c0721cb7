import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptAudioError } from './errors';
import { classifyFfmpegFailure, ffmpegDecodeArgs, startFfmpeg } from './ffmpeg';
import type { SniffedFormat } from './sniff';
import { canonicalWav } from './wav';
import type { SampleKind } from './wav-layout';
import { CANONICAL_RATE, WavStreamDecoder } from './wav-stream';

export interface TranscodeResult {
  /** Canonical 16 kHz mono signed 16-bit PCM WAV. */
  wav: Buffer;
  info: { durationMs: number; sampleRate: number; channels: number; codec: string; format: SniffedFormat };
}

export interface TranscodeOptions {
  format: SniffedFormat;
  maxDurationS: number;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

const PCM_CODEC: Record<SampleKind, string> = {
  u8: 'pcm_u8',
  s16: 'pcm_s16le',
  s24: 'pcm_s24le',
  s32: 'pcm_s32le',
  f32: 'pcm_f32le',
  f64: 'pcm_f64le',
};

/**
 * Decode an upload to canonical 16 kHz mono 16-bit WAV.
 *
 * PCM/float WAV is decoded in-process as it streams; a declared length over `maxDurationS`
 * is refused from the header alone. Everything else (including compressed WAV codecs such
 * as µ-law or ADPCM) is decoded by an ffmpeg child process to float at its native rate and
 * resampled by our own filter. MP4/M4A is spooled to a temporary file first because its
 * index (moov) is usually at the end, which ffmpeg cannot reach on a pipe.
 */
export async function transcodeToCanonical(
  input: Readable,
  opts: TranscodeOptions,
): Promise<TranscodeResult> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const onAbort = () => input.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.format === 'wav') return await transcodeWav(input, opts);
    if (opts.format === 'mp4') return await viaTempFile(input, opts);
    return await viaFfmpeg(input, opts);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function transcodeWav(input: Readable, opts: TranscodeOptions): Promise<TranscodeResult> {
  const decoder = new WavStreamDecoder(opts.maxDurationS);
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      const state = decoder.write(value);
      if (state === 'done') break;
      if (state === 'header') {
        // A WAV codec we do not decode ourselves: replay what we have read, then the rest.
        const head = decoder.headerBytes;
        const rest = Readable.from(
          (async function* () {
            yield head;
            for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
          })(),
        );
        return await viaFfmpeg(rest, opts);
      }
    }
  } catch (err) {
    input.destroy();
    throw err;
  }
  input.destroy();
  const { pcm, samples, layout } = decoder.end();
  return result(canonicalWav(pcm, CANONICAL_RATE), samples, {
    sampleRate: layout.sampleRate,
    channels: layout.channels,
    codec: PCM_CODEC[layout.kind!],
    format: 'wav',
  });
}

async function viaTempFile(input: Readable, opts: TranscodeOptions): Promise<TranscodeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vp-transcode-'));
  try {
    const file = join(dir, 'input');
    await pipeline(input, createWriteStream(file));
    return await viaFfmpeg(null, opts, file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Decode `input` through ffmpeg's stdin, or (input null) the file at `path`. */
async function viaFfmpeg(
  input: Readable | null,
  opts: TranscodeOptions,
  path = 'pipe:0',
): Promise<TranscodeResult> {
  const proc = startFfmpeg(opts.ffmpegPath ?? 'ffmpeg', ffmpegDecodeArgs(opts.format, path), input);
  const decoder = new WavStreamDecoder(opts.maxDurationS);
  const abort = () => proc.kill();
  opts.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of proc.stdout) {
      if (decoder.write(chunk as Buffer) === 'done') break;
    }
  } catch (err) {
    proc.kill();
    await proc.exited.catch(() => undefined);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }

  const code = await proc.exited;
  opts.signal?.throwIfAborted();
  const inputError = proc.inputError();
  if (inputError) throw inputError;
  const failure = classifyFfmpegFailure(code, proc.log);
  if (failure) throw failure;

  const { pcm, samples, layout } = decoder.end();
  if (samples === 0) throw new CorruptAudioError(`ffmpeg decoded no audio: ${proc.log.lastLine()}`);
  return result(canonicalWav(pcm, CANONICAL_RATE), samples, {
    sampleRate: layout.sampleRate,
    channels: layout.channels,
    codec: proc.log.inputCodec() ?? 'unknown',
    format: opts.format,
  });
}

function result(
  wav: Buffer,
  samples: number,
  info: Omit<TranscodeResult['info'], 'durationMs'>,
): TranscodeResult {
  return { wav, info: { durationMs: Math.round((samples * 1000) / CANONICAL_RATE), ...info } };
}
