import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Suites start real servers and worker processes; running them one at a time keeps a 2-core box sane.
    fileParallelism: false,
    env: { METADATA_SERVER_DETECTION: 'none' },
  },
});
