import { TERMINAL_STATUSES, operations, statusRank, type RecordingStatusEvent } from '@voicepulse/contracts';
import { jobIds } from '@voicepulse/queues';
import { deleteRecordingBlobs } from '@voicepulse/recordings';
import { Router, type Request, type Response } from 'express';
import type { GatewayDeps } from '../deps';
import { authOf, ownerFilter, readSubject } from '../http/auth';
import { HttpError, notFound } from '../http/errors';
import { REPLAYED_HEADER } from '../http/idempotency';
import { route } from '../http/route';
import { receiverOf, uploadContext } from '../http/upload-request';

export function recordingsRouter(deps: GatewayDeps): Router {
  const router = Router();

  route(router, operations.uploadRecording, [], async (req, res) => {
    const { body, replayed } = await deps.uploads.upload(uploadContext(req, res), receiverOf(req));
    if (replayed) {
      // An earlier request made this recording; a body this one did not need is left to drain.
      req.resume();
      res.set(REPLAYED_HEADER, 'true');
    }
    res.status(202).location(body.links.self).json(body);
  });

  route(router, operations.listRecordings, [], async (req, res, { query: q }) => {
    const owner = readSubject(req, q.userId);
    const page = await deps.recordings.list(owner, { limit: q.limit, cursor: q.cursor });
    res.json(page);
  });

  route(router, operations.getRecording, [], async (req, res, { id }) => {
    const view = await deps.recordings.view(id, ownerFilter(req));
    if (!view) throw notFound('recording');
    res.json(view);
  });

  route(router, operations.recordingEvents, [], async (req, res, { id }) => {
    const owner = ownerFilter(req);
    const row = await deps.recordings.get(id, owner);
    if (!row) throw notFound('recording');
    streamStatus(deps, req, res, id, owner);
  });

  route(router, operations.recordingAudio, [], async (req, res, { id, query: { variant } }) => {
    const row = await deps.recordings.get(id, ownerFilter(req));
    if (!row) throw notFound('recording');
    const key = variant === 'original' ? row.originalKey : row.normalizedKey;
    if (!key) throw new HttpError(409, 'not_ready', 'the normalized audio is not available yet');
    const contentType = variant === 'normalized' ? 'audio/wav' : row.contentType;
    if (deps.store.driver === 'fs') {
      // The fs store has no CDN in front; stream it ourselves with the owner check above.
      const info = await deps.store.head(key);
      res.setHeader('content-type', contentType);
      res.setHeader('content-length', String(info.sizeBytes));
      res.setHeader('cache-control', 'private, max-age=0');
      (await deps.store.get(key)).pipe(res);
      return;
    }
    const signed = await deps.store.signedDownloadUrl(key, {
      expiresInSeconds: deps.config.SIGNED_URL_TTL_S,
      contentType,
    });
    res.redirect(302, signed.url);
  });

  route(router, operations.deleteRecording, [], async (req, res, { id }) => {
    const row = await deps.recordings.get(id, ownerFilter(req));
    if (!row) throw notFound('recording');
    // Pending jobs first so no worker recreates what we are deleting; workers also treat a
    // missing row as "deleted" and finish quietly.
    await deps.producers.transcode.queue.remove(jobIds.transcode(id)).catch(() => 0);
    await deps.recordings.delete(id, null);
    await deleteRecordingBlobs(deps.store, row.userId, id);
    res.status(204).end();
  });

  return router;
}

/** Server-Sent Events: the current state at once, then each change, closing at a terminal state. */
function streamStatus(deps: GatewayDeps, req: Request, res: Response, id: string, owner: string | null) {
  // Admitted before the headers go out, so a refusal is still a JSON 429.
  const release = deps.streams.admit(authOf(req).userId, () => close());
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    // The connection ends with the stream, so a shutdown that ends every stream is not left
    // waiting on their idle keep-alive sockets. EventSource reconnects with a new request anyway.
    connection: 'close',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  let lastRank = -1;
  const send = (e: RecordingStatusEvent) => {
    // The initial row read and live messages can interleave; never report a step backwards.
    const rank = statusRank(e.status);
    if (closed || rank <= lastRank) return;
    lastRank = rank;
    res.write(`event: status\nid: ${Date.now()}\ndata: ${JSON.stringify(e)}\n\n`);
    if (TERMINAL_STATUSES.includes(e.status)) close();
  };
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  const unsubscribe = deps.statusHub.subscribe(id, send);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    release();
    res.end();
  };
  req.on('close', close);
  // Subscribe before reading the row so a change between the two cannot be missed.
  void deps.recordings.get(id, owner).then(
    (row) => {
      if (!row) return close();
      send({
        id,
        status: row.status,
        ...(row.failureCode ? { failure: { code: row.failureCode, message: row.failureMessage ?? '' } } : {}),
        at: row.updatedAt.toISOString(),
      });
    },
    () => close(),
  );
}
