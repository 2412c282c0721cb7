import { CorruptAudioError, TooLongError } from './errors';
import { LITTLE_ENDIAN, decodeFrames, floatToInt16 } from './pcm';
import { StreamingResampler } from './resample';
import { downmix } from './wav';
import { readWavLayout, type WavLayout } from './wav-layout';

export const CANONICAL_RATE = 16_000;

/**
 * Incremental WAV → 16 kHz mono int16. Holds only the header, one partial frame, the
 * resampler's filter history and the output not yet taken, so memory stays flat whatever the
 * length of the (possibly 48 kHz, multichannel, 64-bit) input: callers `take()` after each write.
 */
export class WavStreamDecoder {
  private head: Buffer = Buffer.alloc(0);
  private layout: WavLayout | null = null;
  private carry: Buffer = Buffer.alloc(0);
  private resampler: StreamingResampler | null = null;
  private out: Int16Array[] = [];
  private outSamples = 0;
  private consumed = 0;
  private sourceFrames = 0;
  private maxFrames = Infinity;
  /** Input already in the canonical encoding: samples are copied through. */
  private canonical = false;

  /**
   * `resample: false` leaves integer PCM at another rate to the caller (`write` returns
   * `'header'`), as the transcoder does: ffmpeg's soxr does that part at a fraction of our
   * filter's CPU.
   */
  constructor(
    private readonly maxDurationS: number,
    private readonly opts: { resample?: boolean } = {},
  ) {}

  /** The parsed header, once enough bytes have arrived. */
  get wavLayout(): WavLayout | null {
    return this.layout;
  }

  /** Bytes seen before the header was complete (to replay them to ffmpeg if we cannot decode). */
  get headerBytes(): Buffer {
    return this.head;
  }

  /**
   * Feed bytes. Returns `'header'` when the header is complete but the codec must be decoded
   * (or, with `resample: false`, the rate converted) elsewhere, `'done'` once the declared data
   * chunk is fully read, `'more'` otherwise.
   * Throws TooLongError as soon as the duration limit is passed.
   */
  write(chunk: Uint8Array): 'more' | 'done' | 'header' {
    if (!this.layout) {
      this.head = Buffer.concat([this.head, chunk]);
      const layout = readWavLayout(this.head);
      if (!layout) return 'more';
      this.layout = layout;
      if (!layout.kind) return 'header';
      this.maxFrames = Math.floor(this.maxDurationS * layout.sampleRate);
      // PCM frames are blockAlign bytes, so the declared length is exact: refuse it before any data.
      if (layout.dataBytes !== null && layout.dataBytes / layout.blockAlign > this.maxFrames) {
        throw new TooLongError(this.maxDurationS);
      }
      // Float stays here whatever its rate: a NaN or Inf sample, which we read as 0, comes out of
      // ffmpeg's resampler as ~0.1 s of full scale.
      const float = layout.kind === 'f32' || layout.kind === 'f64';
      if (this.opts.resample === false && layout.sampleRate !== CANONICAL_RATE && !float) return 'header';
      this.resampler = new StreamingResampler(layout.sampleRate, CANONICAL_RATE);
      this.canonical =
        LITTLE_ENDIAN &&
        layout.kind === 's16' &&
        layout.channels === 1 &&
        layout.sampleRate === CANONICAL_RATE;
      chunk = this.head.subarray(layout.dataOffset);
    }
    return this.consume(chunk);
  }

  private consume(chunk: Uint8Array): 'more' | 'done' {
    const layout = this.layout!;
    const remaining = layout.dataBytes === null ? Infinity : layout.dataBytes - this.consumed;
    if (chunk.length > remaining) chunk = chunk.subarray(0, remaining);
    this.consumed += chunk.length;

    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const frames = Math.floor(bytes.length / layout.blockAlign);
    const used = frames * layout.blockAlign;
    this.carry = Buffer.from(bytes.subarray(used));
    if (frames > 0) {
      this.sourceFrames += frames;
      if (this.sourceFrames > this.maxFrames) throw new TooLongError(this.maxDurationS);
      if (this.canonical) {
        // Already 16 kHz mono s16 (ffmpeg's output for a WAV, or a canonical upload): the decode,
        // resample and re-encode would give back these very samples, so copy them instead.
        const out = new Int16Array(frames);
        new Uint8Array(out.buffer).set(bytes.subarray(0, used));
        this.out.push(out);
        this.outSamples += frames;
      } else {
        const planar = decodeFrames(bytes.subarray(0, used), layout.kind!, layout.channels, frames);
        this.emit(this.resampler!.push(downmix({ sampleRate: layout.sampleRate, channels: planar })));
      }
    }
    return this.consumed === layout.dataBytes ? 'done' : 'more';
  }

  private emit(samples: Float32Array): void {
    if (samples.length === 0) return;
    this.out.push(floatToInt16(samples));
    this.outSamples += samples.length;
  }

  /** Canonical output produced since the last call. */
  take(): Int16Array[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /**
   * Finish at end of input (the resampler's tail is then left to `take()`); throws
   * CorruptAudioError when the file stopped short.
   */
  end(): { samples: number; layout: WavLayout } {
    const layout = this.layout;
    if (!layout) {
      throw new CorruptAudioError(
        this.head.length < 12 ? 'input is too short to be a WAV file' : 'WAV header is truncated',
      );
    }
    if (layout.dataBytes !== null && this.consumed < layout.dataBytes) {
      throw new CorruptAudioError(
        `data chunk declares ${layout.dataBytes} bytes but only ${this.consumed} arrived`,
      );
    }
    if (this.resampler) this.emit(this.resampler.flush());
    return { samples: this.outSamples, layout };
  }
}
