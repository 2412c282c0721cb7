/**
 * The one keyset-cursor codec of every paginated list (recordings, prompts, metric events): the
 * position of the last row served, (timestamp, uuid), as base64url JSON. Opaque to clients, and
 * decoded strictly: anything that is not a cursor this codec wrote is an InvalidCursorError,
 * which the gateway answers with 400 `invalid_cursor`.
 *
 * The timestamp is text at microsecond precision (Postgres's, see utcMicrosText in @voicepulse/db),
 * never a JS Date: a Date keeps milliseconds, so rows in the same millisecond as a page's last row
 * but earlier by microseconds would be skipped.
 */
export interface KeysetPosition {
  /** ISO-8601 UTC, up to microseconds: `2026-01-02T03:04:05.678901Z`. */
  at: string;
  id: string;
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('cursor is not one this API issued');
  }
}

const UTC_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Longer than any cursor encodeCursor writes; refused before decoding. */
const MAX_CURSOR_CHARS = 200;

export function encodeCursor(p: KeysetPosition): string {
  return Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');
}

export function decodeCursor(raw: string): KeysetPosition {
  if (raw.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidCursorError();
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !UTC_MICROS.test(at) || Number.isNaN(Date.parse(at))) throw new InvalidCursorError();
  if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidCursorError();
  return { at, id: id.toLowerCase() };
}
