import { prom, type Registry } from '@voicepulse/runtime';
import type { JobInspector } from './inspect';
import type { QueueName } from './names';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Queue depth per queue and state, read from Redis when Prometheus scrapes (no polling loop). A
 * scrape during a Redis outage reports no queue series rather than stale numbers or a hung scrape.
 */
export function registerQueueGauges(registry: Registry, inspector: JobInspector, queues: QueueName[], timeoutMs = 1_000): void {
  new prom.Gauge({
    name: 'voicepulse_queue_jobs',
    help: 'Jobs per queue and state (waiting includes prioritized)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      let timer: NodeJS.Timeout | undefined;
      try {
        const counts = await Promise.race([
          inspector.counts(queues),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('queue counts timed out')), timeoutMs);
          }),
        ]);
        for (const c of counts) for (const state of STATES) this.set({ queue: c.queue, state }, c[state]);
      } catch {
        // Readiness reports the outage; the gauge simply has no samples for this scrape.
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
