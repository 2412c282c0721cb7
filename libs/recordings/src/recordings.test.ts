import { InvalidCursorError, userIdSchema } from '@voicepulse/contracts';
import type { Database } from '@voicepulse/db';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '@voicepulse/db/testing';
import { isValidKey } from '@voicepulse/storage/keys';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalTransitionError, RecordingsRepository, blobKeys } from './index';

describe('blob keys', () => {
  it('keep every object of a recording under one owner-scoped prefix', () => {
    const id = randomUUID();
    expect(blobKeys.original('a/b', id).startsWith(blobKeys.prefix('a/b', id))).toBe(true);
    expect(blobKeys.prefix('a/b', id)).toBe(`recordings/=YS9i/${id}/`);
  });

  it('make a valid, distinct key for every user id the schema allows', () => {
    const id = randomUUID();
    const ids = [
      'alice',
      'alice@example.com',
      'google-oauth2:1234',
      'a:b@c',
      '.',
      '..',
      '...',
      '-',
      ':'.repeat(128),
      'x'.repeat(128),
    ];
    for (const userId of ids) {
      expect(userIdSchema.safeParse(userId).success, userId).toBe(true);
      expect(isValidKey(blobKeys.original(userId, id)), userId).toBe(true);
      expect(isValidKey(blobKeys.normalized(userId, id)), userId).toBe(true);
    }
    expect(new Set(ids.map((u) => blobKeys.prefix(u, id))).size).toBe(ids.length);
    // Readable where it can be: ids from the safe set are kept verbatim.
    expect(blobKeys.prefix('alice@example.com', id)).toBe(`recordings/alice@example.com/${id}/`);
  });
});

describe('RecordingsRepository', () => {
  let testDb: MigratedTestDatabase;
  let database: Database;
  let repo: RecordingsRepository;
  beforeAll(async () => {
    testDb = await openMigratedTestDatabase('rec');
    database = testDb.database;
    repo = new RecordingsRepository(database.db);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  const create = (userId = 'u1') =>
    repo.create({ id: randomUUID(), userId, status: 'uploaded', originalKey: 'k', contentType: 'audio/wav' });

  it('pages through rows created in the same millisecond without skipping any', async () => {
    // A cursor holding a JS Date (milliseconds) skipped the rows microseconds below a page's last.
    const rows = [await create('same-ms'), await create('same-ms'), await create('same-ms')];
    for (const [i, r] of rows.entries()) {
      await database.pool.query(`update recordings set created_at = $2 where id = $1`, [
        r.id,
        `2026-03-04T05:06:07.123${i}5${i}Z`,
      ]);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.list('same-ms', { limit: 1, cursor });
      seen.push(...page.items.map((v) => v.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id).reverse());
    await expect(repo.list('same-ms', { limit: 1, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('moves forward only from the allowed states', async () => {
    const r = await create();
    expect(await repo.transition(r.id, ['uploaded'], 'transcoding')).toMatchObject({ status: 'transcoding' });
    expect(await repo.transition(r.id, ['uploaded'], 'transcoding')).toBeUndefined();
    await repo.fail(r.id, 'corrupt_audio', 'bad header');
    expect(await repo.transition(r.id, ['transcoding'], 'transcoded')).toBeUndefined();
    expect(await repo.get(r.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
  });

  it('refuses a move the state machine does not allow, and keeps the first failure', async () => {
    const r = await create();
    await expect(repo.transition(r.id, ['uploaded'], 'scoring')).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(repo.transition(r.id, ['uploaded', 'scored'], 'transcoding')).rejects.toThrow('from scored to transcoding');
    expect(await repo.get(r.id, null)).toMatchObject({ status: 'uploaded' });
    await repo.fail(r.id, 'corrupt_audio', 'bad header');
    // A later "gave up" must not overwrite the precise reason, and a failed recording stays failed.
    expect(await repo.fail(r.id, 'internal', 'gave up')).toBeUndefined();
    expect(await repo.get(r.id, null)).toMatchObject({ status: 'failed', failureCode: 'corrupt_audio' });
  });

  it('replaces an analysis atomically and maps it to the API view', async () => {
    const r = await create();
    await repo.transition(r.id, ['uploaded'], 'transcoding');
    await repo.transition(r.id, ['transcoding'], 'transcoded');
    await repo.transition(r.id, ['transcoded'], 'scoring');
    const analysis = {
      talkedTimeMs: 1000,
      speechRatio: 0.5,
      durationMs: 2000,
      segments: [
        { startMs: 0, endMs: 400 },
        { startMs: 800, endMs: 1400 },
      ],
      sentiment: {
        score: 0.6,
        label: 'positive' as const,
        confidence: 0.8,
        engines: [{ engine: 'transcript', version: '1' }],
      },
      timeline: [{ startMs: 0, endMs: 1400, score: 0.6, label: 'positive' as const }],
    };
    await repo.saveAnalysis(r.id, analysis);
    await repo.saveAnalysis(r.id, { ...analysis, segments: [{ startMs: 0, endMs: 1000 }] });
    const view = await repo.view(r.id, 'u1');
    expect(view?.status).toBe('scored');
    expect(view?.analysis?.segments).toEqual([{ startMs: 0, endMs: 1000 }]);
    expect(view?.analysis?.timeline).toHaveLength(1);
    expect(await repo.view(r.id, 'someone-else')).toBeUndefined();
    expect(await repo.view(r.id, null)).toBeDefined();
  });
});
