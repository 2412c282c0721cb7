/** Lowest level reported anywhere: keeps −Infinity (digital silence) out of JSON. */
export const DB_FLOOR = -120;

/** Power ratio → dB, floored. */
export function powerDb(power: number): number {
  return power > 0 ? Math.max(DB_FLOOR, 10 * Math.log10(power)) : DB_FLOOR;
}

export function meanSquare(x: Float32Array, start = 0, length = x.length - start): number {
  let s = 0;
  const end = Math.min(x.length, start + length);
  for (let i = start; i < end; i++) s += x[i]! * x[i]!;
  return end > start ? s / (end - start) : 0;
}

/** RMS level of x[start, start+length) in dBFS (sine-referenced: a full-scale sine reads −3.01). */
export function frameDbfs(x: Float32Array, start: number, length: number): number {
  return powerDb(meanSquare(x, start, length));
}
