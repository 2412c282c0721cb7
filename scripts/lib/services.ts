/**
 * Every service manifest in the repository: each `apps/<app>/src/manifest.ts` is loaded and every
 * manifest it exports is collected, so a new service is checked and documented without being
 * listed anywhere else.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnyServiceManifest } from '@voicepulse/services';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const isManifest = (v: unknown): v is AnyServiceManifest =>
  typeof v === 'object' && v !== null && 'entry' in v && 'config' in v && 'consumes' in v;

async function load(): Promise<AnyServiceManifest[]> {
  const found: AnyServiceManifest[] = [];
  for (const app of readdirSync(path.join(root, 'apps')).sort()) {
    const file = path.join(root, 'apps', app, 'src/manifest.ts');
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    found.push(...Object.values(mod).filter(isManifest));
  }
  return found;
}

export const MANIFESTS: readonly AnyServiceManifest[] = await load();
export const byEntry = (entry: string) => MANIFESTS.find((m) => m.entry === entry);
