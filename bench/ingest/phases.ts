/**
 * Times each statement of one writer transaction on realistic batches (the benchmark's events),
 * with EXPLAIN (ANALYZE, BUFFERS) of the insert on request: where Postgres spends a batch's time.
 *   node --import tsx bench/ingest/phases.ts --events 200000 --batch 20000 [--explain]
 */
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDatabase, runMigrations } from '@voicepulse/db';
import { copyChunks, ensureMonthPartitions, generateSeedEvents, monthOf } from '@voicepulse/ingest';
import { COPY_STAGE, CREATE_STAGE, INSERT_EVENTS, UPSERT_DIMENSIONS, UPSERT_ROLLUPS } from '../../libs/ingest/src/writer-sql';
import { createTestDatabase } from '@voicepulse/testing';
import { from as copyFrom } from 'pg-copy-streams';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '20000' },
    explain: { type: 'boolean', default: false },
  },
});
const tdb = await createTestDatabase({ prefix: 'phases', migrate: runMigrations });
const database = createDatabase(tdb.url, { max: 1, applicationName: 'phases' });
const totals = new Map<string, number>();
const time = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    totals.set(label, (totals.get(label) ?? 0) + performance.now() - t0);
  }
};
try {
  const batches = [
    ...generateSeedEvents({ users: 1000, days: 20, events: Number(values.events), seed: 1 }, Number(values.batch)),
  ];
  await ensureMonthPartitions(database.pool, new Set(batches.flat().map((e) => monthOf(e.recordedAt))));
  const client = await database.pool.connect();
  await client.query(CREATE_STAGE);
  for (const [i, batch] of batches.entries()) {
    await client.query('begin');
    await time('copy stage', () => pipeline(Readable.from(copyChunks(batch)), client.query(copyFrom(COPY_STAGE))));
    const last = values.explain && i === batches.length - 1;
    const step = async (label: string, sql: string) => {
      if (!last) return void (await time(label, () => client.query(sql)));
      const { rows } = await client.query(`explain (analyze, buffers) ${sql}`);
      console.log(`--- ${label}\n${rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`);
    };
    // The writer's order (libs/ingest/src/writer.ts).
    await step('insert events', INSERT_EVENTS);
    for (const [k, sql] of UPSERT_DIMENSIONS.entries()) await step(`upsert ${['users', 'devices', 'sessions', 'participants'][k]}`, sql);
    await step('upsert rollups', UPSERT_ROLLUPS);
    await time('commit', () => client.query('commit'));
  }
  client.release();
  const n = Number(values.events);
  for (const [label, ms] of totals) console.log(`${label.padEnd(20)} ${ms.toFixed(0).padStart(7)} ms  ${((ms * 1000) / n).toFixed(1).padStart(6)} µs/event`);
} finally {
  await database.close();
  await tdb.drop();
}
