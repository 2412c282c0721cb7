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
  /**
   * One channel of a recording with a declared channel layout, as canonical 16 kHz mono (0-based
   * `channel`): the scorer hears each speaker on their own; `normalized` stays the mix.
   */
  channel: (userId: string, recordingId: string, channel: number) =>
    `${blobKeys.prefix(userId, recordingId)}channel-${channel}.wav`,
  /**
   * Where a direct (signed-URL) upload lands. Completing moves it to `original`, which no signed URL
   * ever names, so replaying the URL cannot swap bytes that were already validated.
   */
  staging: (userId: string, recordingId: string) => `${blobKeys.prefix(userId, recordingId)}staging`,
};

/** The part of a blob store that deleting needs (structural, so this library does not depend on storage). */
export interface BlobDeleter {
  list(prefix: string): AsyncIterable<{ key: string }>;
  delete(key: string): Promise<void>;
}

/**
 * Removes every blob of one recording (original, staging upload, normalized and per-channel WAVs). Run by whoever
 * deletes the row, and again by a worker that finds the row gone after it wrote a blob, so a delete
 * racing any stage leaves nothing behind.
 */
export async function deleteRecordingBlobs(
  store: BlobDeleter,
  userId: string,
  recordingId: string,
): Promise<void> {
  for await (const blob of store.list(blobKeys.prefix(userId, recordingId))) {
    await store.delete(blob.key);
  }
}
