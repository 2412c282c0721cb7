import type { FailureCode, RecordingList, RecordingStatus, RecordingView } from '@voicepulse/contracts';
import { recordingStatusEventSchema, statusRank, TERMINAL_STATUSES } from '@voicepulse/contracts';
import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { useAuth } from '../auth/auth';
import { apiFetch, apiJson, tokenUrl, type RequestOptions } from './client';
import { ApiError, messageOf } from './errors';

/** One cache for the app: reads are keyed by URL, writes invalidate by path prefix (see apiKey). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // An API error is shown, not retried behind a spinner; 401 signs out (useApiRequest).
      queries: { retry: false, refetchOnWindowFocus: false },
    },
  });
}

/**
 * `/v1/recordings/abc?limit=10` → `['api', 'v1', 'recordings', 'abc', '?limit=10']`: a prefix of
 * path segments matches a resource and everything under it (the list and each recording).
 */
export function apiKey(path: string): string[] {
  const [pathname = '', search] = path.split('?');
  return ['api', ...pathname.split('/').filter(Boolean), ...(search ? [`?${search}`] : [])];
}

/** Requests with the session's token; a rejected token signs the user out instead of erroring forever. */
function useApiRequest() {
  const { session, signOut } = useAuth();
  const token = session?.token ?? null;
  return useCallback(
    async <T,>(run: (token: string | null) => Promise<T>): Promise<T> => {
      try {
        return await run(token);
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) signOut();
        throw err;
      }
    },
    [token, signOut],
  );
}

/**
 * A write (POST, PATCH, DELETE) with the session's token, then every cached read under
 * `invalidates` (path prefixes such as `/v1/prompts`) is refetched.
 */
export function useApiWrite() {
  const request = useApiRequest();
  const client = useQueryClient();
  return useCallback(
    async (path: string, options: Omit<RequestOptions, 'token'>, invalidates: string[]): Promise<void> => {
      await request((token) => apiFetch(path, { ...options, token }));
      await Promise.all(invalidates.map((p) => client.invalidateQueries({ queryKey: apiKey(p) })));
    },
    [request, client],
  );
}

/**
 * The one error line of a page's actions: `run` clears it as an action starts (the last one's
 * failure is no longer current) and shows `prefix` + the failure's message when it fails, so no
 * page writes its own try/catch per button. `run` never rejects.
 */
export function useActionError(): [string, (action: () => Promise<unknown>, prefix?: string) => Promise<void>] {
  const [error, setError] = useState('');
  const run = useCallback(async (action: () => Promise<unknown>, prefix = '') => {
    setError('');
    try {
      await action();
    } catch (err) {
      setError(prefix + messageOf(err));
    }
  }, []);
  return [error, run];
}

export type Loadable<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/**
 * GET `path` (null: not now) through the query cache, parsed with its contract's schema;
 * `reload` re-fetches without flashing the loading state.
 */
export function useApiQuery<S extends z.ZodType>(
  path: string | null,
  schema: S,
  options: { refetchIntervalMs?: number } = {},
): [Loadable<z.output<S>>, () => void] {
  const request = useApiRequest();
  const { session } = useAuth();
  const query = useQuery({
    // The token ends the key, so another user never sees this one's cached answers (prefix
    // invalidation by path is unaffected).
    queryKey: [...apiKey(path ?? ''), session?.token ?? null],
    queryFn: ({ signal }) => request((token) => apiJson(path!, schema, { token, signal })),
    enabled: path !== null,
    refetchInterval: options.refetchIntervalMs ?? false,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  const value: Loadable<z.output<S>> =
    query.status === 'success'
      ? { state: 'ready', data: query.data }
      : query.status === 'error'
        ? { state: 'error', message: messageOf(query.error) }
        : { state: 'loading' };
  return [value, reload];
}

export interface LiveStatus {
  status: RecordingStatus;
  failure?: { code: FailureCode; message: string };
}

const isList = (v: unknown): v is RecordingList => typeof v === 'object' && v !== null && 'items' in v;

/**
 * Follows a recording's status over Server-Sent Events until it is scored or failed, writing each
 * status into every cached read that holds the recording (its page, lists), and refetching them
 * at the end, when the analysis arrives. The server closes the stream at a terminal state; we close
 * too, or EventSource would reconnect forever.
 */
export function useRecordingStatus(id: string | null, initial?: LiveStatus): LiveStatus | undefined {
  const { session } = useAuth();
  const client = useQueryClient();
  const [live, setLive] = useState<LiveStatus | undefined>(initial);
  const token = session?.token;
  const terminal = initial !== undefined && TERMINAL_STATUSES.includes(initial.status);
  useEffect(() => {
    if (!id || !token || terminal || typeof EventSource === 'undefined') return;
    const source = new EventSource(tokenUrl(`/v1/recordings/${id}/events`, token));
    source.addEventListener('status', (e) => {
      const parsed = recordingStatusEventSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
      if (!parsed.success) return;
      const event = parsed.data;
      const patch = (r: RecordingView): RecordingView =>
        r.id === id && statusRank(event.status) > statusRank(r.status) ? { ...r, status: event.status } : r;
      client.setQueriesData<RecordingView | RecordingList>({ queryKey: apiKey('/v1/recordings') }, (data) =>
        data === undefined ? data : isList(data) ? { ...data, items: data.items.map(patch) } : patch(data),
      );
      setLive({ status: event.status, ...(event.failure ? { failure: event.failure } : {}) });
      if (TERMINAL_STATUSES.includes(event.status)) {
        source.close();
        void client.invalidateQueries({ queryKey: apiKey('/v1/recordings') });
      }
    });
    return () => source.close();
  }, [id, token, terminal, client]);
  // A refetch may have moved on further than the stream we saw (or we were not following): show the later.
  if (!live || (initial && statusRank(initial.status) > statusRank(live.status))) return initial;
  return live;
}
