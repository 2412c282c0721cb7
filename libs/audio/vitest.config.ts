import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Transcode tests spawn ffmpeg/espeak-ng on a shared 2-core box.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The transcode memory test collects garbage before it measures what is still held.
    execArgv: ['--expose-gc'],
  },
});
