import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, deleteRedisPrefix, freePort, testRedisUrl, uniquePrefix, waitFor } from './index';

describe('test infrastructure', () => {
  it('creates an isolated database, runs the migrate hook and drops it', async () => {
    let migrated = '';
    const db = await createTestDatabase({ prefix: 'self', migrate: async (url) => void (migrated = url) });
    expect(migrated).toBe(db.url);
    expect(db.name).toMatch(/^vp_test_self_/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.end();
    await db.drop();
    const again = new pg.Client({ connectionString: db.url });
    await expect(again.connect()).rejects.toThrow(/does not exist/);
  });

  it('deletes only keys under its prefix', async () => {
    const prefix = uniquePrefix('self');
    const other = uniquePrefix('other');
    const redis = new Redis(testRedisUrl());
    try {
      await redis.set(`${prefix}:a`, '1');
      await redis.set(`${other}:a`, '1');
      await deleteRedisPrefix(prefix);
      expect(await redis.exists(`${prefix}:a`)).toBe(0);
      expect(await redis.exists(`${other}:a`)).toBe(1);
    } finally {
      await redis.del(`${other}:a`);
      redis.disconnect();
    }
  });

  it('waitFor returns the first truthy value and reports the last one on timeout', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 1 })).toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5, what: 'never' })).rejects.toThrow(/timed out waiting for never; last: false/);
    // A count of nothing and a missing row are "not yet": they must not end the wait.
    await expect(waitFor(() => 0, { timeoutMs: 20, intervalMs: 5, what: 'rows' })).rejects.toThrow(/last: 0/);
    await expect(waitFor(() => null, { timeoutMs: 20, intervalMs: 5, what: 'row' })).rejects.toThrow(/last: null/);
    expect(await freePort()).toBeGreaterThan(0);
  });
});
