import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { isTransientDbError } from './client';

/**
 * Where the SQL lives: next to this file in the repo, or `MIGRATIONS_DIR` in a bundled image
 * where the migrations are copied beside the entry point.
 */
export function defaultMigrationsDir(): string {
  if (process.env.MIGRATIONS_DIR) return process.env.MIGRATIONS_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'migrations');
  return existsSync(bundled) ? bundled : path.resolve(here, '../migrations');
}

/** Creates the database if it does not exist; local runs and fresh clusters need no manual createdb. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`refusing to create database with unusual name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`create database "${name}"`);
      } catch (err) {
        // Two processes racing to create it is fine.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; safe to run concurrently and repeatedly (drizzle records what ran). */
export async function runMigrations(url: string, migrationsFolder = defaultMigrationsDir()): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const client = await pool.connect();
    try {
      // Serialise concurrent migrators (e.g. several pods starting) on one advisory lock.
      await client.query('select pg_advisory_lock(727274)');
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock(727274)').catch(() => undefined);
      client.release();
    }
  } finally {
    await pool.end();
  }
}

/**
 * How many migrations in `migrationsFolder` the database has not applied, by drizzle's own rule
 * (a migration is applied once one as new or newer is recorded). A database that does not exist
 * yet, or has never been migrated, has all of them pending.
 */
export async function pendingMigrations(url: string, migrationsFolder = defaultMigrationsDir()): Promise<number> {
  const bundled = readMigrationFiles({ migrationsFolder });
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code === '3D000') return bundled.length; // no such database
    throw err;
  }
  try {
    const { rows } = await client
      .query<{ last: string | null }>('select max(created_at)::text as last from drizzle.__drizzle_migrations')
      .catch((err: { code?: string }) => {
        // 3F000 / 42P01: the drizzle schema or table does not exist, nothing was ever applied.
        if (err.code === '3F000' || err.code === '42P01') return { rows: [{ last: null }] };
        throw err;
      });
    const last = rows[0]?.last === null || rows[0]?.last === undefined ? -Infinity : Number(rows[0].last);
    return bundled.filter((m) => m.folderMillis > last).length;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    lastFailure: unknown,
  ) {
    super(`gave up waiting for ${what}: ${lastFailure instanceof Error ? lastFailure.message : String(lastFailure)}`, {
      cause: lastFailure,
    });
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Runs `attempt` until it returns true, retrying (1 s, doubling, at most 5 s apart) while it
 * returns false or fails with a transient database error, for at most `timeoutMs`. Permanent
 * errors (bad password, bad SQL) fail at once: waiting would not fix them.
 */
export async function waitUntil(
  what: string,
  attempt: () => Promise<boolean>,
  options: { timeoutMs: number; onRetry?: (reason: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 1_000;
  for (;;) {
    let reason: unknown;
    try {
      if (await attempt()) return;
      reason = 'not yet';
    } catch (err) {
      if (!isTransientDbError(err)) throw err;
      reason = err;
    }
    if (Date.now() + delay > deadline) throw new WaitTimeoutError(what, reason);
    options.onRetry?.(reason instanceof Error ? reason.message : String(reason));
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 5_000);
  }
}
