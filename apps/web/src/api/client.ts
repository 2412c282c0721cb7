import type { z } from 'zod';
import { AbortedError, apiError, errorFromResponse } from './errors';

/** Empty by default: the app and the API share an origin (Vite proxy, nginx or the Ingress). */
export const API_BASE = (import.meta.env.VITE_API_BASE_URL as string | undefined)?.replace(/\/$/, '') ?? '';

export const apiUrl = (path: string) => `${API_BASE}${path}`;

/** A URL for elements that cannot send headers (<audio>, EventSource): the token rides in the query. */
export function tokenUrl(path: string, token: string): string {
  return apiUrl(`${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  token?: string | null;
}

export async function apiFetch(path: string, { method = 'GET', body, signal, token }: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (err) {
    if (signal?.aborted) throw new AbortedError();
    throw apiError(0, 'network', err instanceof Error ? err.message : '');
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/** A JSON response, parsed with its contract's zod schema: a body that does not fit is an error, not a cast. */
export async function apiJson<S extends z.ZodType>(path: string, schema: S, options: RequestOptions = {}): Promise<z.output<S>> {
  const res = await apiFetch(path, options);
  return schema.parse(await res.json());
}

/** Downloads an authenticated file (CSV, dataset) by handing the browser a blob URL. */
export async function downloadFile(path: string, token: string, fallbackName: string): Promise<void> {
  const res = await apiFetch(path, { token });
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Hands a large download (a dataset archive) to the browser's download manager so it streams to
 * disk instead of being held in page memory; the token rides in the query like for <audio>.
 */
export function downloadStreamed(path: string, token: string): void {
  const a = document.createElement('a');
  a.href = tokenUrl(path, token);
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}
