import { createTestDatabase, type TestDatabase } from '@voicepulse/testing';
import { createDatabase, type Database } from '../src/client';
import { runMigrations } from '../src/migrate';

/** A throwaway database with the schema migrated in, and a client pool on it. */
export interface MigratedTestDatabase {
  tdb: TestDatabase;
  database: Database;
  /** Closes the pool, then drops the database. */
  close(): Promise<void>;
}

/**
 * The suite preamble every database-backed test shares. Lives here rather than in
 * @voicepulse/testing because it needs this library's migrations and client, and this library's own
 * tests depend on @voicepulse/testing.
 */
export async function openMigratedTestDatabase(
  prefix: string,
  options: { max?: number } = {},
): Promise<MigratedTestDatabase> {
  const tdb = await createTestDatabase({ prefix, migrate: runMigrations });
  const database = createDatabase(tdb.url, { max: options.max ?? 2 });
  return {
    tdb,
    database,
    async close() {
      await database.close();
      await tdb.drop();
    },
  };
}
