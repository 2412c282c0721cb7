import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['./test/setup.ts'],
          // Beside the real-server suites on two cores (see test/setup.ts).
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          // The real stack (Postgres, Redis, four services, Vite, Chromium) on a shared 2-core box.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          env: { METADATA_SERVER_DETECTION: 'none' },
        },
      },
    ],
  },
});
