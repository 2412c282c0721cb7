/**
 * Starts real MinIO / fake-gcs-server processes for tests, E2E suites and `npm start`.
 * Binaries come from PATH or from scripts/ensure-tools.sh (which builds them once into a cache).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const run = promisify(execFile);

export interface RunningMinio {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface RunningFakeGcs {
  endpoint: string;
  stop(): Promise<void>;
}

export interface StartMinioOptions {
  /** Persistent data directory; a temporary one (removed on stop) when omitted. */
  dataDir?: string;
  port?: number;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Buckets to create once the server is ready. */
  buckets?: string[];
  readyTimeoutMs?: number;
}

export interface StartFakeGcsOptions {
  port?: number;
  buckets?: string[];
  projectId?: string;
  readyTimeoutMs?: number;
}

/** Asks the kernel for a free loopback port. There is a small race until the child binds it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function repoRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'scripts', 'ensure-tools.sh'))) return dir;
  }
  throw new Error('cannot locate scripts/ensure-tools.sh above ' + fileURLToPath(import.meta.url));
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Absolute path of a Go tool: PATH first, otherwise built/cached by ensure-tools.sh. */
export async function resolveTool(name: 'minio' | 'fake-gcs-server'): Promise<string> {
  const found = onPath(name);
  if (found) return found;
  const script = path.join(repoRoot(), 'scripts', 'ensure-tools.sh');
  const { stdout } = await run(script, [name], { maxBuffer: 1 << 20, timeout: 30 * 60_000 });
  const bin = stdout.trim().split('\n').pop() ?? '';
  const tool = path.join(bin, name);
  if (!existsSync(tool)) throw new Error(`ensure-tools.sh did not produce ${tool}`);
  return tool;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Never leave orphaned servers behind when the runner dies without calling stop().
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
}

interface Spawned {
  child: ChildProcess;
  output(): string;
}

function spawnServer(bin: string, args: string[], env: Record<string, string>): Spawned {
  const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => tail };
}

async function waitReady(url: string, spawned: Spawned, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  spawned.child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} ${exited} before becoming ready:\n${spawned.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms at ${url}:\n${spawned.output()}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Retries with a fresh port when the child loses the race for the port we picked. */
async function withPortRetry<T>(fixed: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < (fixed ? 1 : 3); attempt++) {
    try {
      return await start(fixed ?? (await freePort()));
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

export async function startMinio(opts: StartMinioOptions = {}): Promise<RunningMinio> {
  const bin = await resolveTool('minio');
  const accessKeyId = opts.accessKeyId ?? 'voicepulse';
  const secretAccessKey = opts.secretAccessKey ?? 'voicepulse-secret';
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'vp-minio-')));
  try {
    return await withPortRetry(opts.port, async (port) => {
      const consolePort = await freePort();
      const spawned = spawnServer(
        bin,
        ['server', dataDir, '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`],
        {
          MINIO_ROOT_USER: accessKeyId,
          MINIO_ROOT_PASSWORD: secretAccessKey,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
        },
      );
      const endpoint = `http://127.0.0.1:${port}`;
      try {
        await waitReady(`${endpoint}/minio/health/ready`, spawned, 'minio', opts.readyTimeoutMs ?? 60_000);
        if (opts.buckets?.length) {
          const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
          try {
            for (const Bucket of opts.buckets) await s3.send(new CreateBucketCommand({ Bucket }));
          } finally {
            s3.destroy();
          }
        }
      } catch (err) {
        await terminate(spawned.child);
        throw err;
      }
      return {
        endpoint,
        accessKeyId,
        secretAccessKey,
        region: 'us-east-1',
        dataDir,
        async stop() {
          await terminate(spawned.child);
          if (ownDir) await rm(dataDir, { recursive: true, force: true });
        },
      };
    });
  } catch (err) {
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export async function startFakeGcs(opts: StartFakeGcsOptions = {}): Promise<RunningFakeGcs> {
  const bin = await resolveTool('fake-gcs-server');
  return withPortRetry(opts.port, async (port) => {
    const host = `127.0.0.1:${port}`;
    const endpoint = `http://${host}`;
    const spawned = spawnServer(
      bin,
      // public-host must equal the Host header signed URLs arrive with, or they are not routed.
      ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-public-host', host, '-external-url', endpoint, '-log-level', 'error'],
      {},
    );
    try {
      await waitReady(`${endpoint}/_internal/healthcheck`, spawned, 'fake-gcs-server', opts.readyTimeoutMs ?? 30_000);
      for (const name of opts.buckets ?? []) {
        const res = await fetch(`${endpoint}/storage/v1/b?project=${encodeURIComponent(opts.projectId ?? 'voicepulse-local')}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        if (!res.ok) throw new Error(`fake-gcs-server: creating bucket ${name} failed: ${res.status} ${await res.text()}`);
      }
    } catch (err) {
      await terminate(spawned.child);
      throw err;
    }
    return { endpoint, stop: () => terminate(spawned.child) };
  });
}
