import { checkFfmpeg, FfmpegUnusableError } from '@voicepulse/audio';
import { MissingBinaryError, startPostgresServer, startRedisServer } from '@voicepulse/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

export function findBinary(name: string, searchPath = process.env.PATH): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env: { ...process.env, PATH: searchPath ?? '' } });
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

export type FfmpegChoice = { path: string; source: string } | { error: string };

/**
 * The ffmpeg `npm start` gives the transcoder: FFMPEG_PATH when set, else the system's, else the
 * static build npm installs with the devDependency @ffmpeg-installer/ffmpeg (linux-x64: ffmpeg
 * 4.1, 2018 — fine for local use; the images use Debian's maintained package), so a fresh machine
 * with only Node can record in the browser and get a score. Each candidate must pass checkFfmpeg.
 */
export async function findFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<FfmpegChoice> {
  const candidates: { path: string; source: string }[] = [];
  if (env.FFMPEG_PATH) candidates.push({ path: env.FFMPEG_PATH, source: 'FFMPEG_PATH' });
  else {
    const system = findBinary('ffmpeg', env.PATH);
    if (system) candidates.push({ path: system, source: 'system' });
    try {
      const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
      candidates.push({ path: installer.path, source: 'npm (@ffmpeg-installer/ffmpeg)' });
    } catch {
      // No build for this platform (npm skips the optional binary package): only the system one.
    }
  }
  const errors: string[] = [];
  for (const candidate of candidates) {
    try {
      await checkFfmpeg(candidate.path);
      return candidate;
    } catch (err) {
      if (!(err instanceof FfmpegUnusableError)) throw err;
      errors.push(err.message);
    }
  }
  return { error: errors.join('; ') || "no ffmpeg found: install the Debian package 'ffmpeg' (apt-get install ffmpeg) or set FFMPEG_PATH" };
}

/**
 * Installs the Debian packages named in `listFile` that are missing (as root, with apt-get), so
 * `npm test` works on a fresh machine of this kind; elsewhere it stops with the command to run.
 */
export async function ensureDebianPackages(listFile: string, say: (msg: string) => void): Promise<void> {
  const wanted = readFileSync(listFile, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  if (!findBinary('dpkg-query')) return; // not Debian: the suites name what they miss themselves
  const missing = wanted.filter(
    (p) => !/install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout ?? ''),
  );
  if (!missing.length) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) throw new MissingBinaryError(`${missing.join(', ')} (used by the tests)`, missing.join(' '));
  say(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('sh', ['-c', `${command} >/dev/null`], { stdio: 'inherit', env });
  if (result.status !== 0) result = spawnSync('sh', ['-c', `apt-get update -qq && ${command} >/dev/null`], { stdio: 'inherit', env });
  if (result.status !== 0) throw new MissingBinaryError(`${missing.join(', ')} (used by the tests; apt-get failed)`, missing.join(' '));
}
