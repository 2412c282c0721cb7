import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { deleteRedisPrefix, testRedisUrl, uniquePrefix } from './redis';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Sends `signal` (SIGTERM) and waits; a process still alive after `graceMs` is SIGKILLed. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts a TypeScript entry point as a real child process (the way it runs in production), capturing
 * its output so a failing test can show what the service logged.
 */
export function startNodeService(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: { args?: string[]; uid?: number; gid?: number } = {},
): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...(options.args ?? [])], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let buf = '';
  const keep = (d: Buffer) => {
    buf += d.toString();
    if (buf.length > 2_000_000) buf = buf.slice(-1_000_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    output: () => buf,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      // A hung shutdown must fail loudly in the suite that tests it, not hang every other suite.
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * A worker service under test, run as a real process against one test database, on a queue prefix of
 * its own so parallel suites never share a queue. `start` may be called again (a restart after a
 * kill, a second replica); `cleanup` stops every process it started and deletes the prefix's keys.
 */
export interface WorkerUnderTest {
  prefix: string;
  /** Starts one process; `env` adds the service's own settings to the database, Redis and prefix. */
  start(env?: Record<string, string>): ServiceProcess;
  cleanup(signal?: NodeJS.Signals): Promise<void>;
}

export function workerUnderTest(name: string, entry: string, databaseUrl: string): WorkerUnderTest {
  const prefix = uniquePrefix(name);
  const procs: ServiceProcess[] = [];
  return {
    prefix,
    start(env = {}) {
      const proc = startNodeService(name, entry, {
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        HEALTH_PORT: '0',
        ...env,
      });
      procs.push(proc);
      return proc;
    },
    async cleanup(signal) {
      for (const proc of procs) await proc.stop(signal);
      await deleteRedisPrefix(prefix);
    },
  };
}
