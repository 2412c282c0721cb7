import { encodeKeySegment } from '@voicepulse/storage/keys';

/**
 * Storage layout: everything for one recording under one prefix so deleting a recording is one
 * prefix listing, and the owner is part of the path for bucket-level audits. The user id is
 * encoded so every id the schema allows ('@', ':', a bare "..") makes a valid key.
 */
export const blobKeys = {
  prefix: (userId: string, recordingId: string) => `recordings/${encodeKeySegment(userId)}/${recordingId}/`,
  original: (userId: string, recordingId: string) => `${blobKeys.prefix(userId, recordingId)}original`,
  normalized: (userId: string, recordingId: string) =>
    `${blobKeys.prefix(userId, recordingId)}normalized.wav`,
};
