import type { FailureCode, RecordingStatus, RecordingStatusEvent } from '@voicepulse/contracts';
import { statusRank, TERMINAL_STATUSES } from '@voicepulse/contracts';
import { useCallback, useEffect, useState } from 'react';
import { useAuth } from '../auth/auth';
import { apiJson, tokenUrl, type RequestOptions } from './client';
import { ApiError, messageOf } from './errors';

/** apiJson with the session's token; a rejected token signs the user out instead of erroring forever. */
export function useApi() {
  const { session, signOut } = useAuth();
  const token = session?.token ?? null;
  return useCallback(
    async <T,>(path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<T> => {
      try {
        return await apiJson<T>(path, { ...options, token });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) signOut();
        throw err;
      }
    },
    [token, signOut],
  );
}

export type Loadable<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/** Loads `path` whenever it changes; `reload` re-fetches without flashing the loading state. */
export function useLoad<T>(path: string | null): [Loadable<T>, () => void] {
  const api = useApi();
  // Stored with the path it answers: another path reads as loading until its own answer arrives.
  const [loaded, setLoaded] = useState<{ path: string; value: Loadable<T> } | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    api<T>(path, { signal: controller.signal }).then(
      (data) => setLoaded({ path, value: { state: 'ready', data } }),
      (err) => {
        if (!controller.signal.aborted) setLoaded({ path, value: { state: 'error', message: messageOf(err) } });
      },
    );
    return () => controller.abort();
  }, [api, path, generation]);
  const value: Loadable<T> = loaded !== null && loaded.path === path ? loaded.value : { state: 'loading' };
  return [value, useCallback(() => setGeneration((g) => g + 1), [])];
}

export interface LiveStatus {
  status: RecordingStatus;
  failure?: { code: FailureCode; message: string };
}

/**
 * Follows a recording's status over Server-Sent Events until it is scored or failed. The server
 * closes the stream at a terminal state; we close too, or EventSource would reconnect forever.
 */
export function useRecordingStatus(id: string | null, initial?: LiveStatus): LiveStatus | undefined {
  const { session } = useAuth();
  const [live, setLive] = useState<LiveStatus | undefined>(initial);
  const token = session?.token;
  const terminal = initial !== undefined && TERMINAL_STATUSES.includes(initial.status);
  useEffect(() => {
    if (!id || !token || terminal || typeof EventSource === 'undefined') return;
    const source = new EventSource(tokenUrl(`/v1/recordings/${id}/events`, token));
    source.addEventListener('status', (e) => {
      const event = JSON.parse((e as MessageEvent<string>).data) as RecordingStatusEvent;
      setLive({ status: event.status, ...(event.failure ? { failure: event.failure } : {}) });
      if (TERMINAL_STATUSES.includes(event.status)) source.close();
    });
    return () => source.close();
  }, [id, token, terminal]);
  // A refetch may have moved on further than the stream we saw (or we were not following): show the later.
  if (!live || (initial && statusRank(initial.status) > statusRank(live.status))) return initial;
  return live;
}
