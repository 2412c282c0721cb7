/**
 * Storage layout: everything for one recording under one prefix so deleting a recording is one
 * prefix listing, and the owner is part of the path for bucket-level audits.
 */
export const blobKeys = {
  prefix: (userId: string, recordingId: string) => `recordings/${encodeURIComponent(userId)}/${recordingId}/`,
  original: (userId: string, recordingId: string) => `${blobKeys.prefix(userId, recordingId)}original`,
  normalized: (userId: string, recordingId: string) => `${blobKeys.prefix(userId, recordingId)}normalized.wav`,
};
