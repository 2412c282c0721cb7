import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedDestination } from './destination';

export class DeliveryTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`receiver did not answer within ${timeoutMs} ms`);
    this.name = 'DeliveryTimeoutError';
  }
}

/**
 * A lookup that answers only with the address the destination check approved. Node calls it for
 * the connection (with `all: true` when it tries families in parallel), so the socket can reach
 * nothing the check did not see; TLS still verifies the certificate against the URL's hostname.
 */
function pinnedLookup(dest: CheckedDestination): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: dest.address, family: dest.family }]);
    else callback(null, dest.address, dest.family);
  }) as LookupFunction;
}

/**
 * POSTs `body` to the checked destination and resolves with the status code. Redirects are not
 * followed (a 3xx is just a status: following it would fetch an address nobody checked). The whole
 * exchange up to the response headers is bounded by `timeoutMs`; the response body is discarded.
 */
export function postOnce(
  dest: CheckedDestination,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  const client = dest.url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const req = client.request(dest.url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinnedLookup(dest),
      // A fresh connection per delivery: a pooled socket could have been opened to another address.
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new DeliveryTimeoutError(timeoutMs)), timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      res.on('error', () => undefined);
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}
