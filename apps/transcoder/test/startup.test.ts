import { startExpectingConfigError } from '@voicepulse/testing';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

describe('transcoder start-up', () => {
  it('refuses bad configuration with one message naming every offending variable', async () => {
    const { code, stderr } = await startExpectingConfigError(main, {
      DATABASE_URL: 'mysql://nope',
      WORKER_CONCURRENCY: 'many',
      STORAGE_DRIVER: 'ftp',
      TRANSCODE_TIMEOUT_S: '0',
    });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^transcoder: invalid configuration/m);
    for (const v of ['DATABASE_URL', 'WORKER_CONCURRENCY', 'STORAGE_DRIVER', 'TRANSCODE_TIMEOUT_S']) expect(stderr).toContain(v);
  });

  it('refuses to start without a usable ffmpeg, naming FFMPEG_PATH and the fix', async () => {
    const { code, stderr } = await startExpectingConfigError(main, { FFMPEG_PATH: '/nonexistent/ffmpeg' });
    expect(code).toBe(78);
    expect(stderr).toMatch(/^transcoder: invalid configuration — FFMPEG_PATH: ffmpeg could not be started from '\/nonexistent\/ffmpeg'/m);
    expect(stderr).toContain('apt-get install ffmpeg');
  });
});
