import { recordingStatusEventSchema, type RecordingStatusEvent } from '@voicepulse/contracts';
import type { Redis } from 'ioredis';

/**
 * Status changes are broadcast over Redis pub/sub so every gateway replica can push them to its SSE
 * clients. Pub/sub is best-effort by design: the database row is the truth, and SSE clients get the
 * current row on connect, so a missed message only delays a live update.
 */
export function statusChannel(prefix: string): string {
  return `${prefix}:recording-status`;
}

export async function publishStatus(redis: Redis, prefix: string, event: RecordingStatusEvent): Promise<void> {
  await redis.publish(statusChannel(prefix), JSON.stringify(event));
}

export type StatusListener = (event: RecordingStatusEvent) => void;

export interface StatusHub {
  subscribe(recordingId: string, listener: StatusListener): () => void;
  close(): Promise<void>;
}

/** One Redis subscription per process, fanned out in memory to listeners keyed by recording id. */
export async function createStatusHub(subscriber: Redis, prefix: string): Promise<StatusHub> {
  const listeners = new Map<string, Set<StatusListener>>();
  const channel = statusChannel(prefix);
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let parsed;
    try {
      parsed = recordingStatusEventSchema.parse(JSON.parse(message));
    } catch {
      return;
    }
    for (const l of listeners.get(parsed.id) ?? []) l(parsed);
  });
  await subscriber.subscribe(channel);
  return {
    subscribe(recordingId, listener) {
      let set = listeners.get(recordingId);
      if (!set) listeners.set(recordingId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (!set.size) listeners.delete(recordingId);
      };
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
      subscriber.disconnect();
    },
  };
}
