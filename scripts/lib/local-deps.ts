import { startPostgresServer, startRedisServer } from '@voicepulse/testing';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export { MissingBinaryError } from '@voicepulse/testing';

export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function findBinary(name: string): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

export interface Started {
  name: string;
  stop(): Promise<void>;
}

/**
 * Makes sure Postgres and Redis answer at the given URLs, starting local ones (data under
 * `dataRoot`, kept between runs) where nothing listens. Returns what it started, to stop later.
 */
export async function ensureDatabases(
  urls: { postgres: string; redis: string },
  dataRoot: string,
  say: (msg: string) => void,
): Promise<Started[]> {
  const started: Started[] = [];
  const db = new URL(urls.postgres);
  const dbPort = Number(db.port || 5432);
  if (!(await reachable(db.hostname, dbPort))) {
    say(`Postgres not reachable at ${db.hostname}:${dbPort}; starting one in ${path.join(dataRoot, 'postgres')}`);
    const pg = await startPostgresServer({ dataDir: path.join(dataRoot, 'postgres'), port: dbPort });
    started.push({ name: 'postgres', stop: () => pg.stop() });
  }
  const redis = new URL(urls.redis);
  const redisPort = Number(redis.port || 6379);
  if (!(await reachable(redis.hostname, redisPort))) {
    say(`Redis not reachable at ${redis.hostname}:${redisPort}; starting one in ${path.join(dataRoot, 'redis')}`);
    const r = await startRedisServer({ dir: path.join(dataRoot, 'redis'), port: redisPort });
    started.push({ name: 'redis', stop: () => r.stop() });
  }
  return started;
}
