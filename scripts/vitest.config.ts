import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // These tests start real binaries (ffmpeg) on a shared 2-core box.
    testTimeout: 60_000,
  },
});
