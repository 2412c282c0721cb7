import { createHash, createHmac } from 'node:crypto';

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
function uuidFromDigest(b: Buffer): string {
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether any raw event carries a legacy (non-uuid) session id, i.e. whether mapping needs the key:
 * the key lives in Postgres, and intake without one must keep needing only Redis.
 */
export function hasLegacySessionIds(raws: readonly unknown[]): boolean {
  return raws.some((r) => {
    const id = (r as { session_id?: unknown } | null)?.session_id;
    return id !== undefined && !(typeof id === 'string' && UUID_RE.test(id));
  });
}

/** Whose numbering a legacy session id is in, and the installation's key for mapping it. */
export interface SessionScope {
  /** The principal (token subject) that sent the id: one tenant's "42" is not another's. */
  tenant: string;
  /** Needed only when a legacy id is present (see hasLegacySessionIds). */
  key?: string;
}

/**
 * Legacy clients number their sessions; map each to a stable uuid per tenant (a uuid string passes
 * through). Keyed with the installation's secret, so nobody can compute another tenant's session
 * uuids from its small integers (membership is still what grants access; this keeps ids opaque).
 */
export function legacySessionUuid(id: string | number, scope: SessionScope): string {
  if (typeof id === 'string' && UUID_RE.test(id)) return id.toLowerCase();
  if (!scope.key) throw new Error('legacy session id without the session key (see hasLegacySessionIds)');
  const tenant = `${scope.tenant.length}:${scope.tenant}`;
  return uuidFromDigest(
    createHmac('sha256', scope.key)
      .update(`voicepulse.legacy-session.v2|${tenant}|${String(id)}`)
      .digest(),
  );
}
