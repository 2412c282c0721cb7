import { InvalidKeyError } from './errors';

export const MAX_KEY_BYTES = 1024;
/** File systems and MinIO cap a path segment at 255 bytes; keep room for the fs sidecar suffix. */
export const MAX_SEGMENT_BYTES = 250;

// The S3 "safe characters" set plus '/', '=', '+', ',' and '@'. Anything else (%, \, NUL, control
// characters, spaces, quotes) is refused so keys survive URLs, shells and file systems unescaped;
// in particular '%' is out, so percent-encoded traversal ("%2e%2e") can never reach a driver.
const SAFE = /^[A-Za-z0-9!\-_.*'()/=+,@]+$/;

function check(key: string, kind: 'key' | 'prefix'): void {
  if (typeof key !== 'string') throw new InvalidKeyError(String(key), 'must be a string');
  if (key.length === 0) {
    if (kind === 'prefix') return;
    throw new InvalidKeyError(key, 'must not be empty');
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  }
  if (key.includes('\0')) throw new InvalidKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new InvalidKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'must not start with "/"');
  if (!SAFE.test(key)) throw new InvalidKeyError(key, "contains characters outside [A-Za-z0-9!-_.*'()/=+,@]");
  if (kind === 'key' && key.endsWith('/')) throw new InvalidKeyError(key, 'must not end with "/"');
  const segments = key.split('/');
  // A prefix may end with '/', which leaves one trailing empty segment.
  const inner = kind === 'prefix' && key.endsWith('/') ? segments.slice(0, -1) : segments;
  for (const segment of inner) {
    if (segment === '') throw new InvalidKeyError(key, 'contains an empty path segment');
    if (segment === '.' || segment === '..')
      throw new InvalidKeyError(key, `contains a "${segment}" segment`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new InvalidKeyError(key, `has a path segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
}

/** Shared by every adapter so a key valid on one driver is valid on all of them. */
export function assertValidKey(key: string): void {
  check(key, 'key');
}

/** Like keys, but may be empty (list everything) or end with '/'. */
export function assertValidPrefix(prefix: string): void {
  check(prefix, 'prefix');
}

// What a segment may hold verbatim: the safe set minus '/', and minus '=' which marks an encoded one.
const VERBATIM_SEGMENT = /^[A-Za-z0-9!\-_.*'()+,@]+$/;

/**
 * Turns any string (a user id, say) into one valid key segment, injectively: a string that is
 * already safe stays readable as it is, anything else (':' or '%', a lone "." or "..", or a
 * leading '=') becomes '=' + its base64url UTF-8 bytes, which a verbatim segment can never start
 * with. Throws InvalidKeyError when the result would exceed MAX_SEGMENT_BYTES.
 */
export function encodeKeySegment(value: string): string {
  const verbatim = VERBATIM_SEGMENT.test(value) && value !== '.' && value !== '..';
  const segment = verbatim ? value : `=${Buffer.from(value, 'utf8').toString('base64url')}`;
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
    throw new InvalidKeyError(segment, `encodes to more than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return segment;
}

export function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}
