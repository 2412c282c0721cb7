import { z } from 'zod';
import { devTokenRequestSchema, devTokenResponseSchema, userIdSchema } from './auth';
import {
  legacyMetricEventExample,
  metricEventExample,
  metricEventSchema,
  metricsIngestResponseSchema,
  metricsSummaryQuerySchema,
  metricsSummarySchema,
} from './metrics';
import {
  corpusExportQuerySchema,
  nextPromptSchema,
  promptCreateSchema,
  promptListQuerySchema,
  promptListSchema,
  promptSchema,
  promptUpdateSchema,
} from './prompts';
import {
  directUploadRequestSchema,
  directUploadResponseSchema,
  recordingAudioQuerySchema,
  recordingListQuerySchema,
  recordingListSchema,
  recordingMetadataSchema,
  recordingViewSchema,
  uploadAcceptedSchema,
} from './recordings';
import {
  metricEventsPageSchema,
  metricEventsQuerySchema,
  metricsExportQuerySchema,
  sessionDetailSchema,
  sessionEventsRequestSchema,
  sessionEventsResponseSchema,
  sessionsInPeriodPageSchema,
  sessionsInPeriodQuerySchema,
} from './sessions';
import { webhookCreatedSchema, webhookCreateSchema, webhookListSchema } from './webhooks';

/**
 * Every public HTTP operation, declared once: the gateway registers its Express route from the
 * declaration (method, path, the zod schemas it validates input with) and the OpenAPI document is
 * generated from the same list, so a status a route sends or a parameter it reads cannot drift
 * from what is documented. Paths are relative to API_PREFIX, in Express syntax (`:id`).
 *
 * Adding a route: one entry here, `route(router, operations.name, [middleware], handler)` in the
 * gateway, and a probe in apps/gateway/test/openapi.test.ts (which fails, naming it, until there is one).
 */
export const API_PREFIX = '/v1';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A success response; error responses are a description only (their body is always errorBodySchema). */
export interface SuccessResponse {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  mediaType?: string;
}

/** A named example of a request body, as OpenAPI's `examples` shows it. */
export interface BodyExample {
  summary: string;
  value: unknown;
}

export interface Operation {
  method: HttpMethod;
  path: string;
  summary: string;
  /** public: no token; user: any token; admin: the admin role (403 otherwise). */
  access: 'public' | 'user' | 'admin';
  query?: z.ZodObject;
  /** The JSON body the route validates. */
  body?: z.ZodType;
  /** A body that is not one JSON schema (multipart, raw audio, NDJSON): documented as JSON Schema by media type. */
  bodyContent?: Record<string, { schema: unknown; examples?: Record<string, BodyExample> }>;
  /** Accepts ?access_token= (GET routes a browser loads by URL: EventSource, <audio>, a download link). */
  queryToken?: boolean;
  /** Accepts an Idempotency-Key header. */
  idempotent?: boolean;
  /** Status → response. The gateway adds the statuses its shared middleware answers (see openapi.ts). */
  responses: Record<string, SuccessResponse | string>;
}

const operation = <const O extends Operation>(o: O): O => o;

/** Reads take a foreign `userId` from admins only (ingest tokens are write-only). */
const FOREIGN_USER = { '403': 'userId names another user and the token is not an admin' } as const;
const QUOTA_429 =
  'Rate limited, or `pipeline_quota_exceeded`: MAX_RECORDINGS_IN_FLIGHT_PER_USER recordings are in the pipeline; retry after Retry-After';

const multipartAudio = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', format: 'binary' },
    ...(z.toJSONSchema(recordingMetadataSchema, { io: 'input' }) as { properties: object }).properties,
  },
};

export const sessionMemberRequestSchema = z.strictObject({ userId: userIdSchema });

export const operations = {
  devToken: operation({
    method: 'post',
    path: '/dev/token',
    summary:
      'Mint a local token (only when AUTH_DEV_TOKENS=true, never in production; loopback callers only; role `user` unless AUTH_DEV_TOKEN_ROLES allows more)',
    access: 'public',
    body: devTokenRequestSchema,
    responses: {
      '200': { description: 'Token', schema: devTokenResponseSchema },
      '403': 'Not a loopback caller (forbidden), or a role AUTH_DEV_TOKEN_ROLES does not allow (role_not_allowed)',
    },
  }),
  uploadRecording: operation({
    method: 'post',
    path: '/recordings',
    summary: 'Upload a recording (multipart `file` part, or a raw audio body with the metadata as query parameters)',
    access: 'user',
    bodyContent: {
      'multipart/form-data': { schema: multipartAudio },
      'audio/*': { schema: { type: 'string', format: 'binary' } },
    },
    idempotent: true,
    responses: {
      '202': { description: 'Accepted; processing continues asynchronously', schema: uploadAcceptedSchema },
      '404': 'The sessionId names a session the caller was not admitted to',
      '413': 'Larger than MAX_UPLOAD_BYTES',
      '415': 'Not a recognised audio format',
      '429': QUOTA_429,
      '503': 'Storage unavailable; retry',
    },
  }),
  listRecordings: operation({
    method: 'get',
    path: '/recordings',
    summary: 'Own recordings, newest first',
    access: 'user',
    query: recordingListQuerySchema,
    responses: { '200': { description: 'One page', schema: recordingListSchema }, ...FOREIGN_USER },
  }),
  getRecording: operation({
    method: 'get',
    path: '/recordings/:id',
    summary: 'One recording with its analysis',
    access: 'user',
    responses: { '200': { description: 'Recording', schema: recordingViewSchema } },
  }),
  deleteRecording: operation({
    method: 'delete',
    path: '/recordings/:id',
    summary: 'Delete the blobs, rows and pending jobs',
    access: 'user',
    responses: { '204': { description: 'Deleted' } },
  }),
  recordingEvents: operation({
    method: 'get',
    path: '/recordings/:id/events',
    summary:
      'Server-Sent Events (`status`), one per status change; closes at scored/failed, after SSE_MAX_LIFETIME_S, and at shutdown (EventSource reconnects)',
    access: 'user',
    queryToken: true,
    responses: {
      '200': { description: 'The status stream', schema: z.string(), mediaType: 'text/event-stream' },
      '429': 'Rate limited, or SSE_STREAMS_PER_USER streams already open for this user',
    },
  }),
  recordingAudio: operation({
    method: 'get',
    path: '/recordings/:id/audio',
    summary: 'The original or normalized audio: a redirect to a signed URL, or a stream (fs store)',
    access: 'user',
    queryToken: true,
    query: recordingAudioQuerySchema,
    responses: {
      '200': { description: 'The audio itself (fs store)', schema: z.string(), mediaType: 'audio/*' },
      '302': { description: 'Signed URL (object stores)' },
      '409': 'Normalized audio not ready',
    },
  }),
  startUpload: operation({
    method: 'post',
    path: '/uploads',
    summary: 'Start a direct-to-bucket upload: the URL writes a staging key and only a body of exactly sizeBytes',
    access: 'user',
    body: directUploadRequestSchema,
    idempotent: true,
    responses: {
      '201': { description: 'Signed upload URL (≤ 15 min); send `headers` verbatim', schema: directUploadResponseSchema },
      '404': 'The sessionId names a session the caller was not admitted to',
      '409': 'Idempotency-Key already used by a completed upload',
      '413': 'Declared size too large',
      '429': 'Too many pending direct uploads, rate limited, or `pipeline_quota_exceeded` (Retry-After)',
    },
  }),
  completeUpload: operation({
    method: 'post',
    path: '/uploads/:id/complete',
    summary:
      'Confirm a direct upload: moved to its immutable key, sized and sniffed, then queued (the transcoder records its sha256)',
    access: 'user',
    responses: {
      '202': { description: 'Accepted', schema: uploadAcceptedSchema },
      '400': 'Empty, or not the declared size',
      '404': 'Unknown or expired upload',
      '409': 'Nothing uploaded yet',
      '415': 'Not audio',
      '429': QUOTA_429,
      '503': 'Database, storage or queue unavailable; retry (an outage is never a 404)',
    },
  }),
  ingestMetrics: operation({
    method: 'post',
    path: '/metrics',
    summary: 'Ingest call metrics: one event, {"events":[…]} (≤ 5,000) or NDJSON; legacy snake_case accepted',
    access: 'user',
    bodyContent: {
      'application/json': {
        schema: z.toJSONSchema(z.union([metricEventSchema, z.object({ events: z.array(metricEventSchema) })]), {
          io: 'input',
        }),
        examples: {
          event: { summary: 'One event', value: metricEventExample },
          legacy: { summary: 'One event in the legacy snake_case shape', value: legacyMetricEventExample },
        },
      },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
    responses: {
      '202': { description: 'Accepted once enqueued; rejected events listed by index', schema: metricsIngestResponseSchema },
      '400': 'Invalid input, or JSON nested deeper than the event shape (json_too_deep)',
      '404': 'An event names a session its user was not admitted to (nothing is enqueued)',
      '413': 'Over 1 MiB (user tokens) or 5 MiB (ingest tokens), or over 5,000 events',
      '415': 'Not JSON or NDJSON',
      '503': 'Queue unavailable, or the gateway holds too many request bodies (busy); retry after Retry-After',
    },
  }),
  metricsSummary: operation({
    method: 'get',
    path: '/metrics/summary',
    summary: 'Time series and totals from the daily rollups',
    access: 'user',
    query: metricsSummaryQuerySchema,
    responses: { '200': { description: 'Summary', schema: metricsSummarySchema }, ...FOREIGN_USER },
  }),
  metricEvents: operation({
    method: 'get',
    path: '/metrics/events',
    summary: 'Raw events, keyset-paginated',
    access: 'user',
    query: metricEventsQuerySchema,
    responses: { '200': { description: 'One page', schema: metricEventsPageSchema }, ...FOREIGN_USER },
  }),
  metricSessions: operation({
    method: 'get',
    path: '/metrics/sessions',
    summary:
      'Sessions with activity in the period, most recently active first, keyset-paginated: events, talk time and mean sentiment from the rollups (five-minute resolution)',
    access: 'user',
    query: sessionsInPeriodQuerySchema,
    responses: { '200': { description: 'One page', schema: sessionsInPeriodPageSchema }, ...FOREIGN_USER },
  }),
  metricsExportCsv: operation({
    method: 'get',
    path: '/metrics/export.csv',
    summary:
      'Raw events as CSV, streamed; free-text cells that could run as spreadsheet formulas start with a quote; a reader that stalls for CSV_EXPORT_STALL_S is cut',
    access: 'user',
    query: metricsExportQuerySchema,
    responses: {
      '200': { description: 'CSV', schema: z.string(), mediaType: 'text/csv' },
      ...FOREIGN_USER,
      '503': 'CSV_EXPORTS_MAX exports already running (busy); retry after Retry-After',
    },
  }),
  getSession: operation({
    method: 'get',
    path: '/sessions/:id',
    summary: 'A session: participants, timeline and sentiment (its owner and admitted members only)',
    access: 'user',
    responses: { '200': { description: 'Session', schema: sessionDetailSchema } },
  }),
  appendSessionEvents: operation({
    method: 'post',
    path: '/sessions/:id/events',
    summary:
      'Append join/leave/mute/unmute/device-change events to a session timeline; an unused id creates a session you own, another’s session needs admission',
    access: 'user',
    body: sessionEventsRequestSchema,
    // Written synchronously (no queue), so the answer is a plain 200 with the counts.
    responses: { '200': { description: 'Recorded', schema: sessionEventsResponseSchema } },
  }),
  admitSessionMember: operation({
    method: 'post',
    path: '/sessions/:id/members',
    summary: 'Admit a user to a session (its owner or an admin): they may then read it and write to it',
    access: 'user',
    body: sessionMemberRequestSchema,
    responses: { '204': { description: 'Admitted (idempotent)' } },
  }),
  nextPrompt: operation({
    method: 'get',
    path: '/prompts/next',
    summary: 'The prompt × emotion this speaker should record next',
    access: 'user',
    responses: {
      '200': { description: 'Prompt', schema: nextPromptSchema },
      '404': 'There are no active prompts yet (no_prompts)',
    },
  }),
  listPrompts: operation({
    method: 'get',
    path: '/prompts',
    summary: 'Emotion-corpus prompts',
    access: 'admin',
    query: promptListQuerySchema,
    responses: { '200': { description: 'One page', schema: promptListSchema } },
  }),
  createPrompt: operation({
    method: 'post',
    path: '/prompts',
    summary: 'Create a prompt',
    access: 'admin',
    body: promptCreateSchema,
    responses: { '201': { description: 'Created', schema: promptSchema } },
  }),
  getPrompt: operation({
    method: 'get',
    path: '/prompts/:id',
    summary: 'One prompt',
    access: 'admin',
    responses: { '200': { description: 'Prompt', schema: promptSchema } },
  }),
  updatePrompt: operation({
    method: 'patch',
    path: '/prompts/:id',
    summary: 'Update a prompt',
    access: 'admin',
    body: promptUpdateSchema,
    responses: { '200': { description: 'Updated', schema: promptSchema } },
  }),
  deletePrompt: operation({
    method: 'delete',
    path: '/prompts/:id',
    summary: 'Delete a prompt without takes',
    access: 'admin',
    responses: { '204': { description: 'Deleted' }, '409': 'The prompt has recordings' },
  }),
  corpusExport: operation({
    method: 'get',
    path: '/corpus/export',
    summary: 'The labelled corpus: JSONL manifest or a streamed .tar.gz with audio',
    access: 'admin',
    queryToken: true,
    query: corpusExportQuerySchema,
    responses: {
      '200': { description: 'application/x-ndjson or application/gzip', schema: z.string(), mediaType: 'application/octet-stream' },
    },
  }),
  createWebhook: operation({
    method: 'post',
    path: '/webhooks',
    summary:
      'Register a webhook endpoint: signed POSTs on recording.scored / recording.failed (docs/webhooks.md); the secret is returned only here',
    access: 'user',
    body: webhookCreateSchema,
    responses: {
      '201': { description: 'Registered', schema: webhookCreatedSchema },
      '403': 'Service (ingest) tokens own no webhooks',
      '409': '`webhook_limit_reached`: the user has 10 endpoints already',
      '422': '`webhook_destination_refused`: the URL resolves to a private, loopback, link-local or metadata address',
    },
  }),
  listWebhooks: operation({
    method: 'get',
    path: '/webhooks',
    summary: "The caller's webhook endpoints (no secrets)",
    access: 'user',
    responses: {
      '200': { description: 'Endpoints', schema: webhookListSchema },
      '403': 'Service (ingest) tokens own no webhooks',
    },
  }),
  deleteWebhook: operation({
    method: 'delete',
    path: '/webhooks/:id',
    summary: 'Delete a webhook endpoint; deliveries still queued for it are dropped',
    access: 'user',
    responses: { '204': { description: 'Deleted' }, '403': 'Service (ingest) tokens own no webhooks' },
  }),
} satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;
