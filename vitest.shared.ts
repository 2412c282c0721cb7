import { defineConfig, type ViteUserConfig } from 'vitest/config';

type TestOptions = NonNullable<ViteUserConfig['test']>;

/**
 * The settings of a suite that drives real servers or processes (Postgres, Redis, ffmpeg…) on a
 * shared 2-core machine: generous bounds, and its files one at a time so they do not starve each
 * other. A suite states only what differs (a longer timeout, its own setup).
 */
export function realServerSuite(test: TestOptions = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
      fileParallelism: false,
      ...test,
    },
  });
}
