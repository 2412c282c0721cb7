import { Storage, type Bucket, type File, type GetFilesOptions } from '@google-cloud/storage';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestUpload } from '../digest';
import { InvalidRangeError, StorageError, UnavailableError, deleteIgnoringNotFound } from '../errors';
import { clampExpiry, contentDisposition, validateRange } from '../expiry';
import { assertValidKey, assertValidPrefix } from '../keys';
// The BlobStore contract's types, as `api.X`: every adapter states the same ones.
import type * as api from '../types';
import { BlobStoreBase } from '../base';
import { mapGcsError } from './errors';

export interface GcsBlobStoreOptions {
  bucket: string;
  projectId?: string;
  /** Emulator endpoint such as http://127.0.0.1:4443 (scheme required). */
  apiEndpoint?: string;
  /** Service-account credentials; without them ADC / Workload Identity is used (production). */
  credentials?: { client_email: string; private_key: string };
  /** Path to a service-account JSON key, read once at construction. */
  keyFilename?: string;
  listPageSize?: number;
  logger?: api.StorageLogger;
}

type ObjectMetadata = File['metadata'];

/** Reads the key up front so a bad path fails at start-up, not at the first signed URL. */
function loadServiceAccount(file: string): { client_email: string; private_key: string } {
  let parsed: { client_email?: unknown; private_key?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new StorageError(
      'MISCONFIGURED',
      `cannot read GCS credentials file ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (typeof parsed.client_email !== 'string' || typeof parsed.private_key !== 'string') {
    throw new StorageError('MISCONFIGURED', `GCS credentials file ${file} lacks client_email/private_key`);
  }
  return { client_email: parsed.client_email, private_key: parsed.private_key };
}

function toInfo(key: string, md: ObjectMetadata): api.BlobInfo {
  const userMeta = md.metadata
    ? Object.fromEntries(
        Object.entries(md.metadata)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      )
    : undefined;
  return {
    key,
    sizeBytes: Number(md.size ?? 0),
    ...(md.etag && { etag: md.etag }),
    ...(md.contentType && { contentType: md.contentType }),
    ...(md.updated && { updatedAt: new Date(md.updated) }),
    ...(userMeta && Object.keys(userMeta).length > 0 && { metadata: userMeta }),
  };
}

export class GcsBlobStore extends BlobStoreBase implements api.BlobStore {
  readonly driver = 'gcs' as const;
  private readonly bucket: Bucket;
  /** Same bucket through a client that never retries: a readiness probe must answer fast. */
  private readonly probeBucket: Bucket;
  private readonly canSign: boolean;

  constructor(private readonly opts: GcsBlobStoreOptions) {
    super(opts.logger);
    if (opts.apiEndpoint && !/^https?:\/\//.test(opts.apiEndpoint)) {
      // Without a scheme the client silently assumes https and every call fails obscurely.
      throw new StorageError(
        'MISCONFIGURED',
        `GCS api endpoint must include http:// or https://: ${opts.apiEndpoint}`,
      );
    }
    const emulator = Boolean(opts.apiEndpoint);
    const credentials =
      opts.credentials ?? (opts.keyFilename ? loadServiceAccount(opts.keyFilename) : undefined);
    const hasKey = Boolean(credentials);
    // Against an emulator, only sign with explicit keys: falling back to ADC would probe the cloud
    // metadata server (169.254.169.254), which must never happen off-cloud.
    this.canSign = !emulator || hasKey;
    const base = {
      ...(opts.apiEndpoint && { apiEndpoint: opts.apiEndpoint, useAuthWithCustomEndpoint: false }),
      // An explicit project id avoids the client discovering one through the metadata server.
      ...((opts.projectId ?? (emulator ? 'voicepulse-local' : undefined)) && {
        projectId: opts.projectId ?? 'voicepulse-local',
      }),
      // Deliberately the (deprecated, it warns once per client) `credentials` option: google-auth
      // answers getCredentials() from it, whereas with a bare JWT `authClient` URL signing asks the
      // metadata server for the service-account e-mail — a 169.254.169.254 probe off-cloud.
      ...(credentials && { credentials }),
    };
    const storage = new Storage({
      ...base,
      retryOptions: {
        autoRetry: true,
        maxRetries: 2,
        retryDelayMultiplier: 2,
        maxRetryDelay: 2,
        totalTimeout: 60,
      },
    });
    this.probeBucket = new Storage({ ...base, retryOptions: { autoRetry: false } }).bucket(opts.bucket);
    this.bucket = storage.bucket(opts.bucket);
  }

  async put(key: string, body: Readable | Buffer, opts: api.PutOptions = {}): Promise<api.PutResult> {
    assertValidKey(key);
    const file = this.bucket.file(key);
    try {
      const { sizeBytes, sha256 } = await digestUpload(body, opts.maxBytes, (digest) =>
        pipeline(
          digest,
          // Single-request upload: nothing becomes visible unless the whole body arrives, so an
          // aborted (e.g. TooLarge) upload leaves no object behind. crc32c is checked end to end.
          file.createWriteStream({
            resumable: false,
            validation: 'crc32c',
            ...(opts.contentType && { contentType: opts.contentType }),
            ...(opts.metadata && { metadata: { metadata: opts.metadata } }),
          }),
        ),
      );
      return { key, sizeBytes, sha256, etag: String(file.metadata.etag ?? '') };
    } catch (err) {
      throw mapGcsError(err, key);
    }
  }

  async get(key: string, opts: api.GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    validateRange(opts.range);
    let md: ObjectMetadata;
    try {
      // The read stream only reports a missing object once consumed; look first so callers get
      // NotFound/InvalidRange from get() itself, and pin the generation we looked at.
      [md] = await this.bucket.file(key).getMetadata();
    } catch (err) {
      throw mapGcsError(err, key);
    }
    const size = Number(md.size ?? 0);
    const range = opts.range;
    if (range && range.start >= size)
      throw new InvalidRangeError(`range start ${range.start} is beyond the blob size ${size}`);
    const file = this.bucket.file(
      key,
      md.generation !== undefined ? { generation: Number(md.generation) } : {},
    );
    const stream = file.createReadStream({
      ...(range
        ? { start: range.start, end: Math.min(range.end ?? size - 1, size - 1), validation: false }
        : { validation: 'crc32c' }),
    });
    return stream;
  }

  async head(key: string): Promise<api.BlobInfo> {
    assertValidKey(key);
    try {
      const [md] = await this.bucket.file(key).getMetadata();
      return toInfo(key, md);
    } catch (err) {
      throw mapGcsError(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await deleteIgnoringNotFound(key, () => this.bucket.file(key).delete({ ignoreNotFound: true }), mapGcsError);
  }

  async move(from: string, to: string): Promise<void> {
    assertValidKey(from);
    assertValidKey(to);
    try {
      // A server-side rewrite (copy) then delete of the source.
      await this.bucket.file(from).move(this.bucket.file(to));
    } catch (err) {
      throw mapGcsError(err, from);
    }
  }

  async *list(prefix: string): AsyncIterable<api.BlobInfo> {
    assertValidPrefix(prefix);
    let query: GetFilesOptions | undefined = {
      autoPaginate: false,
      maxResults: Math.min(this.opts.listPageSize ?? 1000, 1000),
      ...(prefix && { prefix }),
    };
    while (query) {
      let files: File[];
      let next: GetFilesOptions | null | undefined;
      try {
        [files, next] = (await this.bucket.getFiles(query)) as unknown as [File[], GetFilesOptions | null];
      } catch (err) {
        throw mapGcsError(err, prefix);
      }
      for (const f of files) yield toInfo(f.name, f.metadata);
      query = next?.pageToken ? { ...query, pageToken: next.pageToken } : undefined;
    }
  }

  async signedUploadUrl(key: string, opts: api.SignedUploadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { expiresAt } = clampExpiry(opts.expiresInSeconds);
    const url = await this.sign(key, {
      version: 'v4',
      action: 'write',
      expires: expiresAt,
      contentType: opts.contentType,
      // Signed, so the client must send it and GCS refuses a body of any other size.
      extensionHeaders: { 'x-goog-content-length-range': `${opts.sizeBytes},${opts.sizeBytes}` },
    });
    return {
      url,
      method: 'PUT',
      headers: {
        'content-type': opts.contentType,
        'x-goog-content-length-range': `${opts.sizeBytes},${opts.sizeBytes}`,
      },
      expiresAt,
    };
  }

  async signedDownloadUrl(key: string, opts: api.SignedDownloadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { expiresAt } = clampExpiry(opts.expiresInSeconds);
    const url = await this.sign(key, {
      version: 'v4',
      action: 'read',
      expires: expiresAt,
      ...(opts.contentType && { responseType: opts.contentType }),
      ...(opts.filename && { responseDisposition: contentDisposition(opts.filename) }),
    });
    return { url, method: 'GET', headers: {}, expiresAt };
  }

  private async sign(key: string, cfg: Parameters<File['getSignedUrl']>[0]): Promise<string> {
    if (!this.canSign) {
      throw new StorageError(
        'MISCONFIGURED',
        'signed URLs against a GCS emulator need explicit credentials (GCS_CREDENTIALS_FILE)',
      );
    }
    try {
      const [url] = await this.bucket.file(key).getSignedUrl(cfg);
      return url;
    } catch (err) {
      throw mapGcsError(err, key);
    }
  }

  async ping(): Promise<void> {
    try {
      // objects.list rather than buckets.get: object-level roles (the usual grant) allow it.
      await this.probeBucket.getFiles({ autoPaginate: false, maxResults: 1 });
    } catch (err) {
      const mapped = mapGcsError(err, this.opts.bucket);
      this.logger.debug({ err }, 'gcs ping failed');
      throw mapped instanceof UnavailableError
        ? mapped
        : new UnavailableError(`gcs bucket ${this.opts.bucket} is not usable: ${(mapped as Error).message}`, {
            cause: err,
          });
    }
  }
}
