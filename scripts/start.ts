/**
 * `npm start`: the whole system on one machine. Reuses Postgres/Redis/MinIO when they are already
 * reachable, otherwise starts them from local binaries into ./.data, runs migrations, then starts
 * every app with prefixed logs. Ctrl-C stops everything this script started, in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDatabase, runMigrations } from '@voicepulse/db';
import {
  MissingBinaryError,
  ensureDatabases,
  findBinary,
  findFfmpeg,
  reachable,
  type Started,
} from './lib/local-deps';
import { localSecrets } from './lib/local-secrets';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = path.join(root, '.data');
mkdirSync(dataRoot, { recursive: true });

const env: Record<string, string> = {
  // Per-checkout random secrets (.data/secrets.json); the environment still wins.
  ...localSecrets(dataRoot),
  ...(process.env as Record<string, string>),
  METADATA_SERVER_DETECTION: 'none',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/voicepulse',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // This machine only (API and health ports of every service), unless HOST says otherwise:
  // dev tokens are on and the secrets are local.
  HOST: process.env.HOST ?? '127.0.0.1',
  AUTH_DEV_TOKENS: process.env.AUTH_DEV_TOKENS ?? 'true',
  // A developer's own machine, loopback only: sign in as an admin too (corpus, job board).
  AUTH_DEV_TOKEN_ROLES: process.env.AUTH_DEV_TOKEN_ROLES ?? 'user,admin',
  STORAGE_FS_ROOT: process.env.STORAGE_FS_ROOT ?? path.join(dataRoot, 'blobs'),
  NODE_ENV: process.env.NODE_ENV ?? 'development',
};
const GATEWAY_PORT = Number(process.env.PORT ?? 8080);
const WEB_PORT = Number(process.env.WEB_PORT ?? 3000);
// fs-store signed URLs are served by this gateway, wherever it listens.
env.STORAGE_FS_PUBLIC_URL ??= `http://127.0.0.1:${GATEWAY_PORT}/v1/blobs`;
env.CORS_ORIGINS ??= `http://127.0.0.1:${WEB_PORT},http://localhost:${WEB_PORT}`;

const started: Started[] = [];
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

const say = (msg: string) => process.stdout.write(`[voicepulse] ${msg}\n`);

async function ensureServices() {
  started.push(
    ...(await ensureDatabases({ postgres: env.DATABASE_URL!, redis: env.REDIS_URL! }, dataRoot, say)),
  );
  if (!process.env.STORAGE_DRIVER) await chooseStorage();
  const ffmpeg = await findFfmpeg(env);
  if ('path' in ffmpeg) {
    env.FFMPEG_PATH = ffmpeg.path;
    say(`ffmpeg   ${ffmpeg.path} (${ffmpeg.source})`);
  } else {
    // The transcoder refuses to start with the same message, which stops everything.
    say(`ffmpeg: ${ffmpeg.error}`);
  }
}

async function chooseStorage() {
  const endpoint = process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000';
  const { startMinio } = await import('@voicepulse/storage/testing');
  // Only an existing binary: building one (scripts/ensure-tools.sh minio) takes minutes, so npm start
  // falls back to the fs store instead of surprising a new user with a Go build.
  const cached = path.join(
    process.env.VOICEPULSE_TOOLS_DIR ?? path.join(homedir(), '.cache', 'voicepulse-tools'),
    'bin',
  );
  const minioBin =
    findBinary('minio') ?? (existsSync(path.join(cached, 'minio')) ? path.join(cached, 'minio') : undefined);
  if (minioBin && !findBinary('minio')) env.PATH = `${cached}${path.delimiter}${env.PATH ?? ''}`;
  process.env.PATH = env.PATH;
  const url = new URL(endpoint);
  const s3Env = {
    STORAGE_DRIVER: 's3',
    STORAGE_BUCKET: env.STORAGE_BUCKET ?? 'voicepulse',
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID ?? 'voicepulse',
    S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY ?? 'voicepulse-secret',
    S3_FORCE_PATH_STYLE: 'true',
  };
  if (minioBin && !(await reachable(url.hostname, Number(url.port)))) {
    const dataDir = path.join(dataRoot, 'minio');
    mkdirSync(dataDir, { recursive: true });
    const bucketExists = existsSync(path.join(dataDir, s3Env.STORAGE_BUCKET));
    const minio = await startMinio({
      dataDir,
      port: Number(url.port),
      accessKeyId: s3Env.S3_ACCESS_KEY_ID,
      secretAccessKey: s3Env.S3_SECRET_ACCESS_KEY,
      buckets: bucketExists ? [] : [s3Env.STORAGE_BUCKET],
    });
    started.push({ name: 'minio', stop: () => minio.stop() });
    Object.assign(env, s3Env);
    say(`MinIO started at ${endpoint} (data in .data/minio)`);
    return;
  }
  if (minioBin) {
    Object.assign(env, s3Env);
    say(`using the MinIO already listening at ${endpoint}`);
    return;
  }
  env.STORAGE_DRIVER = 'fs';
  say(
    'notice: no MinIO binary found (scripts/ensure-tools.sh minio builds one) — using the filesystem store in .data/blobs',
  );
}

function run(name: string, args: string[], extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tag = `[${name}]`.padEnd(13);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) process.stdout.write(`${tag} ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name, child });
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  await ensureServices();
  await ensureDatabase(env.DATABASE_URL!);
  await runMigrations(env.DATABASE_URL!);
  say('database migrated');
} catch (err) {
  if (err instanceof MissingBinaryError) {
    console.error(`[voicepulse] ${err.message}`);
    await shutdown(1);
  }
  console.error(`[voicepulse] start-up failed: ${(err as Error).message}`);
  await shutdown(1);
}

const tsx = ['--import', 'tsx'];
run('gateway', [...tsx, 'apps/gateway/src/main.ts'], { PORT: String(GATEWAY_PORT) });
const workers: [string, number][] = [
  ['transcoder', 9091],
  ['scorer', 9092],
  ['ingestor', 9093],
];
for (const [name, port] of workers) {
  if (existsSync(path.join(root, 'apps', name, 'src/main.ts'))) {
    run(name, [...tsx, `apps/${name}/src/main.ts`], { HEALTH_PORT: String(port) });
  }
}
if (existsSync(path.join(root, 'apps/web/vite.config.ts'))) {
  run(
    'web',
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      '--config',
      'apps/web/vite.config.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(WEB_PORT),
      '--strictPort',
    ],
    {
      VOICEPULSE_API_URL: `http://127.0.0.1:${GATEWAY_PORT}`,
    },
  );
}
say(`gateway  http://127.0.0.1:${GATEWAY_PORT}  (API docs: /openapi.json, health: /readyz)`);
if (existsSync(path.join(root, 'apps/web/vite.config.ts'))) say(`web UI   http://127.0.0.1:${WEB_PORT}`);
say(`storage  ${env.STORAGE_DRIVER}; token: npm run -s token -- --user alice`);
say('Ctrl-C stops everything');
