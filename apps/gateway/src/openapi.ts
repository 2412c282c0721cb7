import {
  corpusExportQuerySchema,
  devTokenRequestSchema,
  devTokenResponseSchema,
  directUploadRequestSchema,
  directUploadResponseSchema,
  errorBodySchema,
  metricEventSchema,
  metricEventsPageSchema,
  metricEventsQuerySchema,
  metricsExportQuerySchema,
  metricsIngestResponseSchema,
  metricsSummaryQuerySchema,
  metricsSummarySchema,
  nextPromptSchema,
  promptCreateSchema,
  promptListQuerySchema,
  promptListSchema,
  promptSchema,
  promptUpdateSchema,
  recordingListQuerySchema,
  recordingListSchema,
  recordingMetadataSchema,
  recordingViewSchema,
  sessionDetailSchema,
  sessionEventsRequestSchema,
  sessionEventsResponseSchema,
  uploadAcceptedSchema,
  webhookCreatedSchema,
  webhookCreateSchema,
  webhookListSchema,
} from '@voicepulse/contracts';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const errorResponse = (description: string) => ({ description, content: json(errorBodySchema) });
/** Reads take a foreign `userId` from admins only (ingest tokens are write-only). */
const foreignUser = { '403': 'userId names another user and the token is not an admin' };

/** Query parameters straight from the zod object the handler parses them with. */
function query(s: z.ZodObject) {
  const js = schema(s) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    schema: p,
  }));
}
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }];
/** Only where a browser loads the URL without a header (EventSource, <audio>, a download link). */
const accessTokenParam = {
  name: 'access_token',
  in: 'query',
  required: false,
  description:
    'The bearer token, for elements that cannot send an Authorization header; refused on every other route',
  schema: { type: 'string' },
};

interface Op {
  summary: string;
  ok: [status: string, description: string, body?: z.ZodType, mediaType?: string];
  body?: z.ZodType | Record<string, unknown>;
  query?: z.ZodObject;
  path?: boolean;
  admin?: boolean;
  public?: boolean;
  /** Accepts ?access_token= (GET routes a browser loads by URL). */
  queryToken?: boolean;
  errors?: Record<string, string>;
  /** Accepts an Idempotency-Key header (uploads). */
  idempotent?: boolean;
}

const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Up to 128 printable ASCII characters, scoped to the caller: a retry with the same key answers with the recording the first attempt made (header Idempotent-Replayed: true) instead of creating another',
  schema: { type: 'string', maxLength: 128 },
};

function op(o: Op) {
  const [status, description, body, mediaType] = o.ok;
  return {
    summary: o.admin ? `${o.summary} (admin)` : o.summary,
    ...(o.public ? { security: [] } : {}),
    parameters: [
      ...(o.path ? idParam : []),
      ...(o.query ? query(o.query) : []),
      ...(o.queryToken ? [accessTokenParam] : []),
      ...(o.idempotent ? [idempotencyHeader] : []),
    ],
    ...(o.body ? { requestBody: { content: o.body instanceof z.ZodType ? json(o.body) : o.body } } : {}),
    responses: {
      [status]: {
        description,
        ...(body ? { content: mediaType ? { [mediaType]: { schema: schema(body) } } : json(body) } : {}),
      },
      '400': errorResponse('Invalid input'),
      ...(o.public
        ? {}
        : { '401': errorResponse('Missing or invalid token'), '429': errorResponse('Rate limited') }),
      ...(o.admin ? { '403': errorResponse('Not an admin') } : {}),
      ...(o.path ? { '404': errorResponse('Not found (or not yours)') } : {}),
      ...Object.fromEntries(Object.entries(o.errors ?? {}).map(([s, d]) => [s, errorResponse(d)])),
    },
  };
}

const QUOTA_429 = {
  '429': 'Rate limited, or `pipeline_quota_exceeded`: MAX_RECORDINGS_IN_FLIGHT_PER_USER recordings are in the pipeline; retry after Retry-After',
};

const audioBody = {
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary' },
        ...(schema(recordingMetadataSchema) as { properties: object }).properties,
      },
    },
  },
  'audio/*': { schema: { type: 'string', format: 'binary' } },
};

/** Generated from the same zod contracts the handlers validate with, so it cannot drift. */
export function buildOpenApi(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'voicepulse API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/dev/token': {
        post: op({
          summary:
            'Mint a local token (only when AUTH_DEV_TOKENS=true, never in production; loopback callers only; role `user` unless AUTH_DEV_TOKEN_ROLES allows more)',
          public: true,
          body: devTokenRequestSchema,
          ok: ['200', 'Token', devTokenResponseSchema],
          errors: {
            '403':
              'Not a loopback caller (forbidden), or a role AUTH_DEV_TOKEN_ROLES does not allow (role_not_allowed)',
          },
        }),
      },
      '/v1/recordings': {
        post: op({
          summary:
            'Upload a recording (multipart `file` part, or a raw audio body with the metadata as query parameters)',
          body: audioBody,
          idempotent: true,
          ok: ['202', 'Accepted; processing continues asynchronously', uploadAcceptedSchema],
          errors: {
            '413': 'Larger than MAX_UPLOAD_BYTES',
            '415': 'Not a recognised audio format',
            ...QUOTA_429,
            '503': 'Storage unavailable; retry',
          },
        }),
        get: op({
          summary: 'Own recordings, newest first',
          query: recordingListQuerySchema,
          ok: ['200', 'One page', recordingListSchema],
          errors: foreignUser,
        }),
      },
      '/v1/recordings/{id}': {
        get: op({
          summary: 'One recording with its analysis',
          path: true,
          ok: ['200', 'Recording', recordingViewSchema],
        }),
        delete: op({
          summary: 'Delete the blobs, rows and pending jobs',
          path: true,
          ok: ['204', 'Deleted'],
        }),
      },
      '/v1/recordings/{id}/events': {
        get: op({
          queryToken: true,
          summary:
            'Server-Sent Events (`status`), one per status change; closes at scored/failed, after SSE_MAX_LIFETIME_S, and at shutdown (EventSource reconnects)',
          path: true,
          ok: ['200', 'text/event-stream'],
          errors: { '429': 'Rate limited, or SSE_STREAMS_PER_USER streams already open for this user' },
        }),
      },
      '/v1/recordings/{id}/audio': {
        get: op({
          queryToken: true,
          summary: 'The original or normalized audio: a redirect to a signed URL, or a stream (fs store)',
          path: true,
          ok: ['302', 'Signed URL'],
          errors: { '409': 'Normalized audio not ready' },
        }),
      },
      '/v1/uploads': {
        post: op({
          summary:
            'Start a direct-to-bucket upload: the URL writes a staging key and only a body of exactly sizeBytes',
          body: directUploadRequestSchema,
          idempotent: true,
          ok: ['201', 'Signed upload URL (≤ 15 min); send `headers` verbatim', directUploadResponseSchema],
          errors: {
            '409': 'Idempotency-Key already used by a completed upload',
            '413': 'Declared size too large',
            '429': 'Too many pending direct uploads, rate limited, or `pipeline_quota_exceeded` (Retry-After)',
          },
        }),
      },
      '/v1/uploads/{id}/complete': {
        post: op({
          summary:
            'Confirm a direct upload: moved to its immutable key, sized and sniffed, then queued (the transcoder records its sha256)',
          path: true,
          ok: ['202', 'Accepted', uploadAcceptedSchema],
          errors: {
            '400': 'Empty, or not the declared size',
            '404': 'Unknown or expired upload',
            '409': 'Nothing uploaded yet',
            '415': 'Not audio',
            ...QUOTA_429,
            '503': 'Database, storage or queue unavailable; retry (an outage is never a 404)',
          },
        }),
      },
      '/v1/metrics': {
        post: op({
          summary:
            'Ingest call metrics: one event, {"events":[…]} (≤ 5,000) or NDJSON; legacy snake_case accepted',
          body: {
            ...json(z.union([metricEventSchema, z.object({ events: z.array(metricEventSchema) })])),
            'application/x-ndjson': { schema: { type: 'string' } },
          },
          ok: ['202', 'Accepted once enqueued; rejected events listed by index', metricsIngestResponseSchema],
          errors: {
            '400': 'Invalid input, or JSON nested deeper than the event shape (json_too_deep)',
            '404': 'An event names a session its user was not admitted to (nothing is enqueued)',
            '413': 'Over 1 MiB (user tokens) or 5 MiB (ingest tokens), or over 5,000 events',
            '415': 'Not JSON or NDJSON',
            '503':
              'Queue unavailable, or the gateway holds too many request bodies (busy); retry after Retry-After',
          },
        }),
      },
      '/v1/metrics/summary': {
        get: op({
          summary: 'Time series and totals from the daily rollups',
          query: metricsSummaryQuerySchema,
          ok: ['200', 'Summary', metricsSummarySchema],
          errors: foreignUser,
        }),
      },
      '/v1/metrics/events': {
        get: op({
          summary: 'Raw events, keyset-paginated',
          query: metricEventsQuerySchema,
          ok: ['200', 'One page', metricEventsPageSchema],
          errors: foreignUser,
        }),
      },
      '/v1/metrics/export.csv': {
        get: op({
          summary:
            'Raw events as CSV, streamed; free-text cells that could run as spreadsheet formulas start with a quote; a reader that stalls for CSV_EXPORT_STALL_S is cut',
          query: metricsExportQuerySchema,
          ok: ['200', 'CSV', z.string(), 'text/csv'],
          errors: { ...foreignUser, '503': 'CSV_EXPORTS_MAX exports already running (busy); retry after Retry-After' },
        }),
      },
      '/v1/sessions/{id}': {
        get: op({
          summary: 'A session: participants, timeline and sentiment (its owner and admitted members only)',
          path: true,
          ok: ['200', 'Session', sessionDetailSchema],
        }),
      },
      '/v1/sessions/{id}/events': {
        post: op({
          summary:
            'Append join/leave/mute/unmute/device-change events to a session timeline; an unused id creates a session you own, another’s session needs admission',
          path: true,
          body: sessionEventsRequestSchema,
          ok: ['202', 'Recorded', sessionEventsResponseSchema],
        }),
      },
      '/v1/sessions/{id}/members': {
        post: op({
          summary: 'Admit a user to a session (its owner or an admin): they may then read it and write to it',
          path: true,
          body: z.object({ userId: z.string() }),
          ok: ['204', 'Admitted (idempotent)'],
        }),
      },
      '/v1/prompts': {
        get: op({
          summary: 'Emotion-corpus prompts',
          admin: true,
          query: promptListQuerySchema,
          ok: ['200', 'One page', promptListSchema],
        }),
        post: op({
          summary: 'Create a prompt',
          admin: true,
          body: promptCreateSchema,
          ok: ['201', 'Created', promptSchema],
        }),
      },
      '/v1/prompts/next': {
        get: op({
          summary: 'The prompt × emotion this speaker should record next',
          ok: ['200', 'Prompt', nextPromptSchema],
        }),
      },
      '/v1/prompts/{id}': {
        get: op({ summary: 'One prompt', admin: true, path: true, ok: ['200', 'Prompt', promptSchema] }),
        patch: op({
          summary: 'Update a prompt',
          admin: true,
          path: true,
          body: promptUpdateSchema,
          ok: ['200', 'Updated', promptSchema],
        }),
        delete: op({
          summary: 'Delete a prompt without takes',
          admin: true,
          path: true,
          ok: ['204', 'Deleted'],
          errors: { '409': 'The prompt has recordings' },
        }),
      },
      '/v1/webhooks': {
        post: op({
          summary:
            'Register a webhook endpoint: signed POSTs on recording.scored / recording.failed (docs/webhooks.md); the secret is returned only here',
          body: webhookCreateSchema,
          ok: ['201', 'Registered', webhookCreatedSchema],
          errors: {
            '403': 'Service (ingest) tokens own no webhooks',
            '409': '`webhook_limit_reached`: the user has 10 endpoints already',
            '422': '`webhook_destination_refused`: the URL resolves to a private, loopback, link-local or metadata address',
          },
        }),
        get: op({
          summary: "The caller's webhook endpoints (no secrets)",
          ok: ['200', 'Endpoints', webhookListSchema],
          errors: { '403': 'Service (ingest) tokens own no webhooks' },
        }),
      },
      '/v1/webhooks/{id}': {
        delete: op({
          summary: 'Delete a webhook endpoint; deliveries still queued for it are dropped',
          path: true,
          ok: ['204', 'Deleted'],
          errors: { '403': 'Service (ingest) tokens own no webhooks' },
        }),
      },
      '/v1/corpus/export': {
        get: op({
          queryToken: true,
          summary: 'The labelled corpus: JSONL manifest or a streamed .tar.gz with audio',
          admin: true,
          query: corpusExportQuerySchema,
          ok: ['200', 'application/x-ndjson or application/gzip'],
        }),
      },
    },
  };
}
