import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import {
  createTestDatabase,
  freePort,
  startNodeService,
  testServerUrl,
  waitFor,
  type TestDatabase,
} from '@voicepulse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, pendingMigrations, runMigrations } from '../src';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/migrate.ts');
const bundled = readMigrationFiles({ migrationsFolder: defaultMigrationsDir() }).length;
// The chart runs the CLI as uid 10001 with no passwd entry; pg_isready, which needs one, hung there.
const NOBODY_UID = 54_321;
const runAsStranger = process.getuid?.() === 0 ? { uid: NOBODY_UID } : {};

/** A TCP proxy to the test Postgres that refuses connections until `open()`: Postgres "starting up". */
async function lateProxy(): Promise<{ port: number; open(): Promise<void>; close(): void }> {
  const port = await freePort();
  const target = new URL(testServerUrl());
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end);
    upstream.on('error', end);
  });
  return {
    port,
    open: () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    close: () => server.close(),
  };
}

function urlThrough(port: number, database: string): string {
  const url = new URL(testServerUrl());
  url.port = String(port);
  url.pathname = `/${database}`;
  return url.toString();
}

describe('migrate CLI', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase({ prefix: 'mcli' });
  });
  afterAll(async () => tdb?.drop());

  it('counts every bundled migration as pending on an empty database, none after applying', async () => {
    expect(bundled).toBeGreaterThan(2);
    const fresh = await createTestDatabase({ prefix: 'mpend' });
    try {
      expect(await pendingMigrations(fresh.url)).toBe(bundled);
      await runMigrations(fresh.url);
      expect(await pendingMigrations(fresh.url)).toBe(0);
    } finally {
      await fresh.drop();
    }
    const missing = new URL(tdb.url);
    missing.pathname = `/${tdb.name}_never_created`;
    expect(await pendingMigrations(missing.toString())).toBe(bundled);
  });

  it('waits for a Postgres that is not up yet, as a uid without a passwd entry, then migrates', async () => {
    const proxy = await lateProxy();
    const migrate = startNodeService(
      'migrate',
      cli,
      { DATABASE_URL: urlThrough(proxy.port, `${tdb.name}_late`), MIGRATE_WAIT_S: '120' },
      runAsStranger,
    );
    try {
      await waitFor(() => migrate.output().includes('waiting for Postgres'), {
        what: 'a retry while Postgres is down',
        timeoutMs: 60_000,
      });
      await proxy.open();
      expect(await migrate.exited, migrate.output()).toBe(0);
      expect(migrate.output()).toContain('migrations applied');
      expect(await pendingMigrations(urlThrough(proxy.port, `${tdb.name}_late`))).toBe(0);
    } finally {
      await migrate.stop();
      proxy.close();
      const admin = new URL(tdb.url);
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists "${tdb.name}_late" with (force)`);
      await c.end();
    }
  });

  it('--wait blocks until the schema is current (the init container of every pod)', async () => {
    const waiter = startNodeService(
      'migrate-wait',
      cli,
      { DATABASE_URL: tdb.url, MIGRATE_WAIT_S: '120' },
      { ...runAsStranger, args: ['--wait'] },
    );
    try {
      await waitFor(() => waiter.output().includes('waiting for migrations'), {
        what: '--wait to report pending migrations',
        timeoutMs: 60_000,
      });
      expect(waiter.child.exitCode).toBeNull();
      await runMigrations(tdb.url);
      expect(await waiter.exited, waiter.output()).toBe(0);
      expect(waiter.output()).toContain('schema is current');
    } finally {
      await waiter.stop();
    }
  });

  it('--wait gives up after MIGRATE_WAIT_S, naming what it waited for', async () => {
    const fresh = await createTestDatabase({ prefix: 'mgiveup' });
    try {
      const waiter = startNodeService(
        'migrate-wait',
        cli,
        { DATABASE_URL: fresh.url, MIGRATE_WAIT_S: '1' },
        { args: ['--wait'] },
      );
      expect(await waiter.exited).toBe(1);
      expect(waiter.output()).toContain('gave up waiting for migrations');
    } finally {
      await fresh.drop();
    }
  });

  it('fails at once on an error that waiting cannot fix (an unknown role)', async () => {
    const url = new URL(tdb.url);
    url.username = 'no_such_role_here';
    const migrate = startNodeService('migrate', cli, { DATABASE_URL: url.toString(), MIGRATE_WAIT_S: '300' });
    expect(await migrate.exited).toBe(1);
    expect(migrate.output()).not.toContain('waiting for Postgres');
    expect(migrate.output()).toContain('no_such_role_here');
  });
});
