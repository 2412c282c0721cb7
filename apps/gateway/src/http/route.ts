import type { Operation } from '@voicepulse/contracts';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { requireRole } from './auth';
import { idParam, parseRequest, queryFields } from './params';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What the declared schemas made of the request, before the handler runs. */
export interface RouteInput<O extends Operation> {
  /** The `:id`, checked before anything else is parsed (see idParam). */
  id: O['path'] extends `${string}:id${string}` ? string : undefined;
  query: Parsed<O['query']>;
  body: Parsed<O['body']>;
}

export type RouteHandler<O extends Operation> = (req: Request, res: Response, input: RouteInput<O>) => Promise<void> | void;

/**
 * Registers an operation's Express route from its declaration in @voicepulse/contracts: its method
 * and path, the admin check it declares, and validation of its query and JSON body with the
 * declared zod schemas (a failure is the RequestValidationError 400 of errors.ts). `before` runs first (body
 * parsers, loopback checks), so the body schema sees the parsed body. The `:id` is checked first,
 * so a malformed id is a 404 whatever the body, like any unknown id; 404 messages name the
 * resource the path starts with (`/prompts/:id` → "prompt not found").
 */
export function route<O extends Operation>(
  router: Router,
  op: O,
  before: RequestHandler[],
  handler: RouteHandler<O>,
): void {
  const handlers: RequestHandler[] = [...(op.access === 'admin' ? [requireRole('admin')] : []), ...before];
  const resource = op.path.split('/')[1]!.replace(/s$/, '');
  const hasId = op.path.includes(':id');
  router[op.method](op.path, ...handlers, async (req, res) => {
    const input = {
      id: hasId ? idParam(req, resource) : undefined,
      query: op.query ? parseRequest(op.query, queryFields(req.query)) : undefined,
      body: op.body ? parseRequest(op.body, req.body ?? {}) : undefined,
    } as RouteInput<O>;
    await handler(req, res, input);
  });
}
