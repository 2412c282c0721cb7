import { parseArgs } from 'node:util';
import { databaseSchema, loadConfigOrExit } from '@voicepulse/config';
import { createDatabase, ensureDatabase, runMigrations } from '@voicepulse/db';
import { createLogger, redactUrl } from '@voicepulse/logger';
import { generateSeedEvents } from '../seed';
import { MetricsWriter } from '../writer';

/** `npm run seed -- --users 1000 --days 30 --events 1000000`: writes through the real ingest path. */
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    days: { type: 'string', default: '30' },
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '42' },
    batch: { type: 'string', default: '10000' },
  },
});
const int = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(64);
  }
  return n;
};
const opts = { users: int('users'), days: int('days'), events: int('events'), seed: int('seed') };
const config = loadConfigOrExit('seed', databaseSchema);
const logger = createLogger({ service: 'seed' });

await ensureDatabase(config.DATABASE_URL);
await runMigrations(config.DATABASE_URL);
const database = createDatabase(config.DATABASE_URL, { max: 2, applicationName: 'voicepulse-seed' });
const writer = new MetricsWriter(database.pool, { retentionDays: Math.max(400, opts.days + 1), logger });
const started = performance.now();
let written = 0;
let inserted = 0;
try {
  for (const batch of generateSeedEvents(opts, int('batch'))) {
    inserted += (await writer.write(batch)).inserted;
    written += batch.length;
    if (written % 100_000 < batch.length) logger.info({ written, inserted }, 'seeding');
  }
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    {
      database: redactUrl(config.DATABASE_URL),
      ...opts,
      inserted,
      duplicates: written - inserted,
      eventsPerSecond: Math.round(written / seconds),
    },
    'seed complete',
  );
} finally {
  await database.close();
}
