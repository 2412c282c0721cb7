import type { WebhookDeliveryBody } from '@voicepulse/contracts';
import { PermanentJobError, type JobContext, type WebhookJob } from '@voicepulse/queues';
import { prom, type Registry } from '@voicepulse/runtime';
import { checkDestination, DestinationRefusedError, type DestinationPolicy } from './destination';
import { postOnce } from './http-post';
import type { WebhookEndpointsRepository } from './repository';
import { EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from './signing';

/** The receiver's budget to answer, from the connection attempt to the response status. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type DeliveryOutcome = 'delivered' | 'retry' | 'exhausted' | 'rejected' | 'refused' | 'endpoint_gone';

export interface DeliveryDeps {
  endpoints: WebhookEndpointsRepository;
  policy: DestinationPolicy;
  /** Defaults to DELIVERY_TIMEOUT_MS; shorter only in tests. */
  timeoutMs?: number;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  now?: () => Date;
}

/** Prometheus counter of delivery attempts by outcome, for `onOutcome`. */
export function deliveryCounter(registry: Registry): (outcome: DeliveryOutcome) => void {
  const counter = new prom.Counter({
    name: 'voicepulse_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (exhausted = last attempt failed, now in the failed set)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return (outcome) => counter.inc({ outcome });
}

/** A status that says retrying will not help: the receiver understood and refused. */
const isFinalRefusal = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * The webhooks queue's handler: one signed POST per attempt. 2xx completes the job; a 4xx other
 * than 408/429 (and a destination the policy refuses) fails it at once; anything else — 5xx,
 * 408, 429, 3xx, timeouts, connection errors — throws, so BullMQ retries with backoff until the
 * attempts run out and the job lands in the failed set.
 */
export function webhookDeliveryHandler(deps: DeliveryDeps) {
  const timeoutMs = deps.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const now = deps.now ?? (() => new Date());
  const report = deps.onOutcome ?? (() => undefined);
  return async (job: WebhookJob, ctx: JobContext): Promise<void> => {
    const endpoint = await deps.endpoints.get(job.endpointId);
    if (!endpoint) {
      report('endpoint_gone');
      ctx.logger.info({ endpointId: job.endpointId }, 'webhook endpoint was deleted; nothing to deliver');
      return;
    }
    const payload: WebhookDeliveryBody = {
      recordingId: job.recordingId,
      status: job.status,
      eventId: job.eventId,
      occurredAt: job.occurredAt,
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'voicepulse-webhooks/1',
      [EVENT_ID_HEADER]: job.eventId,
      [EVENT_HEADER]: `recording.${job.status}`,
      // Signed per attempt: a retry an hour later must still be inside the receiver's replay window.
      [SIGNATURE_HEADER]: signWebhook(endpoint.secret, body, Math.floor(now().getTime() / 1000)),
    };
    if (endpoint.authHeaderName && endpoint.authHeaderValue)
      headers[endpoint.authHeaderName] = endpoint.authHeaderValue;

    let status: number;
    try {
      // Checked again at every attempt: the name may resolve elsewhere than at registration.
      const dest = await checkDestination(endpoint.url, deps.policy);
      status = await postOnce(dest, body, headers, timeoutMs);
    } catch (err) {
      if (err instanceof DestinationRefusedError) {
        report('refused');
        throw new PermanentJobError(err.message, 'destination_refused');
      }
      report(ctx.isFinalAttempt ? 'exhausted' : 'retry');
      throw err;
    }
    const log = { endpointId: endpoint.id, eventId: job.eventId, status };
    if (status >= 200 && status < 300) {
      report('delivered');
      ctx.logger.info(log, 'webhook delivered');
      return;
    }
    if (isFinalRefusal(status)) {
      report('rejected');
      throw new PermanentJobError(`receiver answered ${status}`, 'receiver_rejected');
    }
    report(ctx.isFinalAttempt ? 'exhausted' : 'retry');
    throw new Error(`receiver answered ${status}`);
  };
}
