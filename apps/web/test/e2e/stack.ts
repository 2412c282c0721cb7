import { freePort, startNodeService, waitFor, type ServiceProcess } from '@voicepulse/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, preview, type PreviewServer } from 'vite';
import { startStack, type Stack } from '../../../gateway/test/helpers';

const run = promisify(execFile);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const webRoot = path.join(repoRoot, 'apps/web');

export interface WebStack {
  webUrl: string;
  gatewayUrl: string;
  stack: Stack;
  diagnostics(): string;
  stop(): Promise<void>;
}

/**
 * Everything a user's browser talks to, for real: Postgres/Redis/fs storage, the gateway and the
 * three workers as child processes, and the production build of the web app served by
 * `vite preview` with the same `/v1` proxy as `npm start`.
 */
export async function startWebStack(): Promise<WebStack> {
  const stack = await startStack({ storage: 'fs' });
  const [gatewayPort, webPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const env = { ...stack.env, HEALTH_PORT: '0', INGEST_FLUSH_MS: '50' };
  const services: ServiceProcess[] = [
    startNodeService('gateway', path.join(repoRoot, 'apps/gateway/src/main.ts'), {
      ...env,
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      AUTH_DEV_TOKENS: 'true',
      // The suite signs in as an admin too (corpus page).
      AUTH_DEV_TOKEN_ROLES: 'user,admin',
      // Signed fs URLs must point where the browser can reach them: through the web origin's proxy.
      STORAGE_FS_PUBLIC_URL: `${webUrl}/v1/blobs`,
      CORS_ORIGINS: webUrl,
    }),
    ...(['transcoder', 'scorer', 'ingestor'] as const).map((name) =>
      startNodeService(name, path.join(repoRoot, 'apps', name, 'src/main.ts'), env),
    ),
  ];
  const diagnostics = () => services.map((s) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n');
  let server: PreviewServer | undefined;
  try {
    await waitFor(async () => (await fetch(`${gatewayUrl}/readyz`)).ok, {
      what: 'gateway ready',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    process.env.VOICEPULSE_API_URL = gatewayUrl;
    const configFile = path.join(webRoot, 'vite.config.ts');
    const outDir = await mkdtemp(path.join(tmpdir(), 'vp-web-dist-'));
    await build({ configFile, logLevel: 'warn', build: { outDir, sourcemap: false } });
    server = await preview({
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: webPort, strictPort: true },
    });
    const dist = outDir;
    return {
      webUrl,
      gatewayUrl,
      stack,
      diagnostics,
      async stop() {
        await server!.close();
        await Promise.all(services.map((s) => s.stop()));
        await rm(dist, { recursive: true, force: true });
        await stack.stop();
      },
    };
  } catch (err) {
    await Promise.all(services.map((s) => s.stop()));
    await stack.stop();
    throw new Error(`${(err as Error).message}\n${diagnostics()}`);
  }
}

/** A clearly positive sentence spoken by espeak-ng, padded with silence, 48 kHz mono like a real mic. */
export async function makeFakeMicWav(dir: string, text: string): Promise<string> {
  const raw = path.join(dir, 'speech-raw.wav');
  const out = path.join(dir, 'fake-mic.wav');
  await run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, text]);
  await run('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', out, 'pad', '0.5', '1.5']);
  return out;
}
