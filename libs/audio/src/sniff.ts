export type SniffedFormat = 'wav' | 'webm' | 'ogg' | 'mp3' | 'mp4' | 'flac';

/** `RIFF<size>WAVE` and `<size>ftyp` are the longest signatures we look at. */
export const SNIFF_BYTES = 12;

export const CONTENT_TYPES: Record<SniffedFormat, string> = {
  wav: 'audio/wav',
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  mp4: 'audio/mp4',
  flac: 'audio/flac',
};

function ascii(head: Uint8Array, offset: number, text: string): boolean {
  if (head.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (head[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * MPEG audio frame sync for Layer III only (MPEG-1, -2 and -2.5, with or without CRC).
 * ADTS AAC shares the 12-bit sync (0xFFF1/0xFFF9) but has layer bits 00, so it is not
 * mistaken for MP3 here.
 */
function isMp3FrameSync(head: Uint8Array): boolean {
  if (head.length < 2 || head[0] !== 0xff) return false;
  const b1 = head[1]!;
  return [0xfb, 0xfa, 0xf3, 0xf2, 0xe3, 0xe2].includes(b1);
}

/** Identify the container from its magic bytes; `null` when nothing matches. */
export function sniffFormat(head: Uint8Array): SniffedFormat | null {
  if ((ascii(head, 0, 'RIFF') || ascii(head, 0, 'RF64')) && ascii(head, 8, 'WAVE')) return 'wav';
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return 'webm';
  }
  if (ascii(head, 0, 'OggS')) return 'ogg';
  if (ascii(head, 0, 'fLaC')) return 'flac';
  if (ascii(head, 4, 'ftyp')) return 'mp4';
  if (ascii(head, 0, 'ID3') || isMp3FrameSync(head)) return 'mp3';
  return null;
}
