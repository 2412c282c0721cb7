import { createProducer, type Producer, type QueueName } from '@voicepulse/queues';
import type { Redis } from 'ioredis';

/**
 * Producers for the queues a manifest declares produced, and nothing else: the type forbids
 * another queue; the check stops a cast from making the manifest's produces list a lie.
 */
export function declaredProducers<P extends QueueName>(
  manifest: { name: string; produces: readonly P[] },
  redis: Redis,
  prefix: string,
): { producer: <Q extends P>(queue: Q) => Producer<Q>; close: () => Promise<void> } {
  const made: { close(): Promise<void> }[] = [];
  return {
    producer: (queue) => {
      if (!(manifest.produces as readonly string[]).includes(queue))
        throw new Error(`${manifest.name} does not produce ${queue}`);
      const p = createProducer(queue, redis, prefix);
      made.push(p);
      return p;
    },
    close: async () => void (await Promise.all(made.map((p) => p.close()))),
  };
}
