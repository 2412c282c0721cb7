import { describe, expect, it } from 'vitest';
import { CONTENT_TYPES, SNIFF_BYTES, sniffFormat } from '../src/sniff';
import { rng } from './signals';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p, 'latin1')) : p)));

describe('sniffFormat', () => {
  it.each([
    ['wav', bytes('RIFF', [0x24, 0, 0, 0], 'WAVE')],
    ['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 1, 0x42, 0xf7, 0x81])],
    ['ogg', bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0])],
    ['mp3', bytes('ID3', [4, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['mp3', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['mp3', bytes([0xff, 0xf3, 0x64, 0xc4, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['mp4', bytes([0, 0, 0, 0x20], 'ftypM4A ')],
    ['flac', bytes('fLaC', [0, 0, 0, 0x22, 0, 0, 0, 0])],
  ])('recognises %s', (format, head) => {
    expect(head.length).toBeLessThanOrEqual(SNIFF_BYTES);
    expect(sniffFormat(head)).toBe(format);
    expect(CONTENT_TYPES[format as keyof typeof CONTENT_TYPES]).toMatch(/^audio\//);
  });

  it('returns null for random bytes, AAC ADTS, RIFF that is not WAVE, and short input', () => {
    const r = rng(3);
    for (let k = 0; k < 200; k++) {
      const head = Uint8Array.from({ length: SNIFF_BYTES }, () => Math.floor(r() * 256));
      // Skip the (astronomically unlikely) draws that really begin with a magic number.
      if (head[0] === 0xff || head[0] === 0x1a) continue;
      expect(sniffFormat(head)).toBeNull();
    }
    expect(sniffFormat(bytes([0xff, 0xf1, 0x50, 0x80]))).toBeNull();
    expect(sniffFormat(bytes('RIFF', [0, 0, 0, 0], 'AVI '))).toBeNull();
    expect(sniffFormat(bytes('RI'))).toBeNull();
  });
});
