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
  /** transcoder and scorer → transcoder: one webhook delivery (an event to one endpoint). */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES = Object.values(QUEUES) as QueueName[];

/**
 * Which service consumes each queue, declared once. A worker may consume only its own queues and
 * must consume all of them (runWorkerService checks at start-up); the chart's KEDA triggers scale
 * each worker on its first queue (checked against the rendered chart by scripts/shipped-config.test.ts).
 */
export const WORKER_QUEUES = {
  transcoder: ['transcode', 'housekeeping', 'webhooks'],
  scorer: ['score'],
  ingestor: ['metrics', 'maintenance'],
} as const satisfies Record<string, readonly QueueName[]>;
export type WorkerServiceName = keyof typeof WORKER_QUEUES;

/** The one consuming service of every queue; throws at import if a queue has none or two. */
export const QUEUE_CONSUMER: Readonly<Record<QueueName, WorkerServiceName>> = (() => {
  const owner = {} as Record<QueueName, WorkerServiceName>;
  for (const [service, queues] of Object.entries(WORKER_QUEUES) as [WorkerServiceName, readonly QueueName[]][]) {
    for (const q of queues) {
      if (owner[q]) throw new Error(`queue ${q} is consumed by both ${owner[q]} and ${service}`);
      owner[q] = service;
    }
  }
  const orphans = ALL_QUEUES.filter((q) => !owner[q]);
  if (orphans.length) throw new Error(`no service consumes ${orphans.join(', ')}`);
  return owner;
})();

/** A worker's consumers must be exactly the queues declared for it. */
export function consumerMismatch(service: string, consumed: readonly string[]): string | null {
  const declared: readonly string[] = (WORKER_QUEUES as Record<string, readonly string[]>)[service] ?? [];
  const extra = consumed.filter((q) => !declared.includes(q));
  const missing = declared.filter((q) => !consumed.includes(q));
  if (!extra.length && !missing.length) return null;
  return `${service} must consume exactly ${declared.join(', ') || 'no queue'}${extra.length ? `; it also consumes ${extra.join(', ')}` : ''}${missing.length ? `; it does not consume ${missing.join(', ')}` : ''}`;
}
