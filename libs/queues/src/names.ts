/**
 * Every queue in the system. Job payloads for each are in payloads.ts; which service consumes and
 * produces each is declared in the services' manifests (apps/<service>/src/manifest.ts), checked
 * to give every queue exactly one consumer by scripts/services.test.ts.
 */
export const QUEUES = {
  /** an original upload to turn into canonical 16 kHz mono WAV. */
  transcode: 'transcode',
  /** canonical audio ready for VAD and sentiment. */
  score: 'score',
  /** batches of metric events. */
  metrics: 'metrics',
  /** scheduled database housekeeping (partitions, retention). */
  maintenance: 'maintenance',
  /** scheduled recording housekeeping (stuck recordings, expired direct uploads). */
  housekeeping: 'housekeeping',
  /** one webhook delivery (an event to one endpoint). */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES = Object.values(QUEUES) as QueueName[];
