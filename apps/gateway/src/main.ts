import { loadConfigOrExit } from '@voicepulse/config';
import { createLogger } from '@voicepulse/logger';
import { installShutdown } from '@voicepulse/runtime';
import { initTracing } from '@voicepulse/tracing';
import type { Server } from 'node:http';
import { createApp } from './app';
import { composeGateway } from './compose';
import { gatewayService } from './manifest';
import { startMetricsServer } from './metrics-server';

const config = loadConfigOrExit(gatewayService.name, gatewayService.config);
const logger = createLogger({ service: gatewayService.name, level: config.LOG_LEVEL });
const tracing = initTracing(gatewayService.name, process.env);
const { deps, close, setShuttingDown } = await composeGateway(config, logger);
const app = createApp(deps);
const metricsServer = await startMetricsServer(deps);

const server: Server = app.listen(config.PORT, config.HOST, () => {
  logger.info(
    { port: config.PORT, storage: deps.store.driver, devTokens: config.AUTH_DEV_TOKENS },
    'gateway listening',
  );
});
// Slow-loris protection: a request must finish its headers fast and its body within the limit.
server.headersTimeout = 20_000;
server.requestTimeout = 15 * 60_000;
server.keepAliveTimeout = 65_000;

installShutdown(
  logger,
  [
    { name: 'readiness', run: async () => setShuttingDown() },
    {
      name: 'http',
      run: () =>
        new Promise<void>((resolve) => {
          // Stop accepting; let in-flight requests (uploads being acknowledged) finish. Status
          // streams never finish on their own: end them (their connections close with them).
          server.close(() => resolve());
          deps.streams.closeAll();
          server.closeIdleConnections();
        }),
    },
    { name: 'metrics', run: () => metricsServer.close() },
    { name: 'clients', run: close },
    { name: 'tracing', run: () => tracing.shutdown() },
  ],
  { timeoutMs: config.SHUTDOWN_TIMEOUT_MS },
);
