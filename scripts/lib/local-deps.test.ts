import { checkFfmpeg } from '@voicepulse/audio';
import { describe, expect, it } from 'vitest';
import { findFfmpeg } from './local-deps';

describe('findFfmpeg (npm start)', () => {
  it('uses the system ffmpeg when there is one', async () => {
    expect(await findFfmpeg({ PATH: process.env.PATH })).toMatchObject({ source: 'system' });
  });

  it('falls back to the ffmpeg npm installed when the machine has none, and that one decodes WebM/Opus', async () => {
    const choice = await findFfmpeg({ PATH: '/nonexistent' });
    expect(choice).toMatchObject({ source: 'npm (@ffmpeg-installer/ffmpeg)' });
    await checkFfmpeg((choice as { path: string }).path);
  });

  it('reports why when FFMPEG_PATH names nothing usable', async () => {
    const choice = await findFfmpeg({ PATH: process.env.PATH, FFMPEG_PATH: '/nonexistent/ffmpeg' });
    expect(choice).toMatchObject({
      error: expect.stringContaining("could not be started from '/nonexistent/ffmpeg'"),
    });
  });
});
