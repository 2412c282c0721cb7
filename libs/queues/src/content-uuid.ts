import { createHash } from 'node:crypto';

/*
 * Ids derived from content, the way every producer here keeps a retried write idempotent (job ids
 * in payloads.ts, event ids of legacy and recording-derived metric events). Node-only, so it lives
 * here and not in the browser-shared contracts.
 */

/**
 * A UUID derived from content (RFC 9562 version 8, "custom"): the first 128 bits of a SHA-256 with
 * the version and variant bits set. Same input → same id, so a client that retries a payload
 * without an id of its own never creates a second row.
 */
export function contentUuid(
  namespace: string,
  parts: readonly (string | number | boolean | null | undefined)[],
): string {
  const hash = createHash('sha256');
  hash.update(namespace);
  for (const p of parts) {
    // Length-prefixing keeps ["ab","c"] and ["a","bc"] apart.
    const s = p === null || p === undefined ? '\u0000' : `${typeof p}:${String(p)}`;
    hash.update(`${s.length}:${s}|`);
  }
  return uuidFromDigest(hash.digest());
}

/** The first 128 bits of a digest as a version 8 UUID. */
export function uuidFromDigest(b: Buffer): string {
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
