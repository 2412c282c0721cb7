export * from './errors';
export * from './types';
export {
  assertValidKey,
  assertValidPrefix,
  encodeKeySegment,
  isValidKey,
  MAX_KEY_BYTES,
  MAX_SEGMENT_BYTES,
} from './keys';
export { MAX_SIGNED_URL_SECONDS } from './expiry';
export { createBlobStore, type BlobStoreTuning } from './factory';
export { FsBlobStore, type FsBlobStoreOptions } from './fs/fs-store';
export {
  verifyFsSignature,
  type FsSignatureCheck,
  type FsSignedParams,
  type VerifyOptions,
} from './fs/signature';
export { S3BlobStore, type S3BlobStoreOptions } from './s3/s3-store';
export { GcsBlobStore, type GcsBlobStoreOptions } from './gcs/gcs-store';
