#!/usr/bin/env node
// Bundles an app's entry points (and the workspace libs they import) into apps/<app>/dist/*.mjs.
// Third-party packages stay external: the image installs them with `npm ci --omit=dev -w apps/<app>`.
import { build } from 'esbuild';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [app, ...entries] = process.argv.slice(2);
if (!app || !entries.length) {
  console.error('usage: build-app.mjs <app> <entry.ts>...');
  process.exit(2);
}
const appDir = path.join(root, 'apps', app);
const outdir = path.join(appDir, 'dist');
await rm(outdir, { recursive: true, force: true });

/** Keep node_modules packages external but bundle our own @voicepulse/* TypeScript sources. */
const externalThirdParty = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@voicepulse/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: entries.map((e) => path.join(appDir, e)),
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  tsconfig: path.join(root, 'tsconfig.base.json'),
  plugins: [externalThirdParty],
  logLevel: 'warning',
  // Bundled ESM still needs require() for CommonJS dependencies that esbuild left as calls.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
if (app === 'gateway') {
  // The migration Job runs from the gateway image and needs the SQL next to migrate.mjs.
  await cp(path.join(root, 'libs/db/migrations'), path.join(outdir, 'migrations'), { recursive: true });
}
console.error(`built ${app} → ${path.relative(root, outdir)}`);
