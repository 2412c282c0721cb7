import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { MissingBinaryError } from './postgres-server';
import { freePort } from './processes';
import { waitFor } from './wait';

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server outright (SIGKILL): only what AOF already holds survives. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory, replaying the AOF. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Redis of our own, configured like production (AOF, noeviction): throwaway for fault tests that
 * kill it, or persistent in `dir` for `npm start`.
 */
export async function startRedisServer(
  opts: { dir?: string; port?: number; appendfsync?: 'always' | 'everysec' } = {},
): Promise<RedisServer> {
  const owned = !opts.dir;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'vp-redis-')));
  await mkdir(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
    });
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes'];
    args.push('--appendfsync', opts.appendfsync ?? 'everysec', '--maxmemory-policy', 'noeviction', '--save', '');
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) =>
      proc.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new MissingBinaryError('Redis', 'redis-server') : err),
      ),
    );
    child = proc;
    await Promise.race([
      failed,
      waitFor(
        async () => {
          const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
          try {
            await c.connect();
            return (await c.ping()) === 'PONG';
          } finally {
            c.disconnect();
          }
        },
        { what: `redis-server on ${port}`, timeoutMs: 20_000 },
      ),
    ]);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      child?.kill('SIGKILL');
      await exited();
    },
    start,
    async stop() {
      child?.kill('SIGTERM');
      await exited();
      if (owned) await rm(dir, { recursive: true, force: true });
    },
  };
}
