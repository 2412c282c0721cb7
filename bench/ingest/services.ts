/** The real gateway and ingestor as child processes, configured the way the ingestion benchmarks need. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import { SignJWT } from 'jose';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every service started here and not yet stopped, so a bench stopped mid-start orphans none. */
const live = new Set<ServiceProcess>();
function track(proc: ServiceProcess): ServiceProcess {
  live.add(proc);
  void proc.exited.then(() => live.delete(proc));
  return proc;
}
export async function stopAllServices(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop().catch(() => undefined)));
}

export interface BenchEnv {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** Extra NODE_OPTIONS for both services. */
  nodeOptions?: string;
  /** Directory for V8 CPU profiles (cpu-profile.mjs), written when the services exit. */
  cpuProfDir?: string;
}

function commonEnv(env: BenchEnv): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    QUEUE_PREFIX: env.queuePrefix,
    METADATA_SERVER_DETECTION: 'none',
    NODE_OPTIONS: [
      env.nodeOptions ?? '',
      env.cpuProfDir ? `--import ${path.join(root, 'bench/ingest/cpu-profile.mjs')}` : '',
    ]
      .join(' ')
      .trim(),
    ...(env.cpuProfDir ? { VP_CPU_PROF_DIR: path.resolve(env.cpuProfDir) } : {}),
  };
}

export async function startIngestor(
  env: BenchEnv,
  opts: { name?: string; batchSize: string; flushConcurrency: string },
): Promise<ServiceProcess> {
  return track(startNodeService(opts.name ?? 'ingestor', path.join(root, 'apps/ingestor/src/main.ts'), {
    ...commonEnv(env),
    HEALTH_PORT: String(await freePort()),
    DATABASE_POOL_MAX: '4',
    INGEST_BATCH_SIZE: opts.batchSize,
    INGEST_FLUSH_CONCURRENCY: opts.flushConcurrency,
  }));
}

export interface Gateway {
  proc: ServiceProcess;
  port: number;
}

/** Starts a gateway and waits until /readyz answers 200. */
export async function startGateway(
  env: BenchEnv,
  opts: { name?: string; jwtSecret: string; blobRoot: string; extraEnv?: Record<string, string> },
): Promise<Gateway> {
  const port = await freePort();
  const proc = track(startNodeService(opts.name ?? 'gateway', path.join(root, 'apps/gateway/src/main.ts'), {
    ...commonEnv(env),
    PORT: String(port),
    HOST: '127.0.0.1',
    HEALTH_PORT: String(await freePort()),
    AUTH_JWT_SECRET: opts.jwtSecret,
    STORAGE_DRIVER: 'fs',
    STORAGE_FS_ROOT: opts.blobRoot,
    // Production refuses the repository's published development secret (issue 12).
    STORAGE_FS_SIGNING_SECRET: randomBytes(32).toString('hex'),
    ...opts.extraEnv,
  }));
  try {
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.ok)
          .catch(() => false)) || undefined,
      // Generous: several replicas compiling with tsx at once on two shared cores take minutes.
      { what: `gateway ready (${proc.output().slice(-500)})`, timeoutMs: 300_000, intervalMs: 250 },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { proc, port };
}

/** A bearer token the gateway accepts, signed with its AUTH_JWT_SECRET. */
export function serviceToken(secret: string, role: 'ingest' | 'admin', subject: string): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer('voicepulse')
    .setAudience('voicepulse-api')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secret));
}
