import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  ListMultipartUploadsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { digestUpload } from '../digest';
import { StorageError, UnavailableError, deleteIgnoringNotFound } from '../errors';
import { clampExpiry, contentDisposition, validateRange } from '../expiry';
import { assertValidKey, assertValidPrefix } from '../keys';
// The BlobStore contract's types, as `api.X`: every adapter states the same ones.
import type * as api from '../types';
import { BlobStoreBase } from '../base';
import { mapS3Error } from './errors';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** Custom endpoint (MinIO, R2, …); omit for AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static keys; when omitted the SDK's default chain applies (IRSA, instance profile, env). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** ListObjectsV2 page size (≤ 1000); small values are for tests. */
  listPageSize?: number;
  /** Multipart part size; memory per upload is bounded by partSize × queueSize. */
  partSize?: number;
  queueSize?: number;
  logger?: api.StorageLogger;
}

const MIN_PART_SIZE = 5 * 1024 * 1024; // S3's minimum for all but the last part

const stripQuotes = (etag: string | undefined): string => (etag ?? '').replace(/^(W\/)?"|"$/g, '');

export class S3BlobStore extends BlobStoreBase implements api.BlobStore {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(private readonly opts: S3BlobStoreOptions) {
    super(opts.logger);
    this.bucket = opts.bucket;
    this.client = new S3Client({
      region: opts.region,
      ...(opts.endpoint && { endpoint: opts.endpoint }),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.credentials && { credentials: opts.credentials }),
      // We hash every upload ourselves; the SDK's default CRC32 trailers would also end up in
      // presigned URLs, which a browser PUT cannot satisfy, and not every S3 clone supports them.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Fail fast on dead endpoints so readiness flips and callers get a retryable 503 quickly.
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 60_000 },
      maxAttempts: 3,
    });
  }

  async put(key: string, body: Readable | Buffer, opts: api.PutOptions = {}): Promise<api.PutResult> {
    assertValidKey(key);
    try {
      const { result, sizeBytes, sha256 } = await digestUpload(body, opts.maxBytes, (digest) => {
        const upload = new Upload({
          client: this.client,
          params: {
            Bucket: this.bucket,
            Key: key,
            Body: digest,
            ...(opts.contentType && { ContentType: opts.contentType }),
            ...(opts.metadata && { Metadata: opts.metadata }),
          },
          partSize: Math.max(this.opts.partSize ?? 8 * 1024 * 1024, MIN_PART_SIZE),
          queueSize: this.opts.queueSize ?? 2,
          // On failure (including TooLarge) abort the multipart upload so no parts linger.
          leavePartsOnError: false,
        });
        // Our stream failing does not always reach lib-storage promptly; abort explicitly.
        digest.once('error', () => void upload.abort().catch(() => undefined));
        return upload.done();
      });
      return { key, sizeBytes, sha256, etag: stripQuotes(result.ETag) };
    } catch (err) {
      await this.abortDanglingUploads(key);
      throw mapS3Error(err, key);
    }
  }

  /**
   * lib-storage's own abort can race its CreateMultipartUpload (the upload id arrives after the
   * abort), leaving invisible parts that still cost storage. Sweep this key's open uploads.
   */
  private async abortDanglingUploads(key: string): Promise<void> {
    try {
      const open = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }),
      );
      await Promise.all(
        (open.Uploads ?? [])
          .filter((u) => u.Key === key && u.UploadId)
          .map((u) =>
            this.client.send(
              new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: u.UploadId }),
            ),
          ),
      );
    } catch {
      // Best effort: the bucket's lifecycle rule for incomplete uploads is the backstop.
    }
  }

  async get(key: string, opts: api.GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    validateRange(opts.range);
    const range = opts.range && `bytes=${opts.range.start}-${opts.range.end ?? ''}`;
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range && { Range: range }) }),
      );
      if (!(res.Body instanceof Readable)) throw new StorageError('BACKEND', 's3 returned a non-stream body');
      return res.Body;
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async head(key: string): Promise<api.BlobInfo> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        sizeBytes: res.ContentLength ?? 0,
        etag: stripQuotes(res.ETag),
        ...(res.ContentType && { contentType: res.ContentType }),
        ...(res.LastModified && { updatedAt: res.LastModified }),
        ...(res.Metadata && { metadata: res.Metadata }),
      };
    } catch (err) {
      throw mapS3Error(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await deleteIgnoringNotFound(
      key,
      () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
      mapS3Error,
    );
  }

  async move(from: string, to: string): Promise<void> {
    assertValidKey(from);
    assertValidKey(to);
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: to,
          CopySource: `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (err) {
      throw mapS3Error(err, from);
    }
    await this.delete(from);
  }

  async *list(prefix: string): AsyncIterable<api.BlobInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            MaxKeys: Math.min(this.opts.listPageSize ?? 1000, 1000),
            ...(token && { ContinuationToken: token }),
          }),
        );
      } catch (err) {
        throw mapS3Error(err, prefix);
      }
      for (const obj of page.Contents ?? []) {
        if (!obj.Key) continue;
        yield {
          key: obj.Key,
          sizeBytes: obj.Size ?? 0,
          ...(obj.ETag && { etag: stripQuotes(obj.ETag) }),
          ...(obj.LastModified && { updatedAt: obj.LastModified }),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async signedUploadUrl(key: string, opts: api.SignedUploadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { seconds, expiresAt } = clampExpiry(opts.expiresInSeconds);
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: opts.contentType,
        ContentLength: opts.sizeBytes,
      }),
      // Content-Type is signed so the uploader cannot store something else under our key, and
      // Content-Length so it cannot store more than it declared (presigned PUTs take no range).
      { expiresIn: seconds, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    return { url, method: 'PUT', headers: { 'content-type': opts.contentType }, expiresAt };
  }

  async signedDownloadUrl(key: string, opts: api.SignedDownloadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { seconds, expiresAt } = clampExpiry(opts.expiresInSeconds);
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(opts.contentType && { ResponseContentType: opts.contentType }),
        ...(opts.filename && { ResponseContentDisposition: contentDisposition(opts.filename) }),
      }),
      { expiresIn: seconds },
    );
    return { url, method: 'GET', headers: {}, expiresAt };
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      // Not ready covers everything: unreachable, missing bucket, or credentials refused.
      const mapped = mapS3Error(err, this.bucket);
      this.logger.debug({ err }, 's3 ping failed');
      throw mapped instanceof UnavailableError
        ? mapped
        : new UnavailableError(`s3 bucket ${this.bucket} is not usable: ${(mapped as Error).message}`, {
            cause: err,
          });
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
