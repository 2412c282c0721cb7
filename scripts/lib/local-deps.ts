import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class MissingPrerequisite extends Error {}

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

export async function waitReachable(host: string, port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await reachable(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start listening on ${host}:${port}`);
}

/** A binary on PATH, or in Debian's versioned PostgreSQL directory which is not on PATH. */
export function findBinary(name: string): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  const pgRoot = '/usr/lib/postgresql';
  if (existsSync(pgRoot)) {
    for (const v of readdirSync(pgRoot).sort().reverse()) {
      const p = path.join(pgRoot, v, 'bin', name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export interface Started {
  name: string;
  stop(): Promise<void>;
}

/** Postgres into ./.data/postgres with trust auth on loopback: a developer database, nothing more. */
export async function startPostgres(dataRoot: string, port: number): Promise<Started> {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  if (!initdb || !pgCtl) {
    throw new MissingPrerequisite(
      `PostgreSQL is not reachable on 127.0.0.1:${port} and no initdb/pg_ctl binary was found — install it: sudo apt-get install postgresql`,
    );
  }
  const dir = path.join(dataRoot, 'postgres');
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    const init = spawnSync(initdb, ['-D', dir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions'], {
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  }
  const logFile = path.join(dataRoot, 'postgres.log');
  const start = spawnSync(
    pgCtl,
    ['-D', dir, '-l', logFile, '-w', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`, 'start'],
    { encoding: 'utf8' },
  );
  if (start.status !== 0) throw new Error(`pg_ctl start failed (see ${logFile}): ${start.stderr}`);
  return {
    name: 'postgres',
    async stop() {
      spawnSync(pgCtl, ['-D', dir, '-m', 'fast', '-w', 'stop']);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Redis with AOF, as production runs it, so a restart keeps acknowledged jobs. */
export async function startRedis(dataRoot: string, port: number): Promise<Started> {
  const bin = findBinary('redis-server');
  if (!bin) {
    throw new MissingPrerequisite(
      `Redis is not reachable on 127.0.0.1:${port} and no redis-server binary was found — install it: sudo apt-get install redis-server`,
    );
  }
  const dir = path.join(dataRoot, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
    { stdio: 'ignore' },
  );
  await waitReachable('127.0.0.1', port, 'redis-server');
  return { name: 'redis', stop: () => stopChild(child) };
}
