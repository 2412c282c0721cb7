import { defineConfig } from 'vitest/config';

// The real-cluster suite (scripts/cluster test): one file, in order, against the cluster that
// `scripts/cluster up` left running. Not part of `npm test`.
export default defineConfig({
  test: {
    include: ['k8s/local/test/**/*.test.ts'],
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
