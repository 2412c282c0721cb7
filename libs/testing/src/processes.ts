import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { testRedisUrl } from './redis';

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
 * The environment every worker service needs in a test: this test's database, the test Redis and
 * its own queue prefix, so parallel suites never share a queue. `extra` adds the service's own.
 */
export function workerTestEnv(
  databaseUrl: string,
  queuePrefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: queuePrefix,
    HEALTH_PORT: '0',
    ...extra,
  };
}
