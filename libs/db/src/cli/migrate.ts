import { databaseSchema, loadConfigOrExit } from '@voicepulse/config';
import { createLogger, redactUrl } from '@voicepulse/logger';
import { ensureDatabase, runMigrations } from '../migrate';

const config = loadConfigOrExit('migrate', databaseSchema);
const logger = createLogger({ service: 'migrate' });

try {
  await ensureDatabase(config.DATABASE_URL);
  await runMigrations(config.DATABASE_URL);
  logger.info({ database: redactUrl(config.DATABASE_URL) }, 'migrations applied');
} catch (err) {
  logger.fatal({ err }, 'migration failed');
  process.exitCode = 1;
}
