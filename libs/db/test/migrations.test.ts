import { createTestDatabase, type TestDatabase } from '@voicepulse/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, isTransientDbError, runMigrations } from '../src';

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
      for (const t of ['users', 'devices', 'sessions', 'recordings', 'recording_analyses', 'speech_segments']) {
        expect(tables).toContain(t);
      }
      const applied = await c.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(applied.rows[0].n).toBeGreaterThan(0);
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
