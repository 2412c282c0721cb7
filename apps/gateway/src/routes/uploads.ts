import { SNIFF_BYTES, sniffFormat, CONTENT_TYPES } from '@voicepulse/audio';
import { directUploadRequestSchema, type DirectUploadResponse } from '@voicepulse/contracts';
import { blobKeys } from '@voicepulse/recordings';
import { NotFoundError } from '@voicepulse/storage';
import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { authOf } from '../http/auth';
import { HttpError, notFound } from '../http/errors';
import { idParam } from '../http/params';
import {
  acceptedBody,
  checkPromptReference,
  enqueueTranscode,
  newRecordingId,
} from '../uploads/ingest-upload';

/**
 * Direct-to-bucket uploads: the browser PUTs large files straight to object storage with a
 * short-lived signed URL, then tells us to take it from there.
 */
export function uploadsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);

  router.post('/uploads', controlJson, async (req, res) => {
    const { userId } = authOf(req);
    const body = await checkPromptReference(deps, directUploadRequestSchema.parse(req.body));
    if (body.sizeBytes > deps.config.MAX_UPLOAD_BYTES) {
      throw new HttpError(
        413,
        'payload_too_large',
        `the file exceeds the ${deps.config.MAX_UPLOAD_BYTES}-byte limit`,
      );
    }
    const id = newRecordingId();
    const key = blobKeys.original(userId, id);
    await deps.recordings.create({
      id,
      userId,
      status: 'uploaded',
      uploadState: 'pending',
      sessionId: body.sessionId ?? null,
      deviceId: body.deviceId ?? null,
      microphoneUsed: body.microphoneUsed,
      speakerUsed: body.speakerUsed,
      clientTranscript: body.transcript ?? null,
      recordedAt: body.recordedAt ? new Date(body.recordedAt) : null,
      promptId: body.promptId ?? null,
      actedEmotion: body.actedEmotion ?? null,
      originalKey: key,
      contentType: body.contentType,
      sizeBytes: body.sizeBytes,
      correlationId: String(res.locals.requestId),
    });
    const signed = await deps.store.signedUploadUrl(key, {
      expiresInSeconds: Math.min(deps.config.SIGNED_URL_TTL_S, 900),
      contentType: body.contentType,
    });
    const response: DirectUploadResponse = {
      id,
      uploadUrl: signed.url,
      method: 'PUT',
      headers: signed.headers,
      expiresAt: signed.expiresAt.toISOString(),
    };
    res.status(201).json(response);
  });

  router.post('/uploads/:id/complete', async (req, res) => {
    const { userId } = authOf(req);
    // No catch-all here: a database outage must answer 503, or the client may discard a good upload.
    const row = await deps.recordings.get(idParam(req, 'upload'), userId);
    if (!row) throw notFound('upload');
    if (row.uploadState === 'complete') {
      res.status(202).json(acceptedBody(row.id));
      return;
    }
    let info;
    try {
      info = await deps.store.head(row.originalKey);
    } catch (err) {
      if (err instanceof NotFoundError)
        throw new HttpError(409, 'upload_missing', 'no object was uploaded for this id yet');
      throw err;
    }
    const reject = async (err: HttpError) => {
      await deps.store.delete(row.originalKey).catch(() => undefined);
      await deps.recordings.delete(row.id, null);
      throw err;
    };
    if (info.sizeBytes === 0) await reject(new HttpError(400, 'empty_upload', 'the uploaded file is empty'));
    if (info.sizeBytes > deps.config.MAX_UPLOAD_BYTES) {
      await reject(
        new HttpError(
          413,
          'payload_too_large',
          `the file exceeds the ${deps.config.MAX_UPLOAD_BYTES}-byte limit`,
        ),
      );
    }
    // Hash while reading: the direct path must report the same input facts as the streamed one.
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    for await (const chunk of await deps.store.get(row.originalKey)) {
      if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk as Buffer]).subarray(0, SNIFF_BYTES);
      hash.update(chunk as Buffer);
    }
    const format = sniffFormat(head);
    if (!format) await reject(new HttpError(415, 'unsupported_media_type', 'not a recognised audio format'));
    const updated = await deps.recordings.markUploadComplete(row.id, {
      sizeBytes: info.sizeBytes,
      sha256: hash.digest('hex'),
      contentType: CONTENT_TYPES[format!],
    });
    await enqueueTranscode(deps, updated ?? row, String(res.locals.requestId));
    res.status(202).location(`/v1/recordings/${row.id}`).json(acceptedBody(row.id));
  });

  return router;
}
