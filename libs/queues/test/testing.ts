import { createLogger, type Logger } from '@voicepulse/logger';
import { deleteRedisPrefix, testRedisUrl, uniquePrefix } from '@voicepulse/testing';
import { createRedis } from '../src';

/**
 * What a suite on real queues needs: a prefix of its own on the test Redis (so parallel suites never
 * share a queue), a producer and a worker connection as the services open them, and a silent
 * logger. `close` ends both connections and deletes every key under the prefix.
 */
export interface QueueTestKit {
  prefix: string;
  producerConn: ReturnType<typeof createRedis>;
  workerConn: ReturnType<typeof createRedis>;
  logger: Logger;
  close(): Promise<void>;
}

export function openQueueTestKit(label: string): QueueTestKit {
  const prefix = uniquePrefix(label);
  const producerConn = createRedis(testRedisUrl(), 'producer');
  const workerConn = createRedis(testRedisUrl(), 'worker');
  return {
    prefix,
    producerConn,
    workerConn,
    logger: createLogger({ service: 'test', level: 'silent' }),
    async close() {
      producerConn.disconnect();
      workerConn.disconnect();
      await deleteRedisPrefix(prefix);
    },
  };
}
