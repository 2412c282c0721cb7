/** Enough for the RIFF header, a fmt chunk and a few metadata chunks before `data`. */
export const WAV_GUARD_BYTES = 4096;

const MAX_CHANNELS = 32;
const PCM_BITS = new Set([8, 16, 24, 32]);
const FORMATS = new Set([1 /* PCM */, 3 /* IEEE float */, 0xfffe /* extensible */]);

/**
 * Structural check of a WAV header before anything is stored: a file whose magic says WAV but
 * whose fmt chunk is missing, truncated or absurd (a 4 GB fmt chunk, zero channels, 64-bit PCM)
 * is refused at the door with 4xx instead of being accepted and failing later in the transcoder.
 * The RIFF and data sizes are not checked: streaming writers legitimately put 0 or 0xFFFFFFFF
 * there, and the upload size limit bounds the body anyway. Returns the reason, or null when fine.
 */
export function wavHeaderProblem(head: Buffer): string | null {
  if (head.length < 12) return 'WAV header is truncated';
  let offset = 12;
  let sawFmt = false;
  while (offset + 8 <= head.length) {
    const id = head.toString('latin1', offset, offset + 4);
    const size = head.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      if (size < 16 || size > 64) return `fmt chunk has an impossible size (${size})`;
      if (offset + 8 + 16 > head.length) return 'fmt chunk is truncated';
      const format = head.readUInt16LE(offset + 8);
      const channels = head.readUInt16LE(offset + 10);
      const rate = head.readUInt32LE(offset + 12);
      const bits = head.readUInt16LE(offset + 22);
      if (!FORMATS.has(format)) return `unsupported WAV sample format ${format}`;
      if (channels < 1 || channels > MAX_CHANNELS) return `impossible channel count ${channels}`;
      if (rate < 1_000 || rate > 768_000) return `impossible sample rate ${rate}`;
      if (!(format === 3 ? bits === 32 || bits === 64 : PCM_BITS.has(bits))) return `unsupported bit depth ${bits}`;
      sawFmt = true;
    } else if (id === 'data') {
      return sawFmt ? null : 'data chunk before the fmt chunk';
    } else if (!/^[\x20-\x7e]{4}$/.test(id)) {
      return 'corrupt chunk list';
    }
    // Chunks are word-aligned; a size running past what we buffered is only fine for `data`.
    const next = offset + 8 + size + (size % 2);
    if (next > head.length && size > WAV_GUARD_BYTES) return `chunk "${id.trim()}" has an impossible size (${size})`;
    offset = next;
  }
  return head.length < WAV_GUARD_BYTES ? 'WAV has no data chunk' : null;
}
