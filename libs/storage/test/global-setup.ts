import type { TestProject } from 'vitest/node';
import { startFakeGcs, startMinio } from './servers';

export const TEST_BUCKET = 'vp-contract';

declare module 'vitest' {
  export interface ProvidedContext {
    minio: { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string };
    fakeGcs: { endpoint: string; bucket: string };
  }
}

/** Real servers for the contract suite. Any failure here fails the run: nothing is skipped. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.METADATA_SERVER_DETECTION = 'none';
  const [minio, gcs] = await Promise.allSettled([
    startMinio({ buckets: [TEST_BUCKET] }),
    startFakeGcs({ buckets: [TEST_BUCKET] }),
  ]);
  const stopAll = async () => {
    await Promise.all([minio, gcs].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  };
  if (minio.status === 'rejected' || gcs.status === 'rejected') {
    await stopAll();
    throw minio.status === 'rejected' ? minio.reason : (gcs as PromiseRejectedResult).reason;
  }
  project.provide('minio', {
    endpoint: minio.value.endpoint,
    accessKeyId: minio.value.accessKeyId,
    secretAccessKey: minio.value.secretAccessKey,
    bucket: TEST_BUCKET,
  });
  project.provide('fakeGcs', { endpoint: gcs.value.endpoint, bucket: TEST_BUCKET });
  return stopAll;
}
