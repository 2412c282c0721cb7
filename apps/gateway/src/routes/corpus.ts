import { operations } from '@voicepulse/contracts';
import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { GatewayDeps } from '../deps';
import { route } from '../http/route';

/** Admin export of the labelled emotion corpus, as a JSONL manifest or a streamed .tar.gz. */
export function corpusRouter(deps: GatewayDeps): Router {
  const router = Router();

  route(router, operations.corpusExport, [], async (req, res, { query }) => {
    const download = deps.corpus.export(query);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.setHeader('content-type', download.contentType);
    res.setHeader('content-disposition', `attachment; filename="${download.fileName}"`);
    try {
      await pipeline(download.body, res);
    } catch (err) {
      // The status line is long gone; a truncated download (no gzip trailer / no final newline) is
      // the only signal left, and pipeline has already destroyed the response to produce it.
      if (!res.headersSent) throw err;
      req.log?.error({ err }, 'corpus export aborted');
    }
  });

  return router;
}
