import {
  devTokenRequestSchema,
  devTokenResponseSchema,
  directUploadRequestSchema,
  directUploadResponseSchema,
  errorBodySchema,
  metricEventSchema,
  metricsIngestResponseSchema,
  metricsSummarySchema,
  recordingListSchema,
  recordingViewSchema,
  uploadAcceptedSchema,
} from '@voicepulse/contracts';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const errors = {
  '400': { description: 'Invalid input', content: json(errorBodySchema) },
  '401': { description: 'Missing or invalid token', content: json(errorBodySchema) },
  '404': { description: 'Not found (or not yours)', content: json(errorBodySchema) },
};

/** Generated from the same zod contracts the handlers validate with, so it cannot drift. */
export function buildOpenApi(version: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'voicepulse API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/recordings': {
        post: {
          summary: 'Upload a recording (multipart `file` part, or a raw audio body with metadata in the query)',
          requestBody: {
            content: {
              'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } },
              'audio/*': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            '202': { description: 'Accepted', content: json(uploadAcceptedSchema) },
            '413': { description: 'Too large', content: json(errorBodySchema) },
            '415': { description: 'Not audio', content: json(errorBodySchema) },
            ...errors,
          },
        },
        get: { summary: 'List own recordings, newest first', responses: { '200': { description: 'Page', content: json(recordingListSchema) }, ...errors } },
      },
      '/v1/recordings/{id}': {
        get: { summary: 'One recording with its analysis', responses: { '200': { description: 'Recording', content: json(recordingViewSchema) }, ...errors } },
        delete: { summary: 'Delete blobs, rows and pending jobs', responses: { '204': { description: 'Deleted' }, ...errors } },
      },
      '/v1/recordings/{id}/events': { get: { summary: 'Server-Sent Events, one per status change', responses: { '200': { description: 'text/event-stream' }, ...errors } } },
      '/v1/recordings/{id}/audio': { get: { summary: 'Redirect to (or stream) the original or normalized audio', responses: { '302': { description: 'Signed URL' }, '200': { description: 'Audio' }, ...errors } } },
      '/v1/uploads': {
        post: {
          summary: 'Start a direct-to-bucket upload',
          requestBody: { content: json(directUploadRequestSchema) },
          responses: { '201': { description: 'Signed upload URL', content: json(directUploadResponseSchema) }, ...errors },
        },
      },
      '/v1/uploads/{id}/complete': { post: { summary: 'Confirm a direct upload', responses: { '202': { description: 'Accepted', content: json(uploadAcceptedSchema) }, ...errors } } },
      '/v1/metrics': {
        post: {
          summary: 'Ingest metric events (one, {events:[…]}, or NDJSON)',
          requestBody: { content: json(z.union([metricEventSchema, z.object({ events: z.array(metricEventSchema) })])) },
          responses: { '202': { description: 'Accepted', content: json(metricsIngestResponseSchema) }, ...errors },
        },
      },
      '/v1/metrics/summary': { get: { summary: 'Time series and totals', responses: { '200': { description: 'Summary', content: json(metricsSummarySchema) }, ...errors } } },
      '/v1/dev/token': {
        post: {
          summary: 'Mint a local token (only when AUTH_DEV_TOKENS=true)',
          security: [],
          requestBody: { content: json(devTokenRequestSchema) },
          responses: { '200': { description: 'Token', content: json(devTokenResponseSchema) } },
        },
      },
    },
  };
}
