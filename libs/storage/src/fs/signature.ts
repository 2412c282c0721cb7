import { createHmac, timingSafeEqual } from 'node:crypto';
import { isValidKey } from '../keys';

/** What an fs-driver signed URL grants; everything here is covered by the signature. */
export interface FsSignedParams {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix time in seconds. */
  expires: number;
  contentType?: string;
  filename?: string;
  /** PUT only: the most bytes the grant accepts. */
  sizeBytes?: number;
}

export type FsSignatureCheck =
  | {
      ok: true;
      key: string;
      method: 'GET' | 'PUT';
      expiresAt: Date;
      contentType?: string;
      filename?: string;
      sizeBytes?: number;
    }
  | { ok: false; reason: 'malformed' | 'invalid-key' | 'method-mismatch' | 'expired' | 'bad-signature' };

export interface VerifyOptions {
  /** The HTTP method of the request being authorised; a GET URL never authorises a PUT. */
  method: string;
  now?: Date;
  /** Path prefix the gateway serves blobs under when a URL is passed (default `/v1/blobs`). */
  basePath?: string;
}

// v2 added the size: a v1 URL (no size bound) no longer verifies.
const VERSION = 'v2';

function canonical(p: FsSignedParams): string {
  // Newline-separated with a version tag: no field may contain '\n' (keys cannot; content types
  // and file names are rejected below), so two different grants never share a canonical string.
  return [
    VERSION,
    p.method,
    p.key,
    String(p.expires),
    p.contentType ?? '',
    p.filename ?? '',
    p.sizeBytes ?? '',
  ].join('\n');
}

export function fsSignature(params: FsSignedParams, secret: string): string {
  return createHmac('sha256', secret).update(canonical(params)).digest('base64url');
}

export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** Builds `<publicUrl>/<key>?method=…&expires=…[&contentType=…][&filename=…]&signature=…`. */
export function buildFsSignedUrl(publicUrl: string, params: FsSignedParams, secret: string): string {
  for (const v of [params.contentType, params.filename]) {
    if (v !== undefined && /[\r\n]/.test(v))
      throw new RangeError('contentType/filename must not contain newlines');
  }
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/${encodeKeyPath(params.key)}`);
  url.searchParams.set('method', params.method);
  url.searchParams.set('expires', String(params.expires));
  if (params.contentType !== undefined) url.searchParams.set('contentType', params.contentType);
  if (params.filename !== undefined) url.searchParams.set('filename', params.filename);
  if (params.sizeBytes !== undefined) url.searchParams.set('size', String(params.sizeBytes));
  url.searchParams.set('signature', fsSignature(params, secret));
  return url.toString();
}

type RawParams = { key: string; signature: string } & Record<string, string | undefined>;

function fromUrl(input: string | URL, basePath: string): RawParams | undefined {
  const url = typeof input === 'string' ? new URL(input, 'http://localhost') : input;
  const base = basePath.replace(/\/+$/, '') + '/';
  if (!url.pathname.startsWith(base)) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(base.length));
  } catch {
    return undefined;
  }
  const signature = url.searchParams.get('signature');
  if (!signature) return undefined;
  const raw: RawParams = { key, signature };
  for (const name of ['method', 'expires', 'contentType', 'filename', 'size']) {
    const v = url.searchParams.get(name);
    if (v !== null) raw[name] = v;
  }
  return raw;
}

/**
 * Checks a signed fs-driver URL (full/relative URL, or already-parsed route params + query) for the
 * gateway's `PUT/GET /v1/blobs/*`. Never throws on bad input: it says why the grant is refused.
 * On PUT the caller must also check the request's Content-Type equals `contentType` when present.
 */
export function verifyFsSignature(
  input: string | URL | RawParams,
  secret: string,
  opts: VerifyOptions,
): FsSignatureCheck {
  const raw =
    typeof input === 'string' || input instanceof URL ? fromUrl(input, opts.basePath ?? '/v1/blobs') : input;
  if (!raw || typeof raw.signature !== 'string' || typeof raw.key !== 'string')
    return { ok: false, reason: 'malformed' };
  const { method, expires } = raw;
  const size = raw.size;
  if ((method !== 'GET' && method !== 'PUT') || !expires || !/^\d{1,12}$/.test(expires)) {
    return { ok: false, reason: 'malformed' };
  }
  if (size !== undefined && !/^\d{1,15}$/.test(size)) {
    return { ok: false, reason: 'malformed' };
  }
  if (!isValidKey(raw.key)) return { ok: false, reason: 'invalid-key' };
  const requestMethod = opts.method.toUpperCase() === 'HEAD' ? 'GET' : opts.method.toUpperCase();
  if (requestMethod !== method) return { ok: false, reason: 'method-mismatch' };
  const params: FsSignedParams = {
    method,
    key: raw.key,
    expires: Number(expires),
    ...(raw.contentType !== undefined && { contentType: raw.contentType }),
    ...(raw.filename !== undefined && { filename: raw.filename }),
    ...(size !== undefined && { sizeBytes: Number(size) }),
  };
  const expected = Buffer.from(fsSignature(params, secret));
  const given = Buffer.from(raw.signature);
  // Compare before the expiry check so timing does not reveal whether a forged URL is expired.
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad-signature' };
  const now = (opts.now ?? new Date()).getTime();
  if (params.expires * 1000 <= now) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    key: params.key,
    method,
    expiresAt: new Date(params.expires * 1000),
    ...(params.contentType !== undefined && { contentType: params.contentType }),
    ...(params.filename !== undefined && { filename: params.filename }),
    ...(params.sizeBytes !== undefined && { sizeBytes: params.sizeBytes }),
  };
}
