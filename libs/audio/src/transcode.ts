import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CorruptAudioError, DecodeTimeoutError, TooLongError } from './errors';
import {
  classifyFfmpegFailure,
  ffmpegDecodeArgs,
  ffmpegHeaderArgs,
  startFfmpeg,
  type FfmpegProcess,
} from './ffmpeg';
import { SNIFF_BYTES, sniffFormat, type SniffedFormat } from './sniff';
import { canonicalWavHeader, pcmBytes } from './wav';
import type { SampleKind } from './wav-layout';
import { CANONICAL_RATE, WavStreamDecoder } from './wav-stream';

export interface TranscodeResult {
  info: { durationMs: number; sampleRate: number; channels: number; codec: string; format: SniffedFormat };
}

export interface TranscodeOptions {
  format: SniffedFormat;
  maxDurationS: number;
  /**
   * Where the canonical 16 kHz mono signed 16-bit PCM WAV is written, as it is decoded (the
   * header is completed at the end). On failure a partial file may remain; the caller owns it.
   */
  outputPath: string;
  /**
   * Keep only this channel (0-based) instead of the mean of all channels: one speaker's side of a
   * call recorded one speaker per channel. Always decoded by ffmpeg; the caller checks that the
   * source has the channel (the mono transcode reports the source's channel count).
   */
  channel?: number | undefined;
  /** Wall-clock bound on the whole transcode; past it ffmpeg is killed and DecodeTimeoutError raised. */
  timeoutMs?: number;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

/** What the decoding steps share: the caller's signal merged with the timeout. */
interface Run {
  format: SniffedFormat;
  maxDurationS: number;
  ffmpegPath: string;
  signal: AbortSignal | undefined;
  out: CanonicalWavFile;
  channel: number | undefined;
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
 * Decode an upload to a canonical 16 kHz mono 16-bit WAV file.
 *
 * A WAV's header is read here first, so a declared length over `maxDurationS` is refused before
 * any sample is read. PCM WAV already at 16 kHz, and float WAV at any rate, are then decoded
 * in-process as they stream; integer PCM that needs resampling (or a codec we do not decode, such
 * as µ-law or ADPCM) is streamed into an ffmpeg child, which resamples with soxr (SOXR_FILTER: ≈ 5×
 * cheaper than our JavaScript filter, bench/audio-dsp.ts), averages the channels as our downmix
 * does and writes the canonical 16-bit mono. Other containers are spooled to a temporary file
 * first: ffmpeg reads a seekable file's declared duration (an Ogg's from its last page, an MP4's
 * index from wherever it sits), so a recording that says it is too long is refused before any
 * decoding. Output goes to disk as it is produced: memory stays flat however long the recording.
 */
export async function transcodeToCanonical(
  input: Readable,
  opts: TranscodeOptions,
): Promise<TranscodeResult> {
  opts.signal?.throwIfAborted();
  const out = await CanonicalWavFile.create(opts.outputPath);
  const timeout = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
  const signals = [opts.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length ? AbortSignal.any(signals) : undefined;
  const onAbort = () => input.destroy(signal?.reason as Error);
  signal?.addEventListener('abort', onAbort, { once: true });
  const run: Run = {
    format: opts.format,
    maxDurationS: opts.maxDurationS,
    ffmpegPath: opts.ffmpegPath ?? 'ffmpeg',
    signal,
    out,
    channel: opts.channel,
  };
  try {
    // One channel of a WAV goes through ffmpeg like any container: the in-process decoder only downmixes.
    const info =
      opts.format === 'wav' && opts.channel === undefined
        ? await transcodeWav(input, run)
        : await viaSpooledFile(input, run);
    await out.finish();
    return { info: { durationMs: Math.round((out.samples * 1000) / CANONICAL_RATE), ...info } };
  } catch (err) {
    // The caller's own cancellation wins over our timeout when both fired.
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (timeout?.aborted) throw new DecodeTimeoutError(opts.timeoutMs!);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await out.close();
  }
}

type Info = Omit<TranscodeResult['info'], 'durationMs'>;

async function transcodeWav(input: Readable, run: Run): Promise<Info> {
  const decoder = new WavStreamDecoder(run.maxDurationS, { resample: false });
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      const { value, done } = await it.next();
      if (done) break;
      const state = decoder.write(value);
      if (state === 'header') return await wavViaFfmpeg(decoder, it, run);
      await run.out.append(decoder.take());
      if (state === 'done') break;
    }
  } catch (err) {
    input.destroy();
    throw err;
  }
  input.destroy();
  const { layout } = decoder.end();
  await run.out.append(decoder.take());
  return {
    sampleRate: layout.sampleRate,
    channels: layout.channels,
    codec: PCM_CODEC[layout.kind!],
    format: 'wav',
  };
}

/**
 * Replay the header bytes read so far, then the rest of the upload, into ffmpeg. The declared
 * data size is checked here, as the in-process decoder would: ffmpeg quietly ends a WAV that
 * stops short.
 */
async function wavViaFfmpeg(decoder: WavStreamDecoder, it: AsyncIterator<Buffer>, run: Run): Promise<Info> {
  const layout = decoder.wavLayout!;
  const head = decoder.headerBytes;
  let received = head.length;
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        received += r.value.length;
        yield r.value;
      }
    })(),
  );
  const info = await viaFfmpeg(rest, run, 'pipe:0', layout.channels);
  const arrived = received - layout.dataOffset;
  if (layout.dataBytes !== null && arrived < layout.dataBytes) {
    throw new CorruptAudioError(`data chunk declares ${layout.dataBytes} bytes but only ${arrived} arrived`);
  }
  return { ...info, sampleRate: layout.sampleRate, channels: layout.channels };
}

async function viaSpooledFile(input: Readable, run: Run): Promise<Info> {
  const dir = await mkdtemp(join(tmpdir(), 'vp-transcode-'));
  try {
    const file = join(dir, 'input');
    await pipeline(input, createWriteStream(file));
    // The format comes from the gateway's sniff; the bytes we hold must still say the same thing
    // before ffmpeg (with that demuxer forced) sees them.
    const found = sniffFormat(await readHead(file));
    if (found !== run.format)
      throw new CorruptAudioError(`the stored bytes are ${found ?? 'not audio'}, not ${run.format}`);
    const declared = await declaredDurationS(file, run);
    if (declared !== null && declared > run.maxDurationS) {
      throw new TooLongError(
        run.maxDurationS,
        `audio declares ${declared} s, over the ${run.maxDurationS} s limit`,
      );
    }
    return await viaFfmpeg(null, run, file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Kill `proc` when the run is aborted (cancelled or timed out) until `done` settles. */
async function killOnAbort<T>(proc: FfmpegProcess, run: Run, done: () => Promise<T>): Promise<T> {
  const abort = () => proc.kill();
  run.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await done();
  } finally {
    run.signal?.removeEventListener('abort', abort);
  }
}

/** ffmpeg's reading of the header: the declared duration, or null when the container has none. */
async function declaredDurationS(file: string, run: Run): Promise<number | null> {
  const proc = startFfmpeg(run.ffmpegPath, ffmpegHeaderArgs(run.format, file), null);
  const code = await killOnAbort(proc, run, async () => {
    proc.stdout.resume();
    return proc.exited;
  });
  run.signal?.throwIfAborted();
  const failure = classifyFfmpegFailure(code, proc.log);
  if (failure) throw failure;
  return proc.log.declaredDurationS();
}

/**
 * Decode `input` through ffmpeg's stdin, or (input null) the file at `path`; ffmpeg downmixes when
 * the source's `channels` are known.
 */
async function viaFfmpeg(input: Readable | null, run: Run, path: string, channels?: number): Promise<Info> {
  const proc = startFfmpeg(
    run.ffmpegPath,
    ffmpegDecodeArgs(run.format, path, run.maxDurationS, channels, run.channel),
    input,
  );
  const decoder = new WavStreamDecoder(run.maxDurationS);
  await killOnAbort(proc, run, async () => {
    try {
      for await (const chunk of proc.stdout) {
        const state = decoder.write(chunk as Buffer);
        await run.out.append(decoder.take());
        if (state === 'done') break;
      }
    } catch (err) {
      proc.kill();
      await proc.exited.catch(() => undefined);
      throw err;
    }
  });

  const code = await proc.exited;
  run.signal?.throwIfAborted();
  const inputError = proc.inputError();
  if (inputError) throw inputError;
  const failure = classifyFfmpegFailure(code, proc.log);
  if (failure) throw failure;

  const { samples, layout } = decoder.end();
  await run.out.append(decoder.take());
  if (samples === 0) throw new CorruptAudioError(`ffmpeg decoded no audio: ${proc.log.lastLine()}`);
  return {
    // ffmpeg's output is already at 16 kHz; the source rate is in the log.
    sampleRate: proc.log.inputSampleRate() ?? layout.sampleRate,
    channels: layout.channels,
    codec: proc.log.inputCodec() ?? 'unknown',
    format: run.format,
  };
}

/**
 * The canonical WAV on disk: a header up front, completed with the sizes once all samples are in.
 * Samples are written in runs of about WRITE_BYTES: ffmpeg hands over a few kB at a time, and a
 * file write per piece cost more CPU than the decoding itself (bench/audio-dsp.ts).
 */
class CanonicalWavFile {
  private static readonly WRITE_BYTES = 256 * 1024;
  private written = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly headerBytes: number,
  ) {}

  static async create(path: string): Promise<CanonicalWavFile> {
    const file = await open(path, 'w');
    const header = canonicalWavHeader(0, CANONICAL_RATE);
    await file.write(header);
    return new CanonicalWavFile(file, header.length);
  }

  get samples(): number {
    return (this.written + this.pendingBytes) / 2;
  }

  async append(parts: Int16Array[]): Promise<void> {
    for (const part of parts) {
      this.pending.push(pcmBytes(part));
      this.pendingBytes += part.byteLength;
    }
    if (this.pendingBytes >= CanonicalWavFile.WRITE_BYTES) await this.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
    const header = canonicalWavHeader(this.written, CANONICAL_RATE);
    await this.file.write(header, 0, header.length, 0);
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(bytes, 0, bytes.length, this.headerBytes + this.written);
    this.written += bytes.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}
