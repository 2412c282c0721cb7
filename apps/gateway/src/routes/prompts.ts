import { promptCreateSchema, promptListQuerySchema, promptUpdateSchema } from '@voicepulse/contracts';
import { PromptsRepository } from '@voicepulse/recordings';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf, requireRole } from '../http/auth';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { HttpError, notFound } from '../http/errors';
import { idParam } from '../http/params';

/**
 * Emotion-corpus prompts. Speakers only ever see `GET /prompts/next`; managing the prompt set is
 * an admin task because it defines the dataset's labels.
 */
export function promptsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);
  const repo = new PromptsRepository(deps.database.db);
  const admin = requireRole('admin');

  // Declared before `/prompts/:id` so "next" is never taken for an id.
  router.get('/prompts/next', async (req, res) => {
    const next = await repo.next(authOf(req).userId);
    if (!next) throw new HttpError(404, 'no_prompts', 'there are no active prompts to record yet');
    res.json(next);
  });

  router.get('/prompts', admin, async (req, res) => {
    const { access_token: _token, ...query } = req.query;
    const q = promptListQuerySchema.parse(query);
    const page = await repo.list(q);
    if (page === 'bad_cursor') throw new HttpError(400, 'invalid_cursor', 'cursor is not valid');
    res.json(page);
  });

  router.post('/prompts', admin, controlJson, async (req, res) => {
    const body = promptCreateSchema.parse(req.body);
    const prompt = await repo.create({ ...body, createdBy: authOf(req).userId });
    res.status(201).location(`/v1/prompts/${prompt.id}`).json(prompt);
  });

  router.get('/prompts/:id', admin, async (req, res) => {
    const prompt = await repo.get(idParam(req, 'prompt'));
    if (!prompt) throw notFound('prompt');
    res.json(prompt);
  });

  router.patch('/prompts/:id', admin, controlJson, async (req, res) => {
    const id = idParam(req, 'prompt');
    const patch = promptUpdateSchema.parse(req.body);
    const prompt = await repo.update(id, patch);
    if (!prompt) throw notFound('prompt');
    res.json(prompt);
  });

  router.delete('/prompts/:id', admin, async (req, res) => {
    const outcome = await repo.delete(idParam(req, 'prompt'));
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
