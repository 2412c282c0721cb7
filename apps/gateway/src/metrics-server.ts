import { startHealthServer } from '@voicepulse/runtime';
import { readinessChecks } from './app';
import type { GatewayDeps } from './deps';

/**
 * Prometheus's port, as on every worker: /metrics (and the health routes) on HEALTH_PORT, so the
 * Ingress, which forwards the API port only, never exposes queue depths and request counts.
 */
export function startMetricsServer(deps: GatewayDeps) {
  return startHealthServer({
    port: deps.config.HEALTH_PORT,
    host: deps.config.HOST,
    logger: deps.logger,
    checks: readinessChecks(deps),
    registry: deps.metrics.registry,
    isShuttingDown: deps.isShuttingDown,
  });
}
