import { webhookEventOf, webhookStatusSchema, type RecordingStatus, type WebhookStatus } from '@voicepulse/contracts';
import { jobIds, type Producer } from '@voicepulse/queues';
import type { JobsOptions } from 'bullmq';
import { createHash } from 'node:crypto';
import type { WebhookEndpointsRepository } from './repository';

/** What the fan-out reads of a recording row. */
export interface FinishedRecording {
  id: string;
  userId: string;
  status: RecordingStatus;
  updatedAt: Date;
  correlationId: string | null;
}

/**
 * The event's id, derived from what happened (this recording reached this status) so every
 * attempt, every re-run of the stage and every endpoint see the same one. Shaped as a UUID
 * (version 8: custom) so it fits wherever ids are UUIDs.
 */
export function webhookEventId(recordingId: string, status: WebhookStatus): string {
  const h = createHash('sha256').update(`${recordingId}.${status}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Enqueues one delivery per subscribed endpoint once a recording's terminal status is in Postgres.
 * Job ids are deterministic, so a stage that runs again (a crash after saving, a retried job)
 * adds nothing while BullMQ still keeps the first deliveries (queue retention, settings.ts).
 */
export class WebhookFanout {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly producer: Producer<'webhooks'>,
    /** Retry settings of the queue, replaceable so tests need not wait for real backoff. */
    private readonly jobOptions: Pick<JobsOptions, 'attempts' | 'backoff'> = {},
  ) {}

  async recordingFinished(row: FinishedRecording): Promise<number> {
    const status = webhookStatusSchema.safeParse(row.status);
    if (!status.success) return 0;
    const targets = await this.endpoints.subscribed(row.userId, webhookEventOf(status.data));
    const eventId = webhookEventId(row.id, status.data);
    for (const endpoint of targets) {
      await this.producer.add(
        {
          endpointId: endpoint.id,
          recordingId: row.id,
          status: status.data,
          eventId,
          occurredAt: row.updatedAt.toISOString(),
          correlationId: row.correlationId ?? `recording.${row.id}`,
        },
        { jobId: jobIds.webhook(row.id, status.data, endpoint.id), ...this.jobOptions },
      );
    }
    return targets.length;
  }
}
