import react from '@vitejs/plugin-react';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const api = process.env.VOICEPULSE_API_URL ?? 'http://127.0.0.1:8080';

/** The same `/v1` proxy serves `vite` (dev) and `vite preview` (built assets), so the app is one origin. */
const proxy = {
  '/v1': {
    target: api,
    changeOrigin: false,
    // Server-Sent Events must reach the browser as they are written, not when the response ends.
    configure: (p: { on(event: 'proxyRes', cb: (res: { headers: Record<string, unknown> }) => void): void }) => {
      p.on('proxyRes', (res) => {
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.headers['cache-control'] = 'no-cache, no-transform';
          res.headers['x-accel-buffering'] = 'no';
        }
      });
    },
  },
  '/openapi.json': { target: api },
};

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: path.join(root, 'dist'), emptyOutDir: true, sourcemap: true },
  server: { proxy },
  preview: { proxy },
});
