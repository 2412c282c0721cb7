import type { Operation } from '@voicepulse/contracts';
import { EventsRejectedError, SessionAccessError, SessionWritesRefusedError } from '@voicepulse/ingest';
import { createLogger } from '@voicepulse/logger';
import { QueueUnavailableError } from '@voicepulse/queues';
import express, { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler } from '../src/http/errors';
import { route } from '../src/http/route';

/** A stored value the server itself checks, as the recording view parses a stored channel layout. */
const storedSchema = z.enum(['split', 'mono']);

const probe = {
  method: 'get',
  path: '/probe',
  summary: 'probe',
  access: 'public',
  query: z.strictObject({ n: z.coerce.number().int().min(1), stored: z.string().optional() }),
  responses: { '200': 'ok' },
} as const satisfies Operation;

function app(thrown?: Error) {
  const router = Router();
  router.get('/throws', () => {
    throw thrown;
  });
  route(router, probe, [], (_req, res, { query }) => {
    // A server-side check of data the client did not send: its ZodError is a bug of ours.
    if (query.stored !== undefined) storedSchema.parse(query.stored);
    res.json({ n: query.n });
  });
  const a = express();
  a.set('query parser', 'simple');
  a.use(router);
  a.use(errorHandler(createLogger({ service: 'errors-test', level: 'silent' })));
  return a;
}

describe('validation errors', () => {
  it('answers a request that fails its declared schema with 400 invalid_request and the field issues', async () => {
    const res = await request(app()).get('/probe?n=0');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details).toEqual([{ path: 'n', message: expect.any(String) }]);
  });

  it('answers a ZodError raised by server-side code with 500 internal, not a client error', async () => {
    const ok = await request(app()).get('/probe?n=1&stored=split');
    expect(ok.status).toBe(200);
    const res = await request(app()).get('/probe?n=1&stored=stereo');
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'internal', message: 'internal error' });
  });
});

describe('typed library errors', () => {
  it.each([
    [
      new EventsRejectedError([{ index: 0, errors: [{ path: 'x', message: 'bad' }] }]),
      400,
      {
        code: 'invalid_events',
        message: 'every event was rejected',
        details: { accepted: 0, rejected: [{ index: 0, errors: [{ path: 'x', message: 'bad' }] }] },
      },
    ],
    // The session is the one the URL names: nothing to add to it.
    [new SessionAccessError(['s1']), 404, { code: 'not_found', message: 'session not found' }],
    [
      new SessionWritesRefusedError(['s1', 's2']),
      404,
      { code: 'not_found', message: 'session not found', details: { sessionIds: ['s1', 's2'] } },
    ],
    [
      new QueueUnavailableError('the ingestion queue', { cause: new Error('ECONNREFUSED') }),
      503,
      { code: 'unavailable', message: 'the ingestion queue is temporarily unavailable; retry shortly' },
    ],
  ])('maps %o once, by type', async (err, status, body) => {
    const res = await request(app(err)).get('/throws');
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(body);
    if (status === 503) expect(res.headers['retry-after']).toBe('5');
  });
});
