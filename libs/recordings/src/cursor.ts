/** Opaque keyset cursor (created_at, id): stable under concurrent inserts, unlike OFFSET. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string): Cursor | null {
  const text = Buffer.from(raw, 'base64url').toString();
  const [at, id] = text.split('|');
  if (!at || !id || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const createdAt = new Date(at);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
}
