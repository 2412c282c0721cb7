import { SNIFF_BYTES, sniffFormat, CONTENT_TYPES } from '@voicepulse/audio';
import {
  channelLayoutFieldSchema,
  channelLayoutProblem,
  operations,
  type DirectUploadResponse,
} from '@voicepulse/contracts';
import { blobKeys, deleteRecordingBlobs } from '@voicepulse/recordings';
import { NotFoundError } from '@voicepulse/storage';
import type { Readable } from 'node:stream';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { CONTROL_BODY, jsonBody } from '../http/body';
import { authOf } from '../http/auth';
import { HttpError, notFound } from '../http/errors';
import { idempotencyKeyOf, REPLAYED_HEADER } from '../http/idempotency';
import { route } from '../http/route';
import {
  acceptedBody,
  checkPromptReference,
  checkSessionReference,
  enqueueTranscode,
  metadataColumns,
  newRecordingId,
  wavChannels,
} from '../uploads/ingest-upload';
import { WAV_GUARD_BYTES } from '../uploads/wav-guard';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Direct-to-bucket uploads: the browser PUTs large files straight to object storage with a
 * short-lived signed URL, then tells us to take it from there.
 */
export function uploadsRouter(deps: GatewayDeps): Router {
  const router = Router();
  const controlJson = jsonBody(deps.bodyBudget, CONTROL_BODY);

  route(router, operations.startUpload, [controlJson], async (req, res, { body: request }) => {
    const { userId } = authOf(req);
    // Not counted until /complete, but a client already over quota should not upload at all.
    await deps.recordings.checkPipelineQuota(userId, deps.config.MAX_RECORDINGS_IN_FLIGHT_PER_USER);
    const body = await checkPromptReference(deps, request);
    await checkSessionReference(deps, userId, body.sessionId);
    if (body.sizeBytes > deps.config.MAX_UPLOAD_BYTES) {
      throw new HttpError(
        413,
        'payload_too_large',
        `the file exceeds the ${deps.config.MAX_UPLOAD_BYTES}-byte limit`,
      );
    }
    const idempotencyKey = idempotencyKeyOf(req);
    const id = newRecordingId();
    const row = await deps.recordings.createPending(
      {
        id,
        userId,
        status: 'uploaded',
        ...metadataColumns(body),
        originalKey: blobKeys.original(userId, id),
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        correlationId: String(res.locals.requestId),
        idempotencyKey: idempotencyKey ?? null,
      },
      deps.config.UPLOAD_MAX_PENDING_PER_USER,
    );
    if (row === 'too_many_pending') {
      throw new HttpError(
        429,
        'too_many_pending_uploads',
        `at most ${deps.config.UPLOAD_MAX_PENDING_PER_USER} direct uploads may be pending; complete or abandon one first`,
        undefined,
        // Abandoned uploads expire (see the upload janitor); a completed one frees its slot at once.
        { 'Retry-After': '60' },
      );
    }
    if (!row.created && row.uploadState === 'complete') {
      throw new HttpError(
        409,
        'idempotency_key_reused',
        `this Idempotency-Key already made recording ${row.id}`,
      );
    }
    // A retry (same key, still pending) gets a fresh URL for the same upload, signed as first declared.
    if (!row.created) res.set(REPLAYED_HEADER, 'true');
    // The client writes to a staging key only; the declared size is signed into the URL.
    const signed = await deps.store.signedUploadUrl(blobKeys.staging(userId, row.id), {
      expiresInSeconds: deps.config.SIGNED_URL_TTL_S,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
    });
    const response: DirectUploadResponse = {
      id: row.id,
      uploadUrl: signed.url,
      method: 'PUT',
      headers: signed.headers,
      expiresAt: signed.expiresAt.toISOString(),
    };
    res.status(201).json(response);
  });

  route(router, operations.completeUpload, [], async (req, res, { id }) => {
    const { userId } = authOf(req);
    // No catch-all here: a database outage must answer 503, or the client may discard a good upload.
    const row = await deps.recordings.get(id, userId);
    if (!row) throw notFound('upload');
    if (row.uploadState === 'complete') {
      res.status(202).json(acceptedBody(row.id));
      return;
    }
    // Over quota the upload stays pending: the client retries /complete after Retry-After.
    await deps.recordings.checkPipelineQuota(userId, deps.config.MAX_RECORDINGS_IN_FLIGHT_PER_USER);
    // Staging → final first, then validate the final object: a PUT racing this request (or any
    // replay of the URL later) can only write the staging key, never the bytes validated below.
    try {
      await deps.store.move(blobKeys.staging(row.userId, row.id), row.originalKey);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // No staging object: never uploaded, or an earlier /complete moved it and then failed.
      if (!(await deps.store.exists(row.originalKey))) {
        throw new HttpError(409, 'upload_missing', 'no object was uploaded for this id yet');
      }
    }
    const info = await deps.store.head(row.originalKey);
    const reject = async (err: HttpError) => {
      await deps.recordings.delete(row.id, null);
      await deleteRecordingBlobs(deps.store, row.userId, row.id);
      throw err;
    };
    if (info.sizeBytes === 0) await reject(new HttpError(400, 'empty_upload', 'the uploaded file is empty'));
    if (info.sizeBytes !== row.sizeBytes) {
      await reject(
        new HttpError(
          400,
          'size_mismatch',
          `the uploaded file has ${info.sizeBytes} bytes, ${row.sizeBytes} were declared`,
        ),
      );
    }
    // Only the head is read here (enough for a WAV header, whose channel count a declared layout
    // must match); the transcoder, which reads every byte anyway, records the sha256.
    const headBytes = row.channelLayout ? Math.min(info.sizeBytes, WAV_GUARD_BYTES) : SNIFF_BYTES;
    const head = await readAll(
      await deps.store.get(row.originalKey, { range: { start: 0, end: headBytes - 1 } }),
    );
    const format = sniffFormat(head);
    if (!format) await reject(new HttpError(415, 'unsupported_media_type', 'not a recognised audio format'));
    const channels = format === 'wav' ? wavChannels(head) : null;
    const problem =
      row.channelLayout && channels !== null
        ? channelLayoutProblem(channelLayoutFieldSchema.parse(row.channelLayout), channels)
        : null;
    if (problem) {
      await reject(new HttpError(400, 'channel_layout_mismatch', problem, [{ path: 'channels', message: problem }]));
    }
    const updated = await deps.recordings.markUploadComplete(
      row.id,
      {
      sizeBytes: info.sizeBytes,
      sha256: '',
      contentType: CONTENT_TYPES[format!],
      },
      { pipelineQuota: deps.config.MAX_RECORDINGS_IN_FLIGHT_PER_USER },
    );
    // Deleted (by its owner or the upload janitor) while we validated.
    if (!updated) throw notFound('upload');
    await enqueueTranscode(deps, updated, String(res.locals.requestId));
    res.status(202).location(`/v1/recordings/${row.id}`).json(acceptedBody(row.id));
  });

  return router;
}
