import client from 'prom-client';

export type Registry = client.Registry;

/**
 * One registry per process with default Node metrics and the series every service shares. Services
 * register their own series on `registry` too; names are prefixed `voicepulse_`.
 */
export function createMetrics(service: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry, prefix: 'voicepulse_' });
  const jobDuration = new client.Histogram({
    name: 'voicepulse_job_duration_seconds',
    help: 'Job handling time by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  return {
    registry,
    jobDuration,
    /** Adapter for createConsumer's onJobDone hook. */
    jobObserver(queue: string) {
      return (outcome: string, durationMs: number) => jobDuration.observe({ queue, outcome }, durationMs / 1000);
    },
  };
}

export type ServiceMetrics = ReturnType<typeof createMetrics>;
export { client as prom };
