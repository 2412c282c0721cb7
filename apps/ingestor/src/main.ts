import { loadConfigOrExit } from '@voicepulse/config';
import { createDatabase } from '@voicepulse/db';
import { createLogger } from '@voicepulse/logger';
import { createMetrics, installShutdown, startHealthServer } from '@voicepulse/runtime';
import { ingestorConfigSchema } from './config';
import { createIngestor } from './ingestor';

const config = loadConfigOrExit('ingestor', ingestorConfigSchema);
const logger = createLogger({ service: 'ingestor', level: config.LOG_LEVEL });
const database = createDatabase(config.DATABASE_URL, {
  max: config.DATABASE_POOL_MAX,
  applicationName: 'voicepulse-ingestor',
});
const metrics = createMetrics('ingestor');
const ingestor = createIngestor(config, logger, database, metrics);

let shuttingDown = false;
const health = await startHealthServer({
  port: config.HEALTH_PORT,
  logger,
  registry: metrics.registry,
  checks: { postgres: () => database.ping(), redis: () => ingestor.ping() },
  isShuttingDown: () => shuttingDown,
});

installShutdown(
  logger,
  [
    { name: 'readiness', run: async () => (shuttingDown = true) },
    { name: 'workers', run: () => ingestor.stop() },
    { name: 'health', run: () => health.close() },
    { name: 'postgres', run: () => database.close() },
  ],
  { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);

try {
  await ingestor.start();
} catch (err) {
  // Most likely an unmigrated database or unreachable Redis: say so and let the orchestrator restart us.
  logger.fatal({ err }, 'ingestor failed to start');
  process.exit(1);
}
