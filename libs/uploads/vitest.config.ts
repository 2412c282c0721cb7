import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Pure functions and stream helpers; the real-server upload suites are the gateway's (apps/gateway/test).
    include: ['test/**/*.test.ts'],
  },
});
