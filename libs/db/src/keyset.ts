import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

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
export const beforeKeyset = (at: AnyColumn, id: AnyColumn, cursor: { at: string; id: string }): SQL =>
  sql`(${at}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
