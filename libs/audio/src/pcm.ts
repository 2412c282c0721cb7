import type { SampleKind } from './wav-layout';

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Convert `frames` interleaved frames starting at `bytes[0]` into planar float channels.
 * One tight loop per encoding: this runs over every sample of every upload, and a generic
 * per-sample reader callback is several times slower.
 */
export function decodeFrames(
  bytes: Uint8Array,
  kind: SampleKind,
  channels: number,
  frames: number,
): Float32Array[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = bytesPerSample(kind);
  const stride = width * channels;
  const f32 =
    kind === 'f32' && LITTLE_ENDIAN && bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, frames * channels)
      : null;
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const dst = new Float32Array(frames);
    let o = c * width;
    switch (kind) {
      case 'u8':
        for (let f = 0; f < frames; f++, o += stride) dst[f] = (bytes[o]! - 128) / 128;
        break;
      case 's16':
        for (let f = 0; f < frames; f++, o += stride) dst[f] = dv.getInt16(o, true) / 32768;
        break;
      case 's24':
        for (let f = 0; f < frames; f++, o += stride) {
          const v = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16);
          dst[f] = ((v << 8) >> 8) / 8388608;
        }
        break;
      case 's32':
        for (let f = 0; f < frames; f++, o += stride) dst[f] = dv.getInt32(o, true) / 2147483648;
        break;
      case 'f32':
        if (f32 !== null) {
          // Aligned on a little-endian host (ffmpeg's output, always): read the floats in place.
          for (let f = 0, k = c; f < frames; f++, k += channels) {
            const v = f32[k]!;
            dst[f] = v - v === 0 ? v : 0; // false for NaN and ±Inf
          }
          break;
        }
        for (let f = 0; f < frames; f++, o += stride) {
          const v = dv.getFloat32(o, true);
          // NaN/Inf in a float file would poison every downstream metric (and JSON).
          dst[f] = Number.isFinite(v) ? v : 0;
        }
        break;
      case 'f64':
        for (let f = 0; f < frames; f++, o += stride) {
          const v = dv.getFloat64(o, true);
          dst[f] = Number.isFinite(v) ? v : 0;
        }
        break;
    }
    out.push(dst);
  }
  return out;
}

export function bytesPerSample(kind: SampleKind): number {
  switch (kind) {
    case 'u8':
      return 1;
    case 's16':
      return 2;
    case 's24':
      return 3;
    case 's32':
    case 'f32':
      return 4;
    case 'f64':
      return 8;
  }
}

/** Float [-1, 1] to int16 with rounding and clipping (float sources may exceed full scale). */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]! * 32768;
    // Math.round(v) inside the clipping range, as floor(v + 0.5) by truncating a positive number:
    // the same results at a fraction of the cost on the transcoder's hottest loop. NaN becomes 0.
    out[i] = v > -32768 ? (v < 32767 ? ((v + 32768.5) | 0) - 32768 : 32767) : v <= -32768 ? -32768 : 0;
  }
  return out;
}
