import { directUploadResponseSchema, uploadAcceptedSchema, type DirectUploadRequest, type UploadAccepted } from '@voicepulse/contracts';
import { apiJson, apiUrl } from './client';
import { AbortedError, apiError, errorFromResponse } from './errors';

/** Above this size the bytes go straight to the bucket instead of through the gateway. */
export const DIRECT_UPLOAD_THRESHOLD = 32 * 1024 * 1024;

export interface UploadFields {
  transcript?: string;
  recordedAt?: string;
  deviceId?: string;
  microphoneUsed?: boolean;
  speakerUsed?: boolean;
  promptId?: string;
  actedEmotion?: string;
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  token: string;
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
  directThreshold?: number;
  /** Injected by tests; the browser's XMLHttpRequest otherwise (fetch cannot report upload progress). */
  createXhr?: () => XMLHttpRequest;
}

interface XhrResult {
  status: number;
  text: string;
}

function send(
  createXhr: () => XMLHttpRequest,
  method: string,
  url: string,
  body: XMLHttpRequestBodyInit,
  headers: Record<string, string>,
  onProgress: ((p: UploadProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const xhr = createXhr();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.({ loaded: e.loaded, total: e.total });
    };
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, text: String(xhr.responseText ?? '') });
    };
    xhr.onerror = () => {
      done();
      reject(apiError(0, 'network'));
    };
    xhr.onabort = () => {
      done();
      reject(new AbortedError());
    };
    xhr.send(body);
  });
}

async function ensureOk(r: XhrResult): Promise<XhrResult> {
  if (r.status >= 200 && r.status < 300) return r;
  throw await errorFromResponse({ status: r.status, text: async () => r.text });
}

/**
 * Uploads one recording with progress. Small files stream through the gateway as multipart; large
 * ones are PUT straight to object storage on a signed URL and then confirmed, so the gateway never
 * carries their bytes. Rejects with ApiError (plain words) or AbortedError.
 */
export async function uploadRecording(file: Blob, filename: string, fields: UploadFields, options: UploadOptions): Promise<UploadAccepted> {
  const createXhr = options.createXhr ?? (() => new XMLHttpRequest());
  if (file.size > (options.directThreshold ?? DIRECT_UPLOAD_THRESHOLD)) return uploadDirect(file, fields, options, createXhr);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== '') form.append(k, String(v));
  }
  // The file goes last so the gateway has every field before it starts streaming audio.
  form.append('file', file, filename);
  const res = await send(
    createXhr,
    'POST',
    apiUrl('/v1/recordings'),
    form,
    { authorization: `Bearer ${options.token}` },
    options.onProgress,
    options.signal,
  ).then(ensureOk);
  return uploadAcceptedSchema.parse(JSON.parse(res.text));
}

async function uploadDirect(file: Blob, fields: UploadFields, options: UploadOptions, createXhr: () => XMLHttpRequest): Promise<UploadAccepted> {
  const { token, signal } = options;
  const request: DirectUploadRequest = {
    contentType: file.type || 'application/octet-stream',
    sizeBytes: file.size,
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')),
  };
  const target = await apiJson('/v1/uploads', directUploadResponseSchema, { method: 'POST', body: request, token, signal });
  await send(createXhr, target.method, target.uploadUrl, file, target.headers, options.onProgress, signal).then(ensureOk);
  return apiJson(`/v1/uploads/${target.id}/complete`, uploadAcceptedSchema, { method: 'POST', token, signal });
}
