import { createDatabase, runMigrations } from '@voicepulse/db';
import { createTestDatabase } from '@voicepulse/testing';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { generateSeedEvents, ensureMonthPartitions, monthOf, copyChunks, STAGE_COLUMNS } from './src';
import * as sql from './src/writer-sql';
const tdb = await createTestDatabase({ prefix: 'wbench', migrate: runMigrations });
const db = createDatabase(tdb.url, { max: 2 });
const events = [...generateSeedEvents({ users: 1000, days: 20, events: 200_000, seed: 1 }, 200_000)].flat();
await ensureMonthPartitions(db.pool, new Set(events.map((e) => monthOf(e.recordedAt))));
const c = await db.pool.connect();
await c.query(sql.CREATE_STAGE.replace('on commit delete rows', ''));
let t = performance.now();
await pipeline(Readable.from(copyChunks(events)), c.query(copyFrom(sql.COPY_STAGE)));
console.log('copy stage', (performance.now() - t).toFixed(0));
await c.query('analyze metric_events_stage');
const cols = STAGE_COLUMNS.join(', ');
const sel = `select event_id, user_id, session_id, device_id, talked_time_ms, microphone_used, speaker_used, voice_sentiment, voice_sentiment_label::sentiment_label, recorded_at, timezone, platform, app_version, source, recording_id from metric_events_stage`;
const variants: [string, string][] = [
  ['plain insert', `insert into metric_events (${cols}) ${sel}`],
  ['on conflict do nothing', `insert into metric_events (${cols}) ${sel} on conflict do nothing`],
  [
    'not exists',
    `insert into metric_events (${cols}) ${sel} s where not exists (select 1 from metric_events m where m.event_id = s.event_id and m.recorded_at = s.recorded_at)`,
  ],
  ['full CTE', sql.INSERT_EVENTS_AND_ROLLUPS],
  [
    'CTE no samples',
    sql.INSERT_EVENTS_AND_ROLLUPS.replace(/, samples as \([\s\S]*?returning 1\n\)/, '').replace(
      ',\n       (select count(*) from samples)::int as samples',
      '',
    ),
  ],
  [
    'CTE not exists',
    sql.INSERT_EVENTS_AND_ROLLUPS.replace(
      'from metric_events_stage\n  on conflict do nothing',
      'from metric_events_stage s where not exists (select 1 from metric_events m where m.event_id = s.event_id and m.recorded_at = s.recorded_at)',
    ),
  ],
];
for (const [name, q] of variants) {
  await c.query('truncate metric_events, metric_daily_rollups, metric_daily_sessions, sentiment_samples');
  await c.query('checkpoint');
  t = performance.now();
  await c.query(q);
  console.log(name.padEnd(24), (performance.now() - t).toFixed(0), 'ms');
}
// second run of conflicts (all duplicates)
t = performance.now();
await c.query(variants[5]![1]);
console.log('full CTE all-dup'.padEnd(24), (performance.now() - t).toFixed(0), 'ms');
c.release();
await db.close();
await tdb.drop();
