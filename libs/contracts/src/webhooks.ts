import { z } from 'zod';

/**
 * Webhook events, one per terminal recording status. Named `recording.<status>` so further
 * resources can add their own events without clashing.
 */
export const WEBHOOK_EVENTS = ['recording.scored', 'recording.failed'] as const;
export const webhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** The terminal statuses a delivery reports; `recording.<status>` is its event. */
export const webhookStatusSchema = z.enum(['scored', 'failed']);
export type WebhookStatus = z.infer<typeof webhookStatusSchema>;
export const webhookEventOf = (status: WebhookStatus): WebhookEvent => `recording.${status}`;

/**
 * Headers the delivery itself sets (or HTTP owns): a custom auth header may not replace them, or it
 * could forge the signature header or break framing.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'user-agent',
  'te',
  'upgrade',
  'expect',
]);

export const webhookAuthHeaderSchema = z.strictObject({
  /** An HTTP header name (RFC 9110 token). */
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
    .refine(
      (n) => !RESERVED_HEADERS.has(n.toLowerCase()) && !n.toLowerCase().startsWith('voicepulse-'),
      'this header is set by the delivery itself',
    ),
  /** Sent verbatim; stored like a secret and never returned or logged. */
  value: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[\t\x20-\x7e]+$/, 'printable ASCII only'),
});

export const webhookCreateSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .max(2048)
    .refine((u) => !new URL(u).username && !new URL(u).password, 'credentials in the URL are not allowed; use authHeader'),
  events: z
    .array(webhookEventSchema)
    .min(1, 'subscribe to at least one event')
    .transform((list) => [...new Set(list)]),
  authHeader: webhookAuthHeaderSchema.optional(),
});
export type WebhookCreate = z.input<typeof webhookCreateSchema>;

/** An endpoint as the API shows it: never its secret or its auth header's value. */
export const webhookEndpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(webhookEventSchema),
  authHeaderName: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

/** The creation response: the signing secret is shown this once. */
export const webhookCreatedSchema = webhookEndpointSchema.extend({
  secret: z.string().describe('HMAC-SHA256 signing secret; returned only in this response'),
});

export const webhookListSchema = z.object({ items: z.array(webhookEndpointSchema) });

/**
 * The body POSTed to an endpoint: a notification only, the receiver fetches the result with
 * `GET /v1/recordings/{recordingId}`. The same `eventId` is sent on every attempt of an event.
 */
export const webhookDeliveryBodySchema = z.object({
  recordingId: z.uuid(),
  status: webhookStatusSchema,
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
});
export type WebhookDeliveryBody = z.infer<typeof webhookDeliveryBodySchema>;
