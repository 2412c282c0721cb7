/**
 * The migration CLI (`npm run db:migrate`, and migrate.mjs in the gateway image):
 *   migrate           wait for Postgres to answer, create the database if missing, apply migrations
 *   migrate --wait    wait until every migration this build carries is applied (the chart runs this
 *                     as an init container, so no pod serves against an older schema)
 *   migrate --check   exit 0 when nothing is pending, 1 otherwise
 * Waiting is bounded by MIGRATE_WAIT_S and retries only what can heal (connection refused, Postgres
 * starting up); a bad password or bad SQL fails at once. No client tool (pg_isready) is involved,
 * so it works as any uid, with or without a passwd entry.
 */
import { loadConfigOrExit } from '@voicepulse/config';
import { createLogger, redactUrl } from '@voicepulse/logger';
import { ensureDatabase, pendingMigrations, runMigrations, waitUntil } from '../migrate';
import { migrateConfigSchema } from '../migrate-config';

const config = loadConfigOrExit('migrate', migrateConfigSchema);
const logger = createLogger({ service: 'migrate', level: config.LOG_LEVEL });
const mode = process.argv.includes('--wait') ? 'wait' : process.argv.includes('--check') ? 'check' : 'apply';
const database = redactUrl(config.DATABASE_URL);
const wait = {
  timeoutMs: config.MIGRATE_WAIT_S * 1_000,
  onRetry: (reason: string) => logger.info({ database, reason }, mode === 'wait' ? 'waiting for migrations' : 'waiting for Postgres'),
};

try {
  if (mode === 'apply') {
    await waitUntil('Postgres', async () => (await ensureDatabase(config.DATABASE_URL), true), wait);
    await runMigrations(config.DATABASE_URL);
    logger.info({ database }, 'migrations applied');
  } else if (mode === 'wait') {
    await waitUntil('migrations', async () => (await pendingMigrations(config.DATABASE_URL)) === 0, wait);
    logger.info({ database }, 'schema is current');
  } else {
    const pending = await pendingMigrations(config.DATABASE_URL);
    logger.info({ database, pending }, pending ? 'migrations pending' : 'schema is current');
    process.exitCode = pending ? 1 : 0;
  }
} catch (err) {
  logger.fatal({ err }, `migrate ${mode} failed`);
  process.exitCode = 1;
}
