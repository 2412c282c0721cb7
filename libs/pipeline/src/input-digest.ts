import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '@voicepulse/storage';

/**
 * Hashes an original while the transcoder reads it, so a direct upload (whose bytes the gateway
 * never streamed) gets its SHA-256 without a second full read: only what the decoder left unread
 * (a trailer after the audio, say) is fetched again, by range, when `finish` is called.
 */
export function digestWhileReading(source: Readable) {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // The decoder may stop early and destroy `stream`; pipeline then releases the source too.
  pipeline(source, stream).catch(() => undefined);
  return {
    stream,
    async finish(store: Pick<BlobStore, 'get'>, key: string, sizeBytes: number): Promise<string> {
      if (bytes < sizeBytes) {
        for await (const chunk of await store.get(key, { range: { start: bytes } }))
          hash.update(chunk as Buffer);
      }
      return hash.digest('hex');
    },
  };
}
