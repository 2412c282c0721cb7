import type { RecordingMetadata } from '@voicepulse/contracts';
import busboy from 'busboy';
import type { Request } from 'express';
import type { GatewayDeps } from '../deps';
import { HttpError } from '../http/errors';
import { parseMetadata, storeAudio } from './ingest-upload';

type Stored = Awaited<ReturnType<typeof storeAudio>>;

/**
 * Streams a multipart upload: the `file` part goes straight to storage while other parts are
 * collected as metadata (they may come before or after the file). Nothing is buffered whole.
 */
export async function receiveMultipart(
  deps: GatewayDeps,
  req: Request,
  key: string,
): Promise<{ meta: RecordingMetadata; stored: Stored }> {
  const fields: Record<string, string> = {};
  let storing: Promise<Stored> | undefined;
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
      storing = storeAudio(deps, stream, key);
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
    await storing
      ?.then(
        () => deps.store.delete(key),
        () => undefined,
      )
      .catch(() => undefined);
    throw err;
  }
  if (!storing) throw new HttpError(400, 'missing_file', 'multipart upload has no "file" part');
  const stored = await storing;
  try {
    return { meta: parseMetadata(fields), stored };
  } catch (err) {
    await deps.store.delete(key).catch(() => undefined);
    throw err;
  }
}
