import { createLogger } from '@voicepulse/logger';
import { describe, expect, it } from 'vitest';
import { checkReadiness, createMetrics, startHealthServer } from './index';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('health server', () => {
  it('reports liveness, per-dependency readiness and Prometheus metrics', async () => {
    let redisUp = true;
    const metrics = createMetrics('test-svc');
    metrics.jobObserver('transcode')('completed', 120);
    const server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      logger,
      registry: metrics.registry,
      checks: {
        postgres: async () => undefined,
        redis: async () => {
          if (!redisUp) throw new Error('ECONNREFUSED');
        },
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      redisUp = false;
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      const body = (await notReady.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
      expect(body.checks.redis).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
      expect(body.checks.postgres?.ok).toBe(true);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).toContain('voicepulse_job_duration_seconds_count{service="test-svc",queue="transcode",outcome="completed"} 1');
      expect(text).toContain('voicepulse_process_resident_memory_bytes');
    } finally {
      await server.close();
    }
  });

  it('treats a hung check as not ready', async () => {
    const report = await checkReadiness({ slow: () => new Promise(() => undefined) }, 50);
    expect(report.ready).toBe(false);
    expect(report.checks.slow?.error).toMatch(/timed out/);
  });
});
