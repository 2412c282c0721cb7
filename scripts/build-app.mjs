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
// BUILD_APP_DIST: another folder name under the app, for a test that runs a bundle while `nx build`
// may be writing dist/ (it must stay under the app: the bundle resolves its packages from there).
const outdir = path.join(appDir, process.env.BUILD_APP_DIST ?? 'dist');
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

/*
 * A service's entry (src/main.ts) becomes a launcher: dist/main.mjs first runs
 * @voicepulse/tracing/register, then loads the service itself with a dynamic import, as its own
 * chunk. Auto-instrumentation has to hook pg, ioredis, express, http and the AWS SDK before they
 * load; they stay external (below), so the hooks can see them, but a static import of them anywhere
 * in the service's graph is linked, and the CommonJS ones run, before any of the bundle's code: only
 * a loader hook registered before that graph is loaded sees them (libs/tracing/src/instrumentations.ts).
 * This keeps `node apps/<app>/dist/main.mjs` the one command everywhere (image, chart, compose),
 * instead of a `--import` flag that every one of them would have to pass.
 */
const SERVICE_ENTRY = 'src/main.ts';
const serviceLauncher = {
  name: 'service-launcher',
  setup(b) {
    b.onResolve({ filter: /^service-launcher:/ }, (args) => ({
      path: args.path.slice('service-launcher:'.length),
      namespace: 'service-launcher',
    }));
    b.onLoad({ filter: /.*/, namespace: 'service-launcher' }, (args) => ({
      contents: `import '@voicepulse/tracing/register';\nawait import(${JSON.stringify(args.path)});\n`,
      resolveDir: appDir,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: entries.map((e) => ({
    in: e === SERVICE_ENTRY ? `service-launcher:${path.join(appDir, e)}` : path.join(appDir, e),
    out: path.basename(e, '.ts'),
  })),
  outdir,
  // The launcher's dynamic import must stay a separate file for the ordering above.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  tsconfig: path.join(root, 'tsconfig.base.json'),
  plugins: [serviceLauncher, externalThirdParty],
  logLevel: 'warning',
  // Bundled ESM still needs require() for CommonJS dependencies that esbuild left as calls.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
if (app === 'gateway') {
  // The migration Job runs from the gateway image and needs the SQL next to migrate.mjs.
  await cp(path.join(root, 'libs/db/migrations'), path.join(outdir, 'migrations'), { recursive: true });
}
console.error(`built ${app} → ${path.relative(root, outdir)}`);
