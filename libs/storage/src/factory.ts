import type { StorageConfig } from '@voicepulse/config';
import { FsBlobStore } from './fs/fs-store';
import { GcsBlobStore } from './gcs/gcs-store';
import { S3BlobStore } from './s3/s3-store';
import type { BlobStore, StorageLogger } from './types';

/** Per-deployment knobs that are not environment configuration (tests, benchmarks). */
export interface BlobStoreTuning {
  listPageSize?: number;
}

/** Builds the store selected by STORAGE_DRIVER; nothing here touches the network. */
export function createBlobStore(
  config: StorageConfig,
  logger?: StorageLogger,
  tuning: BlobStoreTuning = {},
): BlobStore {
  switch (config.STORAGE_DRIVER) {
    case 'fs':
      return new FsBlobStore({
        root: config.STORAGE_FS_ROOT,
        signingSecret: config.STORAGE_FS_SIGNING_SECRET,
        publicUrl: config.STORAGE_FS_PUBLIC_URL,
        ...(logger && { logger }),
      });
    case 's3':
      return new S3BlobStore({
        bucket: config.STORAGE_BUCKET,
        region: config.S3_REGION,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        ...(config.S3_ENDPOINT && { endpoint: config.S3_ENDPOINT }),
        ...(config.S3_ACCESS_KEY_ID &&
          config.S3_SECRET_ACCESS_KEY && {
            credentials: {
              accessKeyId: config.S3_ACCESS_KEY_ID,
              secretAccessKey: config.S3_SECRET_ACCESS_KEY,
            },
          }),
        ...(tuning.listPageSize && { listPageSize: tuning.listPageSize }),
        ...(logger && { logger }),
      });
    case 'gcs':
      return new GcsBlobStore({
        bucket: config.STORAGE_BUCKET,
        ...(config.GCS_PROJECT_ID && { projectId: config.GCS_PROJECT_ID }),
        ...(config.GCS_API_ENDPOINT && { apiEndpoint: config.GCS_API_ENDPOINT }),
        ...(config.GCS_CREDENTIALS_FILE && { keyFilename: config.GCS_CREDENTIALS_FILE }),
        ...(tuning.listPageSize && { listPageSize: tuning.listPageSize }),
        ...(logger && { logger }),
      });
    default: {
      const driver: never = config.STORAGE_DRIVER;
      throw new Error(`unknown storage driver ${String(driver)}`);
    }
  }
}
