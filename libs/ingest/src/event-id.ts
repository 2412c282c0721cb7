import { createHmac } from 'node:crypto';
import { uuidFromDigest } from '@voicepulse/queues';

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
