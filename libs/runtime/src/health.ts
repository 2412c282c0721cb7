import http from 'node:http';
import type { Logger } from '@voicepulse/logger';
import type { Registry } from './metrics';

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

/** Runs every check in parallel with a deadline so a hung dependency reads as "not ready", not a hung probe. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const start = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, ms: Math.round(performance.now() - start) }] as const;
      } catch (err) {
        return [name, { ok: false, error: (err as Error).message, ms: Math.round(performance.now() - start) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { ready: entries.every(([, r]) => r.ok), checks: report };
}

export interface HealthServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  /** Flipped during shutdown so load balancers stop routing before connections close. */
  isShuttingDown?: () => boolean;
}

/**
 * Workers have no HTTP API, but Kubernetes still needs liveness/readiness and Prometheus needs
 * /metrics: this tiny server provides exactly those three routes.
 */
export async function startHealthServer(opts: HealthServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
      if (path === '/healthz') return send(200, { status: 'ok' });
      if (path === '/readyz') {
        if (opts.isShuttingDown?.()) return send(503, { ready: false, reason: 'shutting down' });
        const report = await checkReadiness(opts.checks);
        return send(report.ready ? 200 : 503, report);
      }
      if (path === '/metrics') return send(200, await opts.registry.metrics(), opts.registry.contentType);
      return send(404, { error: { code: 'not_found', message: 'not found' } });
    } catch (err) {
      opts.logger.error({ err }, 'health endpoint failed');
      return send(500, { error: { code: 'internal', message: 'internal error' } });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  opts.logger.info({ port }, 'health server listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
