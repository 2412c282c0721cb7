import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // The Google client must never look for a cloud metadata server from a test run.
    env: { METADATA_SERVER_DETECTION: 'none' },
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // The memory test samples this process's RSS; keep other suites' I/O out of its way.
    fileParallelism: false,
  },
});
