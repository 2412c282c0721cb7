import wf from 'wavefile';
import { CorruptAudioError, UnsupportedAudioError } from './errors';
import { decodeFrames, floatToInt16 } from './pcm';
import { formatTagName, readWavLayout } from './wav-layout';

const { WaveFile } = wf;

/** Planar float audio, nominally in [-1, 1]. */
export interface PcmAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/**
 * Decode an in-memory WAV: integer PCM (8/16/24/32-bit, any container width), IEEE float
 * (32/64-bit), plain or WAVE_FORMAT_EXTENSIBLE, RIFF or RF64. Compressed WAV codecs
 * (ADPCM, µ-law, A-law, ...) raise UnsupportedAudioError here; transcodeToCanonical sends
 * those to ffmpeg instead.
 */
export function decodeWav(buf: Uint8Array): PcmAudio {
  const layout = readWavLayout(buf);
  if (!layout) throw new CorruptAudioError('WAV header is truncated');
  if (!layout.kind) throw new UnsupportedAudioError(`WAV codec ${formatTagName(layout.formatTag)} is not decoded in-process`);

  const available = buf.length - layout.dataOffset;
  const declared = layout.dataBytes ?? available;
  if (declared > available) {
    throw new CorruptAudioError(`data chunk declares ${declared} bytes but only ${available} are present`);
  }
  // A trailing partial frame is writer sloppiness, not corruption worth rejecting a call over.
  const frames = Math.floor(declared / layout.blockAlign);
  const data = buf.subarray(layout.dataOffset, layout.dataOffset + frames * layout.blockAlign);
  return { sampleRate: layout.sampleRate, channels: decodeFrames(data, layout.kind, layout.channels, frames) };
}

/**
 * Mean of all channels. Speech analysis wants the voice at its natural level whichever
 * channel it is on, so no playback-style centre/LFE weighting. A mono input is returned
 * as-is (not copied).
 */
export function downmix(audio: PcmAudio): Float32Array {
  const { channels } = audio;
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]!.length;
  const out = new Float32Array(n);
  if (channels.length === 2) {
    // Stereo is nearly every multichannel upload: one pass, same rounding as the general loop.
    const [l, r] = channels as [Float32Array, Float32Array];
    for (let i = 0; i < n; i++) out[i] = (l[i]! + r[i]!) * 0.5;
    return out;
  }
  for (const ch of channels) {
    for (let i = 0; i < n; i++) out[i]! += ch[i]!;
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < n; i++) out[i]! *= scale;
  return out;
}

/** Canonical 44-byte-header mono 16-bit PCM WAV. Samples outside [-1, 1] are clipped. */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Buffer {
  return canonicalWav(floatToInt16(samples), sampleRate);
}

let cachedHeader: { rate: number; bytes: Uint8Array } | undefined;

/**
 * wavefile writes the canonical header; we patch the two size fields, because wavefile packs
 * samples one by one through generic code (~0.5 s and several extra copies for a 10-minute file).
 */
export function canonicalWavHeader(dataBytes: number, sampleRate: number): Buffer {
  if (cachedHeader?.rate !== sampleRate) {
    const empty = new WaveFile();
    empty.fromScratch(1, sampleRate, '16', new Int16Array(0));
    cachedHeader = { rate: sampleRate, bytes: empty.toBuffer() };
  }
  const header = Buffer.from(cachedHeader.bytes);
  header.writeUInt32LE(header.length - 8 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, header.length - 4);
  return header;
}

/** Int16Array memory is little-endian on every platform Node supports in production (x64, arm64). */
export function pcmBytes(p: Int16Array): Uint8Array {
  return new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
}

/** Canonical mono 16-bit PCM WAV in memory, for short clips (the transcoder streams to a file). */
export function canonicalWav(pcm: Int16Array | readonly Int16Array[], sampleRate: number): Buffer {
  const parts = Array.isArray(pcm) ? pcm : [pcm as Int16Array];
  const dataBytes = parts.reduce((n, p) => n + p.byteLength, 0);
  const header = canonicalWavHeader(dataBytes, sampleRate);
  const out = Buffer.allocUnsafe(header.length + dataBytes);
  out.set(header, 0);
  let at = header.length;
  for (const p of parts) {
    out.set(pcmBytes(p), at);
    at += p.byteLength;
  }
  return out;
}
