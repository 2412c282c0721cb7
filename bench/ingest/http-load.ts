import http from 'node:http';

export interface LoadResult {
  seconds: number;
  latenciesMs: number[];
  failures: number;
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
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const urls = (Array.isArray(opts.url) ? opts.url : [opts.url]).map((u) => new URL(u));
  const latenciesMs: number[] = [];
  let failures = 0;
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
        const status = await send(url, body).catch(() => 0);
        latenciesMs.push(performance.now() - t0);
        if (status !== opts.expectStatus) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, latenciesMs, failures };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
