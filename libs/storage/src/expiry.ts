import { InvalidRangeError } from './errors';

/** Signed URLs live at most 15 minutes on every driver: long enough for a slow upload to start. */
export const MAX_SIGNED_URL_SECONDS = 900;

/**
 * Clamps (rather than rejects) requests above the cap: callers ask for "as long as allowed" and
 * read the real deadline from `expiresAt`. Nonsensical values are programming errors.
 */
export function clampExpiry(
  expiresInSeconds: number,
  now = Date.now(),
): { seconds: number; expiresAt: Date } {
  if (!Number.isFinite(expiresInSeconds) || expiresInSeconds < 1) {
    throw new RangeError(`expiresInSeconds must be >= 1, got ${expiresInSeconds}`);
  }
  const seconds = Math.min(Math.floor(expiresInSeconds), MAX_SIGNED_URL_SECONDS);
  return { seconds, expiresAt: new Date(now + seconds * 1000) };
}

/** RFC 6266 attachment header with an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function validateRange(range: { start: number; end?: number } | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new InvalidRangeError('range.start must be a non-negative integer');
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new InvalidRangeError('range.end must be an integer >= range.start');
  }
}
