import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The migrate CLI tests start real processes (tsx) on a shared 2-core box.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
