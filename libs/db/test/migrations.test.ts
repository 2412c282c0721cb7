import { createTestDatabase, type TestDatabase } from '@voicepulse/testing';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, isTransientDbError, runMigrations, schema } from '../src';

/** Every table the Drizzle schema declares: what the migrations must have created. */
const declaredTables = (Object.values(schema) as unknown[])
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableName(t))
  .sort();

describe('migrations', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: 'db' });
  });
  afterAll(async () => tdb?.drop());

  it('apply to an empty database and are idempotent, even when run concurrently', async () => {
    await Promise.all([runMigrations(tdb.url), runMigrations(tdb.url)]);
    await runMigrations(tdb.url);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by 1",
      );
      const tables = rows.map((r) => r.table_name);
      expect(declaredTables.length).toBeGreaterThan(5);
      expect(declaredTables.filter((t) => !tables.includes(t))).toEqual([]);
      // Every migration in the journal applied exactly once, concurrency notwithstanding.
      const journal = JSON.parse(await readFile(new URL('../migrations/meta/_journal.json', import.meta.url), 'utf8'));
      const applied = await c.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(applied.rows[0].n).toBe(journal.entries.length);
    } finally {
      await c.end();
    }
  });

  it('ensureDatabase creates a missing database once', async () => {
    const url = new URL(tdb.url);
    url.pathname = `/${tdb.name}_x`;
    await ensureDatabase(url.toString());
    await ensureDatabase(url.toString());
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    await c.end();
    const admin = new pg.Client({ connectionString: tdb.url });
    await admin.connect();
    await admin.query(`drop database "${tdb.name}_x"`);
    await admin.end();
  });

  it('classifies connection failures as transient and data errors as permanent', async () => {
    const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x', connectionTimeoutMillis: 2000 });
    const err = await c.connect().catch((e) => e);
    expect(isTransientDbError(err)).toBe(true);
    expect(isTransientDbError({ code: '23505' })).toBe(false);
    expect(isTransientDbError({ code: '40001' })).toBe(true);
  });
});
