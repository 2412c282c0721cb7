import { NotFoundError } from './errors';
import { silentLogger, type BlobInfo, type StorageLogger } from './types';

/**
 * What every adapter (fs, S3, GCS) has in common, written once: its logger, and `exists`, which the
 * BlobStore contract defines by `head`.
 */
export abstract class BlobStoreBase {
  protected readonly logger: StorageLogger;

  constructor(logger: StorageLogger | undefined) {
    this.logger = logger ?? silentLogger;
  }

  abstract head(key: string): Promise<BlobInfo>;

  /** A head that answers NotFound means "no"; any other failure propagates. */
  async exists(key: string): Promise<boolean> {
    try {
      await this.head(key);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }
}
