import { recordingMetadataSchema, type RecordingMetadata } from '@voicepulse/contracts';
import type { AudioSink, ReceiveUpload, StoredAudio, UploadContext } from '@voicepulse/uploads';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { authOf } from './auth';
import { HttpError } from './errors';
import { idempotencyKeyOf } from './idempotency';
import { parseRequest, queryFields } from './params';

/** The uploader, the request's correlation id and its Idempotency-Key. */
export function uploadContext(req: Request, res: Response): UploadContext {
  return {
    userId: authOf(req).userId,
    correlationId: String(res.locals.requestId),
    idempotencyKey: idempotencyKeyOf(req),
  };
}

const RAW_AUDIO = /^(audio\/[\w.+-]+|video\/webm|application\/octet-stream)\s*(;|$)/i;

/** How this request carries its audio: a multipart form, or a raw body with the metadata in the query. */
export function receiverOf(req: Request): ReceiveUpload {
  const contentType = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) return (sink) => receiveMultipart(req, sink);
  if (RAW_AUDIO.test(contentType)) {
    return async (sink) => {
      // Validated before a byte of the body is read.
      const meta = parseMetadata(queryFields(req.query));
      return { meta, stored: await sink.store(req) };
    };
  }
  return () => {
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send multipart/form-data with a "file" part, or a raw audio/* body',
    );
  };
}

/** Upload metadata from form fields or a query string: all strings, validated into the typed metadata. */
const parseMetadata = (fields: Record<string, unknown>): RecordingMetadata =>
  parseRequest(recordingMetadataSchema, fields, {
    code: 'invalid_metadata',
    message: 'invalid recording metadata',
  });

/**
 * Streams a multipart upload: the `file` part goes straight into the sink while other parts are
 * collected as metadata (they may come before or after the file). Nothing is buffered whole.
 */
async function receiveMultipart(
  req: Request,
  sink: AudioSink,
): Promise<{ meta: RecordingMetadata; stored: StoredAudio }> {
  const fields: Record<string, string> = {};
  let storing: Promise<StoredAudio> | undefined;
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: { files: 1, fields: 20, fieldSize: 128 * 1024, parts: 25, headerPairs: 50 },
    });
  } catch {
    throw new HttpError(400, 'invalid_multipart', 'malformed multipart/form-data request');
  }
  const finished = new Promise<void>((resolve, reject) => {
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return reject(new HttpError(400, 'invalid_metadata', `field ${name} is too long`));
      fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      if (name !== 'file' || storing) {
        stream.resume();
        return;
      }
      storing = sink.store(stream);
      // A refused file (415, 400, 413) is answered at once instead of after the whole body: the
      // request leaves the parser, and closeUnreadBodies drains or cuts what is left of it.
      storing.catch((err: unknown) => {
        req.unpipe(bb);
        reject(err);
      });
    });
    bb.on('filesLimit', () => reject(new HttpError(400, 'invalid_multipart', 'only one file per upload')));
    bb.on('partsLimit', () => reject(new HttpError(400, 'invalid_multipart', 'too many parts')));
    bb.on('fieldsLimit', () => reject(new HttpError(400, 'invalid_multipart', 'too many fields')));
    bb.on('error', () =>
      reject(new HttpError(400, 'invalid_multipart', 'malformed multipart/form-data body')),
    );
    bb.on('close', () => resolve());
  });
  req.pipe(bb);
  try {
    await finished;
  } catch (err) {
    // A file still being stored when the form failed is removed once it settles.
    await storing?.then(sink.discard, () => undefined);
    throw err;
  }
  if (!storing) throw new HttpError(400, 'missing_file', 'multipart upload has no "file" part');
  const stored = await storing;
  try {
    return { meta: parseMetadata(fields), stored };
  } catch (err) {
    await sink.discard();
    throw err;
  }
}
