import http from 'node:http';

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  failures: number;
  /** Responses by status code (0: the connection failed), retried attempts included. */
  statuses: Record<number, number>;
  /** Attempts answered 503 and sent again (retryUnavailable). */
  retries: number;
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next request as soon as the previous
 * one is answered (keep-alive), recording the latency of every request until acknowledgement.
 */
export async function runLoad(opts: {
  /** Several URLs (replicas): client worker k sends to url[k % n]. */
  url: string | string[];
  concurrency: number;
  requests: number;
  headers: Record<string, string>;
  body: (i: number) => Buffer | Promise<Buffer>;
  expectStatus: number;
  /**
   * Retry a 503 (the service shedding load: its body budget, or Postgres out of reach) after a
   * pause, as a real client would; latency then counts from the first attempt. Off by default.
   */
  retryUnavailable?: boolean;
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const urls = (Array.isArray(opts.url) ? opts.url : [opts.url]).map((u) => new URL(u));
  const latenciesMs: number[] = [];
  let failures = 0;
  const statuses: Record<number, number> = {};
  let retries = 0;
  let next = 0;
  const send = (url: URL, body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { ...opts.headers, 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, worker) => {
      const url = urls[worker % urls.length]!;
      for (let i = next++; i < opts.requests; i = next++) {
        const body = await opts.body(i);
        const t0 = performance.now();
        let status = await send(url, body).catch(() => 0);
        while (opts.retryUnavailable && status === 503) {
          statuses[status] = (statuses[status] ?? 0) + 1;
          retries++;
          await new Promise((r) => setTimeout(r, 500));
          status = await send(url, body).catch(() => 0);
        }
        latenciesMs.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== opts.expectStatus) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latenciesMs, failures, statuses, retries };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
