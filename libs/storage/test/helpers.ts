import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { NotFoundError, StorageError, verifyFsSignature, type BlobStore } from '../src';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Hashes a stream without keeping it, for bodies too big to buffer. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * A deterministic pseudo-random body of `total` bytes produced chunk by chunk: never materialised,
 * so it measures the store's memory use rather than the test's. `digest()` is valid after the end.
 */
export function generatedBody(total: number, chunkSize = 64 * 1024): { stream: Readable; digest(): string } {
  const hash = createHash('sha256');
  let produced = 0;
  let state = 0x9e3779b9;
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, total - produced);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i + 4 <= n; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeInt32LE(state | 0, i);
      }
      for (let i = n - (n % 4); i < n; i++) chunk[i] = i & 0xff;
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

/** Peak RSS growth over a baseline while `fn` runs, sampled every 10 ms. */
export async function peakRssGrowth<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; growthBytes: number; baselineBytes: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const baselineBytes = process.memoryUsage.rss();
  let peak = baselineBytes;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthBytes: peak - baselineBytes, baselineBytes };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Minimal stand-in for the gateway's `PUT/GET /v1/blobs/*` route, so fs-driver signed URLs can be
 * exercised over real HTTP the same way the cloud drivers' URLs are.
 */
export async function startFsBlobServer(
  secret: string,
  store: () => BlobStore,
): Promise<{ baseUrl: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      const check = verifyFsSignature(req.url ?? '', secret, { method: req.method ?? 'GET' });
      if (!check.ok) {
        res.writeHead(403).end(check.reason);
        return;
      }
      try {
        if (check.method === 'PUT') {
          if (check.contentType && req.headers['content-type'] !== check.contentType) {
            res.writeHead(403).end('content-type-mismatch');
            return;
          }
          const put = await store().put(check.key, req, {
            ...(check.contentType && { contentType: check.contentType }),
            ...(check.sizeBytes !== undefined && { maxBytes: check.sizeBytes }),
          });
          res.writeHead(200, { etag: `"${put.etag}"` }).end();
        } else {
          const info = await store().head(check.key);
          const body = await store().get(check.key);
          res.writeHead(200, {
            'content-type': check.contentType ?? info.contentType ?? 'application/octet-stream',
            'content-length': String(info.sizeBytes),
            ...(check.filename && { 'content-disposition': `attachment; filename="${check.filename}"` }),
          });
          body.pipe(res);
        }
      } catch (err) {
        res
          .writeHead(err instanceof NotFoundError ? 404 : err instanceof StorageError ? 400 : 500)
          .end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1/blobs`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
