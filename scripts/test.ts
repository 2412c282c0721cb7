/**
 * `npm test`: every test of every project through Nx. The suites need Postgres and Redis (they
 * start MinIO and fake-gcs-server themselves); where none answers, local ones are started for the
 * run under .data/test and stopped afterwards, so a fresh machine needs nothing running. The
 * Debian packages the suites call (scripts/test-packages.txt) are installed first when missing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MissingBinaryError, ensureDatabases, ensureDebianPackages } from './lib/local-deps';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (msg: string) => process.stdout.write(`[test] ${msg}\n`);

let started: Awaited<ReturnType<typeof ensureDatabases>> = [];
try {
  await ensureDebianPackages(path.join(root, 'scripts/test-packages.txt'), say);
  started = await ensureDatabases(
    {
      postgres: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      redis: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    },
    path.join(root, '.data', 'test'),
    say,
  );
} catch (err) {
  console.error(`[test] ${err instanceof MissingBinaryError ? err.message : `could not start test services: ${(err as Error).message}`}`);
  process.exit(1);
}

const nx = spawn(
  process.execPath,
  [path.join(root, 'node_modules/nx/dist/bin/nx.js'), 'run-many', '-t', 'test', '--parallel=2', '--outputStyle=stream', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { NX_DAEMON: 'false', ...process.env, METADATA_SERVER_DETECTION: 'none' } },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => nx.kill(signal));
const code = await new Promise<number>((resolve) => nx.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
for (const s of started.reverse()) await s.stop().catch(() => undefined);
process.exit(code);
