/** Every queue in the system. Job payloads for each are in payloads.ts; one handler per queue. */
export const QUEUES = {
  /** gateway → transcoder: an original upload to turn into canonical 16 kHz mono WAV. */
  transcode: 'transcode',
  /** transcoder → scorer: canonical audio ready for VAD and sentiment. */
  score: 'score',
  /** gateway and scorer → ingestor: batches of metric events. */
  metrics: 'metrics',
  /** scheduled housekeeping run by the ingestor (partitions, retention). */
  maintenance: 'maintenance',
  /** scheduled recording housekeeping run by the transcoder (stuck recordings, expired direct uploads). */
  housekeeping: 'housekeeping',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES = Object.values(QUEUES) as QueueName[];
