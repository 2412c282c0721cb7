import { TooLargeError, verifyFsSignature } from '@voicepulse/storage';
import { Router } from 'express';
import type { GatewayDeps } from '../deps';
import { HttpError } from '../http/errors';

/**
 * The fs store has no server of its own, so the gateway plays the bucket for its signed URLs.
 * Authorisation is the HMAC signature alone (like a presigned S3 URL), hence no bearer token here.
 */
export function fsBlobsRouter(deps: GatewayDeps): Router {
  const router = Router();
  router.all('/blobs/*key', async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'PUT')
      throw new HttpError(405, 'method_not_allowed', 'GET or PUT only');
    const check = verifyFsSignature(req.originalUrl, deps.config.STORAGE_FS_SIGNING_SECRET, {
      method: req.method,
    });
    if (!check.ok) throw new HttpError(403, 'forbidden', `signed URL refused: ${check.reason}`);
    if (req.method === 'PUT') {
      const sent = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (check.contentType && sent !== check.contentType) {
        throw new HttpError(400, 'content_type_mismatch', `Content-Type must be ${check.contentType}`);
      }
      const put = await deps.store
        .put(check.key, req, {
          contentType: check.contentType ?? sent,
          // The size signed into the grant bounds the body, so a client cannot store more than it declared.
          maxBytes: Math.min(check.sizeBytes ?? deps.config.MAX_UPLOAD_BYTES, deps.config.MAX_UPLOAD_BYTES),
        })
        .catch((err: unknown) => {
          if (!(err instanceof TooLargeError)) throw err;
          req.resume();
          throw new HttpError(
            413,
            'payload_too_large',
            'the body is larger than the size signed into this URL',
          );
        });
      res.setHeader('etag', `"${put.etag}"`);
      res.status(200).end();
      return;
    }
    const info = await deps.store.head(check.key);
    res.setHeader('content-type', check.contentType ?? info.contentType ?? 'application/octet-stream');
    res.setHeader('content-length', String(info.sizeBytes));
    if (check.filename)
      res.setHeader('content-disposition', `attachment; filename="${check.filename.replace(/"/g, '')}"`);
    (await deps.store.get(check.key)).pipe(res);
  });
  return router;
}
