import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { encodeCursor, type KeysetPosition } from '@voicepulse/contracts';

/** `to_char` pattern of ISO-8601 UTC with microseconds (`2026-01-02T03:04:05.678901Z`). */
const UTC_MICROS_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * A timestamptz as UTC text at microsecond precision, the form keyset cursors carry
 * (KeysetPosition in @voicepulse/contracts): Postgres stores microseconds, a JS Date only
 * milliseconds, so a cursor built from a Date would skip rows. For raw SQL text.
 */
export const utcMicrosText = (expr: string) => `to_char(${expr} at time zone 'UTC', ${UTC_MICROS_FORMAT})`;

/** utcMicrosText for a Drizzle column. */
export const utcMicros = (column: AnyColumn): SQL<string> =>
  sql<string>`to_char(${column} at time zone 'UTC', ${sql.raw(UTC_MICROS_FORMAT)})`;

/** `(at, id) < cursor` for a newest-first keyset walk; a row comparison, so one index range scan. */
export const beforeKeyset = (at: AnyColumn, id: AnyColumn, cursor: KeysetPosition): SQL =>
  sql`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;

/**
 * beforeKeyset for raw SQL text with positional parameters (the metric queries that are not
 * Drizzle): appends the cursor's values to `params` and returns the predicate naming them.
 */
export function beforeKeysetText(at: string, id: string, cursor: KeysetPosition, params: unknown[]): string {
  params.push(cursor.at, cursor.id);
  const [atParam, idParam] = [`$${params.length - 1}::timestamptz`, `$${params.length}::uuid`];
  // `at <= cursor` is implied by the row comparison, but Postgres only prunes partitions on a plain
  // bound: spelt out, a page deep into metric_events (monthly partitions on recorded_at) skips the
  // partitions newer than the cursor instead of planning and probing all of them.
  return `(${at}, ${id}) < (${atParam}, ${idParam}) and ${at} <= ${atParam}`;
}

/**
 * One page of a keyset walk read with `limit + 1` rows: the extra row only says there is more, and
 * the cursor is the position of the page's last row.
 */
export function keysetPage<R>(
  rows: R[],
  limit: number,
  position: (row: R) => KeysetPosition,
): { items: R[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}
