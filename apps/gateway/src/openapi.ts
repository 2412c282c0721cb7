import { API_PREFIX, errorBodySchema, operations, type Operation } from '@voicepulse/contracts';
import { z } from 'zod';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
const errorResponse = (description: string) => ({ description, content: json(errorBodySchema) });

/** Query parameters straight from the zod object the route parses them with. */
function queryParams(s: z.ZodObject) {
  const js = schema(s) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    schema: p,
  }));
}

const accessTokenParam = {
  name: 'access_token',
  in: 'query',
  required: false,
  description: 'The bearer token, for elements that cannot send an Authorization header; refused on every other route',
  schema: { type: 'string' },
};

const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Up to 128 printable ASCII characters, scoped to the caller: a retry with the same key answers with the recording the first attempt made (header Idempotent-Replayed: true) instead of creating another',
  schema: { type: 'string', maxLength: 128 },
};

/** `/recordings/:id` → `/v1/recordings/{id}`. */
export const openApiPath = (path: string) => API_PREFIX + path.replace(/:(\w+)/g, '{$1}');
const pathParams = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/**
 * The statuses an operation can answer: its own declarations, plus those of the middleware every
 * route of its kind passes through — schema validation (400), requireAuth (401), the rate limiter
 * (429), requireRole (403) and idParam's unknown-or-malformed id (404). An operation's own entry
 * for the same status wins (it says more).
 */
export function documentedResponses(op: Operation) {
  const shared: Record<string, string> = {
    '400': 'Invalid input',
    ...(op.access === 'public' ? {} : { '401': 'Missing or invalid token', '429': 'Rate limited' }),
    ...(op.access === 'admin' ? { '403': 'Not an admin' } : {}),
    ...(pathParams(op.path).length ? { '404': 'Not found (or not yours)' } : {}),
  };
  return { ...shared, ...op.responses };
}

function operationObject(op: Operation) {
  const responses = Object.entries(documentedResponses(op)).sort(([a], [b]) => a.localeCompare(b));
  return {
    summary: op.access === 'admin' ? `${op.summary} (admin)` : op.summary,
    ...(op.access === 'public' ? { security: [] } : {}),
    parameters: [
      ...pathParams(op.path).map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      })),
      ...(op.query ? queryParams(op.query) : []),
      ...(op.queryToken ? [accessTokenParam] : []),
      ...(op.idempotent ? [idempotencyHeader] : []),
    ],
    ...(op.body || op.bodyContent
      ? { requestBody: { content: { ...(op.body ? json(op.body) : {}), ...op.bodyContent } } }
      : {}),
    responses: Object.fromEntries(
      responses.map(([status, r]) => [
        status,
        typeof r === 'string'
          ? errorResponse(r)
          : {
              description: r.description,
              ...(r.schema ? { content: { [r.mediaType ?? 'application/json']: { schema: schema(r.schema) } } } : {}),
            },
      ]),
    ),
  };
}

/** Generated from the operation declarations the routes are registered from, so it cannot drift. */
export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of Object.values(operations) as Operation[]) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op);
  return {
    openapi: '3.1.0',
    info: { title: 'voicepulse API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
