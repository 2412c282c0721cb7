import { randomUUID } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import {
  access,
  constants,
  lstat,
  open,
  opendir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestUpload } from '../digest';
import { InvalidKeyError, InvalidRangeError, NotFoundError, StorageError, UnavailableError } from '../errors';
import { clampExpiry, validateRange } from '../expiry';
import { assertValidKey, assertValidPrefix } from '../keys';
// The BlobStore contract's types, as `api.X`: every adapter states the same ones.
import type * as api from '../types';
import { BlobStoreBase } from '../base';
import { ContainedDir, READ_FLAGS } from './paths';
import { buildFsSignedUrl } from './signature';

export interface FsBlobStoreOptions {
  root: string;
  /** HMAC secret for signed URLs (served back by the gateway's /v1/blobs route). */
  signingSecret: string;
  /** Public base URL of that route, e.g. http://127.0.0.1:8080/v1/blobs. */
  publicUrl: string;
  logger?: api.StorageLogger;
}

/** Sidecar kept next to each blob, since a plain file has nowhere to store a content type. */
interface Sidecar {
  contentType?: string;
  metadata?: Record<string, string>;
  sha256: string;
  sizeBytes: number;
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * Local-disk store for development and single-node installs. Layout under `root`:
 * `objects/<key>` (bytes), `meta/<key>.json` (sidecar), `tmp/` (in-flight uploads, renamed into
 * place when complete so readers never see a partial blob).
 */
export class FsBlobStore extends BlobStoreBase implements api.BlobStore {
  readonly driver = 'fs' as const;
  private dirs?: Promise<{ objects: ContainedDir; meta: ContainedDir; tmp: string }>;

  constructor(private readonly opts: FsBlobStoreOptions) {
    super(opts.logger);
    if (opts.signingSecret.length < 16)
      throw new StorageError('MISCONFIGURED', 'fs signing secret must be at least 16 characters');
  }

  private layout() {
    this.dirs ??= (async () => {
      const root = path.resolve(this.opts.root);
      const [objects, meta, tmp] = await Promise.all([
        ContainedDir.open(path.join(root, 'objects')),
        ContainedDir.open(path.join(root, 'meta')),
        ContainedDir.open(path.join(root, 'tmp')),
      ]);
      return { objects, meta, tmp: tmp.base };
    })().catch((err: unknown) => {
      this.dirs = undefined; // retry on the next call: the volume may just not be mounted yet
      throw new UnavailableError(`fs store root ${this.opts.root} is unusable: ${(err as Error).message}`, {
        cause: err,
      });
    });
    return this.dirs;
  }

  async put(key: string, body: Readable | Buffer, opts: api.PutOptions = {}): Promise<api.PutResult> {
    assertValidKey(key);
    const { objects, meta, tmp } = await this.layout();
    const dataPath = objects.pathFor(key);
    const metaPath = meta.pathFor(key, '.json');
    const tmpData = path.join(tmp, `${randomUUID()}.data`);
    const tmpMeta = path.join(tmp, `${randomUUID()}.json`);
    try {
      const { sizeBytes, sha256 } = await digestUpload(body, opts.maxBytes, (digest) =>
        // flush: fsync before close, so the rename below publishes durable bytes.
        pipeline(digest, createWriteStream(tmpData, { flags: 'wx', flush: true })),
      );
      const sidecar: Sidecar = { sha256, sizeBytes, contentType: opts.contentType, metadata: opts.metadata };
      await writeFile(tmpMeta, JSON.stringify(sidecar), { flag: 'wx', flush: true });
      await objects.prepareParent(dataPath, key);
      await meta.prepareParent(metaPath, key);
      // Sidecar first: a reader that sees the new bytes also sees metadata at least as new.
      await rename(tmpMeta, metaPath);
      try {
        await rename(tmpData, dataPath);
      } catch (err) {
        if (errno(err) === 'EISDIR' || errno(err) === 'ENOTEMPTY' || errno(err) === 'ENOTDIR') {
          await rm(metaPath, { force: true });
          throw new InvalidKeyError(
            key,
            'is already a prefix of other blobs (fs driver keeps keys as paths)',
          );
        }
        throw err;
      }
      return { key, sizeBytes, sha256, etag: sha256 };
    } catch (err) {
      await Promise.all([rm(tmpData, { force: true }), rm(tmpMeta, { force: true })]);
      throw this.wrap(err, key);
    }
  }

  async get(key: string, opts: api.GetOptions = {}): Promise<Readable> {
    assertValidKey(key);
    validateRange(opts.range);
    const { objects } = await this.layout();
    const file = objects.pathFor(key);
    try {
      await objects.checkDir(path.dirname(file), key);
      const handle = await open(file, READ_FLAGS);
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new NotFoundError(key);
        const range = opts.range;
        if (range && range.start >= info.size) {
          throw new InvalidRangeError(`range start ${range.start} is beyond the blob size ${info.size}`);
        }
        return handle.createReadStream({
          autoClose: true,
          ...(range && { start: range.start, end: Math.min(range.end ?? info.size - 1, info.size - 1) }),
        });
      } catch (err) {
        await handle.close();
        throw err;
      }
    } catch (err) {
      throw this.wrap(err, key);
    }
  }

  async head(key: string): Promise<api.BlobInfo> {
    assertValidKey(key);
    const { objects, meta } = await this.layout();
    const file = objects.pathFor(key);
    try {
      await objects.checkDir(path.dirname(file), key);
      const info = await lstat(file);
      if (info.isSymbolicLink()) throw new InvalidKeyError(key, 'refers to a symbolic link');
      if (!info.isFile()) throw new NotFoundError(key);
      const sidecar = await this.readSidecar(meta.pathFor(key, '.json'));
      return {
        key,
        sizeBytes: info.size,
        updatedAt: info.mtime,
        ...(sidecar?.sha256 && { etag: sidecar.sha256 }),
        ...(sidecar?.contentType && { contentType: sidecar.contentType }),
        ...(sidecar?.metadata && { metadata: sidecar.metadata }),
      };
    } catch (err) {
      throw this.wrap(err, key);
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const { objects, meta } = await this.layout();
    const dataPath = objects.pathFor(key);
    const metaPath = meta.pathFor(key, '.json');
    try {
      await objects.checkDir(path.dirname(dataPath), key);
      const info = await lstat(dataPath).catch((err: unknown) =>
        errno(err) === 'ENOENT' ? undefined : Promise.reject(err),
      );
      if (info?.isDirectory()) return; // a prefix of other keys, not a blob
      await rm(dataPath, { force: true });
      await rm(metaPath, { force: true });
      await Promise.all([this.prune(objects.base, dataPath), this.prune(meta.base, metaPath)]);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return;
      throw this.wrap(err, key);
    }
  }

  async move(from: string, to: string): Promise<void> {
    assertValidKey(from);
    assertValidKey(to);
    const { objects, meta } = await this.layout();
    const [fromData, toData] = [objects.pathFor(from), objects.pathFor(to)];
    const [fromMeta, toMeta] = [meta.pathFor(from, '.json'), meta.pathFor(to, '.json')];
    try {
      await objects.checkDir(path.dirname(fromData), from);
      const info = await lstat(fromData);
      if (!info.isFile()) throw new NotFoundError(from);
      await objects.prepareParent(toData, to);
      await meta.prepareParent(toMeta, to);
      // Sidecar first, as in put(); a source without one (never written by put) moves bare.
      await rename(fromMeta, toMeta).catch((err: unknown) =>
        errno(err) === 'ENOENT' ? undefined : Promise.reject(err),
      );
      await rename(fromData, toData);
      await Promise.all([this.prune(objects.base, fromData), this.prune(meta.base, fromMeta)]);
    } catch (err) {
      throw this.wrap(err, from);
    }
  }

  async *list(prefix: string): AsyncIterable<api.BlobInfo> {
    assertValidPrefix(prefix);
    const { objects } = await this.layout();
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash === -1 ? '' : prefix.slice(0, slash);
    const start = dirKey ? objects.pathFor(dirKey) : objects.base;
    try {
      if (dirKey && !(await objects.checkDir(start, dirKey))) return;
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return;
      throw this.wrap(err, prefix);
    }
    yield* this.walk(start, dirKey, prefix);
  }

  /** Depth-first in S3 order: a directory sorts as "name/" so "a-b" comes before "a/x", as in a bucket. */
  private async *walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<api.BlobInfo> {
    let entries: Dirent[] = [];
    try {
      const handle = await opendir(dir);
      for await (const entry of handle) entries.push(entry);
    } catch (err) {
      if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return;
      throw this.wrap(err, prefix);
    }
    entries = entries.filter((e) => e.isFile() || e.isDirectory()); // symlinks are never followed
    const sortKey = (e: Dirent) => (e.isDirectory() ? `${e.name}/` : e.name);
    entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    for (const entry of entries) {
      const key = dirKey ? `${dirKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const asPrefix = `${key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix))
          yield* this.walk(path.join(dir, entry.name), key, prefix);
      } else if (key.startsWith(prefix)) {
        try {
          yield await this.head(key);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err; // deleted while listing
        }
      }
    }
  }

  async signedUploadUrl(key: string, opts: api.SignedUploadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { expiresAt } = clampExpiry(opts.expiresInSeconds);
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const url = buildFsSignedUrl(
      this.opts.publicUrl,
      { method: 'PUT', key, expires, contentType: opts.contentType, sizeBytes: opts.sizeBytes },
      this.opts.signingSecret,
    );
    return { url, method: 'PUT', headers: { 'content-type': opts.contentType }, expiresAt };
  }

  async signedDownloadUrl(key: string, opts: api.SignedDownloadOptions): Promise<api.SignedUrl> {
    assertValidKey(key);
    const { expiresAt } = clampExpiry(opts.expiresInSeconds);
    const url = buildFsSignedUrl(
      this.opts.publicUrl,
      {
        method: 'GET',
        key,
        expires: Math.floor(expiresAt.getTime() / 1000),
        ...(opts.contentType !== undefined && { contentType: opts.contentType }),
        ...(opts.filename !== undefined && { filename: opts.filename }),
      },
      this.opts.signingSecret,
    );
    return { url, method: 'GET', headers: {}, expiresAt };
  }

  async ping(): Promise<void> {
    const { objects, tmp } = await this.layout();
    try {
      await access(objects.base, constants.R_OK | constants.W_OK);
      await access(tmp, constants.W_OK);
      if (!(await stat(objects.base)).isDirectory()) throw new Error('not a directory');
    } catch (err) {
      throw new UnavailableError(
        `fs store root ${this.opts.root} is not writable: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private async readSidecar(file: string): Promise<Sidecar | undefined> {
    try {
      return JSON.parse(await readFile(file, { encoding: 'utf8', flag: READ_FLAGS })) as Sidecar;
    } catch (err) {
      if (errno(err) === 'ENOENT') return undefined;
      this.logger.warn({ err, file }, 'unreadable blob sidecar; serving without metadata');
      return undefined;
    }
  }

  /** Removes now-empty directories up to (not including) the base, so deleted prefixes vanish from listings. */
  private async prune(base: string, file: string): Promise<void> {
    for (let dir = path.dirname(file); dir !== base && dir.startsWith(base); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or raced with a writer): stop climbing
      }
    }
  }

  private wrap(err: unknown, key: string): unknown {
    if (err instanceof StorageError) return err;
    switch (errno(err)) {
      case 'ENOENT':
      case 'ENOTDIR':
        return new NotFoundError(key, { cause: err });
      case 'ELOOP':
        return new InvalidKeyError(key, 'refers to a symbolic link');
      case 'ENOSPC':
      case 'EIO':
      case 'EROFS':
      case 'EMFILE':
        return new UnavailableError(`fs store: ${(err as Error).message}`, { cause: err });
      default:
        return err instanceof Error && errno(err)
          ? new StorageError('BACKEND', `fs store: ${err.message}`, { cause: err })
          : err;
    }
  }
}
