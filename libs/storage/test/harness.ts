import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { storageSchema } from '@voicepulse/config';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createBlobStore, type BlobStore, type BlobStoreTuning, type StorageDriver } from '../src';
import { freePort } from './servers';
import { startFsBlobServer } from './helpers';

/** Everything the contract suite needs to drive one backend, plus backend-specific inspection. */
export interface DriverHarness {
  driver: StorageDriver;
  store: BlobStore;
  make(tuning?: BlobStoreTuning): BlobStore;
  /** A store whose backend cannot be reached. */
  unreachable(): Promise<BlobStore>;
  /** Lifetime encoded in a signed URL, in seconds. */
  urlExpirySeconds(url: string): number;
  /** Traces an aborted upload could leave outside the key space (temp files, multipart parts). */
  leftovers(key: string): Promise<string[]>;
  close(): Promise<void>;
}

type Env = Record<string, string>;
const configFrom = (env: Env) => storageSchema.parse(env);

export async function fsHarness(): Promise<DriverHarness> {
  const root = await mkdtemp(path.join(tmpdir(), 'vp-fs-store-'));
  const secret = 'contract-suite-signing-secret';
  // The route needs the store and the store needs the route's URL: resolve the cycle lazily.
  const ref: { store?: BlobStore } = {};
  const http = await startFsBlobServer(secret, () => ref.store!);
  const env: Env = {
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: root,
    STORAGE_FS_SIGNING_SECRET: secret,
    STORAGE_FS_PUBLIC_URL: http.baseUrl,
  };
  const store = (ref.store = createBlobStore(configFrom(env)));
  return {
    driver: 'fs',
    store,
    make: (tuning) => createBlobStore(configFrom(env), undefined, tuning),
    async unreachable() {
      // A root below a regular file can never be created: the fs analogue of a dead endpoint.
      const file = path.join(root, 'not-a-dir');
      await writeFile(file, 'x');
      return createBlobStore(configFrom({ ...env, STORAGE_FS_ROOT: path.join(file, 'store') }));
    },
    urlExpirySeconds: (url) => Number(new URL(url).searchParams.get('expires')) - Math.floor(Date.now() / 1000),
    leftovers: async () => (await readdir(path.join(root, 'tmp'))).map((f) => `tmp/${f}`),
    async close() {
      await http.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function s3Harness(): Promise<DriverHarness> {
  const minio = inject('minio');
  const env: Env = {
    STORAGE_DRIVER: 's3',
    STORAGE_BUCKET: minio.bucket,
    S3_ENDPOINT: minio.endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: minio.accessKeyId,
    S3_SECRET_ACCESS_KEY: minio.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
  const store = createBlobStore(configFrom(env));
  const admin = new S3Client({
    endpoint: minio.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
  });
  return {
    driver: 's3',
    store,
    make: (tuning) => createBlobStore(configFrom(env), undefined, tuning),
    unreachable: async () => createBlobStore(configFrom({ ...env, S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` })),
    urlExpirySeconds: (url) => Number(new URL(url).searchParams.get('X-Amz-Expires')),
    async leftovers(key) {
      const res = await admin.send(new ListMultipartUploadsCommand({ Bucket: minio.bucket, Prefix: key }));
      return (res.Uploads ?? []).map((u) => `multipart:${u.Key}:${u.UploadId}`);
    },
    async close() {
      admin.destroy();
      await store.close?.();
    },
  };
}

export async function gcsHarness(): Promise<DriverHarness> {
  const gcs = inject('fakeGcs');
  // Signed URLs are computed locally from a service-account key; a throwaway one is enough here.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = await mkdtemp(path.join(tmpdir(), 'vp-gcs-key-'));
  const keyFile = path.join(dir, 'sa.json');
  await writeFile(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'voicepulse-test',
      client_email: `contract-${randomUUID().slice(0, 8)}@voicepulse-test.iam.gserviceaccount.com`,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
    { mode: 0o600 },
  );
  const env: Env = {
    STORAGE_DRIVER: 'gcs',
    STORAGE_BUCKET: gcs.bucket,
    GCS_PROJECT_ID: 'voicepulse-test',
    GCS_API_ENDPOINT: gcs.endpoint,
    GCS_CREDENTIALS_FILE: keyFile,
  };
  return {
    driver: 'gcs',
    store: createBlobStore(configFrom(env)),
    make: (tuning) => createBlobStore(configFrom(env), undefined, tuning),
    unreachable: async () => createBlobStore(configFrom({ ...env, GCS_API_ENDPOINT: `http://127.0.0.1:${await freePort()}` })),
    urlExpirySeconds: (url) => Number(new URL(url).searchParams.get('X-Goog-Expires')),
    // Single-request uploads have no server-side session to leak; the key check covers the rest.
    leftovers: async () => [],
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export const harnesses: Record<StorageDriver, () => Promise<DriverHarness>> = {
  fs: fsHarness,
  s3: s3Harness,
  gcs: gcsHarness,
};
