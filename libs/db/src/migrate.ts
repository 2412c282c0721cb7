import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

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
