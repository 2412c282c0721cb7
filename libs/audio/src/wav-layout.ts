import wf from 'wavefile';
import { CorruptAudioError, UnsupportedAudioError } from './errors';

const { WaveFile } = wf;

/** Sample encodings we convert ourselves with typed-array loops. */
export type SampleKind = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

export interface WavLayout {
  sampleRate: number;
  channels: number;
  /** `null` for codecs we do not decode in-process (ADPCM, µ-law, ...). */
  kind: SampleKind | null;
  /** wFormatTag, with WAVE_FORMAT_EXTENSIBLE resolved to its sub-format. */
  formatTag: number;
  blockAlign: number;
  /** Byte offset of the first sample (the data chunk payload). */
  dataOffset: number;
  /** Declared payload size; `null` when the writer could not seek back to fill it in (pipes). */
  dataBytes: number | null;
}

/**
 * Everything before the sample data must fit in this many bytes. Real headers are a few
 * hundred bytes (even with BWF/iXML metadata); the cap stops a hostile "header" from
 * making a streaming reader buffer without limit.
 */
export const MAX_WAV_HEADER_BYTES = 1 << 20;

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;
const MAX_CHANNELS = 64;
const MAX_SAMPLE_RATE = 768_000;

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'MS ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0055: 'MPEG Layer III',
};

export function formatTagName(tag: number): string {
  return FORMAT_NAMES[tag] ?? `format 0x${tag.toString(16).padStart(4, '0')}`;
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

interface WaveFileFmt {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  subformat?: number[];
}

/**
 * Find the data chunk in a (possibly partial) WAV prefix and describe the sample layout.
 * Returns `null` while more bytes are needed, so it serves both whole files and streams.
 *
 * We walk the top-level chunks ourselves only to know where the header ends; the fields
 * are then parsed by wavefile from that prefix alone (it would otherwise copy and index the
 * whole payload, and it silently accepts chunks that overrun the file).
 */
export function readWavLayout(head: Uint8Array): WavLayout | null {
  if (head.length < 12) return null;
  const container = fourcc(head, 0);
  if (container === 'RIFX') throw new UnsupportedAudioError('big-endian RIFX WAV is not supported');
  if ((container !== 'RIFF' && container !== 'RF64') || fourcc(head, 8) !== 'WAVE') {
    throw new CorruptAudioError('not a RIFF/WAVE file');
  }

  let pos = 12;
  let ds64DataBytes: number | null = null;
  for (;;) {
    if (pos > MAX_WAV_HEADER_BYTES) {
      throw new CorruptAudioError(`no data chunk within the first ${MAX_WAV_HEADER_BYTES} bytes`);
    }
    if (pos + 8 > head.length) return null;
    const id = fourcc(head, pos);
    const size = u32(head, pos + 4);
    if (id === 'data') return describe(head.subarray(0, pos + 8), container, pos + 8, size, ds64DataBytes);
    if (id === 'ds64' && size >= 16 && pos + 24 <= head.length) {
      // Read here rather than via wavefile, which names the two halves the wrong way round
      // (EBU Tech 3306 stores each 64-bit size as low dword, then high dword).
      ds64DataBytes = u32(head, pos + 16) + u32(head, pos + 20) * 2 ** 32;
    }
    pos += 8 + size + (size & 1);
  }
}

function describe(
  prefix: Uint8Array,
  container: string,
  dataOffset: number,
  declared: number,
  ds64DataBytes: number | null,
): WavLayout {
  const wav = new WaveFile();
  try {
    wav.fromBuffer(prefix, false);
  } catch (err) {
    throw new CorruptAudioError(`unreadable WAV header: ${(err as Error).message}`, { cause: err });
  }
  const fmt = wav.fmt as WaveFileFmt;
  const { numChannels: channels, sampleRate, blockAlign, bitsPerSample } = fmt;

  if (!(channels >= 1 && channels <= MAX_CHANNELS)) throw new CorruptAudioError(`invalid channel count ${channels}`);
  if (!(sampleRate >= 1 && sampleRate <= MAX_SAMPLE_RATE)) throw new CorruptAudioError(`invalid sample rate ${sampleRate}`);

  let formatTag = fmt.audioFormat;
  if (formatTag === FORMAT_EXTENSIBLE) {
    // The sub-format GUID's first 32 bits carry the plain format tag (KSDATAFORMAT_SUBTYPE_*).
    formatTag = fmt.subformat?.[0] ?? 0;
  }

  let dataBytes: number | null = declared;
  if (container === 'RF64' && declared === UNKNOWN_SIZE) {
    // A zero ds64 size is what a writer that could not seek back leaves: read to the end.
    dataBytes = ds64DataBytes || null;
  } else if (declared === UNKNOWN_SIZE) {
    dataBytes = null;
  }

  const base = { sampleRate, channels, formatTag, blockAlign, dataOffset, dataBytes };
  if (formatTag !== FORMAT_PCM && formatTag !== FORMAT_FLOAT) return { ...base, kind: null };

  if (blockAlign === 0 || blockAlign % channels !== 0) {
    throw new CorruptAudioError(`block align ${blockAlign} does not fit ${channels} channels`);
  }
  // The container width decides how samples are read; bitsPerSample (e.g. 20 or 12) only says
  // how many of those bits are meaningful, and left-justified samples scale correctly anyway.
  const width = blockAlign / channels;
  if (bitsPerSample > width * 8 || bitsPerSample === 0) {
    throw new CorruptAudioError(`${bitsPerSample}-bit samples cannot fit in ${width}-byte slots`);
  }
  const kind = sampleKind(formatTag === FORMAT_FLOAT, width);
  if (!kind) {
    throw new UnsupportedAudioError(`${formatTag === FORMAT_FLOAT ? 'float' : 'PCM'} samples of ${width} bytes`);
  }
  return { ...base, kind };
}

function sampleKind(float: boolean, width: number): SampleKind | null {
  if (float) return width === 4 ? 'f32' : width === 8 ? 'f64' : null;
  switch (width) {
    case 1:
      return 'u8';
    case 2:
      return 's16';
    case 3:
      return 's24';
    case 4:
      return 's32';
    default:
      return null;
  }
}
