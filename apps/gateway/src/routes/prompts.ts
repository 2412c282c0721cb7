import { operations } from '@voicepulse/contracts';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { HttpError, notFound } from '../http/errors';
import { route } from '../http/route';

/**
 * Emotion-corpus prompts. Speakers only ever see `GET /prompts/next`; managing the prompt set is
 * an admin task because it defines the dataset's labels.
 */
export function promptsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  const repo = deps.prompts;

  // Declared before `/prompts/:id` so "next" is never taken for an id.
  route(router, operations.nextPrompt, [], async (req, res) => {
    const next = await repo.next(authOf(req).userId);
    if (!next) throw new HttpError(404, 'no_prompts', 'there are no active prompts to record yet');
    res.json(next);
  });

  route(router, operations.listPrompts, [], async (_req, res, { query: q }) => {
    const page = await repo.list(q);
    res.json(page);
  });

  route(router, operations.createPrompt, [controlJson], async (req, res, { body }) => {
    const prompt = await repo.create({ ...body, createdBy: authOf(req).userId });
    res.status(201).location(`/v1/prompts/${prompt.id}`).json(prompt);
  });

  route(router, operations.getPrompt, [], async (_req, res, { id }) => {
    const prompt = await repo.get(id);
    if (!prompt) throw notFound('prompt');
    res.json(prompt);
  });

  route(router, operations.updatePrompt, [controlJson], async (_req, res, { id, body: patch }) => {
    const prompt = await repo.update(id, patch);
    if (!prompt) throw notFound('prompt');
    res.json(prompt);
  });

  route(router, operations.deletePrompt, [], async (_req, res, { id }) => {
    const outcome = await repo.delete(id);
    if (outcome === 'not_found') throw notFound('prompt');
    if (outcome === 'in_use') {
      throw new HttpError(
        409,
        'prompt_in_use',
        'recordings were made for this prompt; deactivate it instead of deleting it',
      );
    }
    res.status(204).end();
  });

  return router;
}
