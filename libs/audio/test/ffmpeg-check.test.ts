import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FFMPEG_REQUIREMENTS, FfmpegUnusableError, checkFfmpeg } from '../src/ffmpeg';

const dir = mkdtempSync(join(tmpdir(), 'vp-ffmpeg-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An ffmpeg build without the WebM demuxer or any Opus decoder, as distributions' "minimal"
 * builds are: the lists are the real output of Debian's ffmpeg with those rows removed.
 */
function strippedFfmpeg(): string {
  const path = join(dir, 'ffmpeg-minimal');
  writeFileSync(
    path,
    `#!/bin/sh
case "$2" in
  -demuxers) printf 'File formats:\\n D. = Demuxing supported\\n --\\n D  flac            raw FLAC\\n D  mov,mp4,m4a,3gp,3g2,mj2 QuickTime / MOV\\n D  mp3             MP2/3 (MPEG audio layer 2/3)\\n D  ogg             Ogg\\n D  wav             WAV / WAVE (Waveform Audio)\\n' ;;
  -decoders) printf 'Decoders:\\n ------\\n A....D aac                  AAC (Advanced Audio Coding)\\n AF...D flac                 FLAC (Free Lossless Audio Codec)\\n A....D mp3float             MP3 (MPEG audio layer 3)\\n A....D vorbis               Vorbis\\n' ;;
  *) echo 'ffmpeg version 5.1.minimal' ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** The system ffmpeg as built without libsoxr: same demuxers and decoders, no `--enable-libsoxr`. */
function ffmpegWithoutSoxr(): string {
  const path = join(dir, 'ffmpeg-no-soxr');
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$2" = -buildconf ]; then ffmpeg "$@" | grep -v -- --enable-libsoxr; else exec ffmpeg "$@"; fi
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('checkFfmpeg', () => {
  it('accepts the system ffmpeg: every container the gateway takes, every codec they carry', async () => {
    const { version } = await checkFfmpeg('ffmpeg');
    expect(version).toMatch(/^ffmpeg version/);
    expect(FFMPEG_REQUIREMENTS.demuxers).toContain('matroska');
  });

  it('refuses a missing binary, naming the fix', async () => {
    const err = await checkFfmpeg(join(dir, 'no-such-ffmpeg')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegUnusableError);
    expect((err as Error).message).toMatch(/not found.*apt-get install ffmpeg.*FFMPEG_PATH/);
  });

  it('refuses an ffmpeg that cannot read WebM/Opus (what browsers record), listing what it lacks', async () => {
    const err = await checkFfmpeg(strippedFfmpeg()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegUnusableError);
    expect((err as Error).message).toContain('lacks demuxer matroska, decoder opus');
    expect((err as Error).message).toContain('5.1.minimal');
  });

  it('refuses an ffmpeg without libsoxr: every resampling decode asks for it', async () => {
    const err = await checkFfmpeg(ffmpegWithoutSoxr()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegUnusableError);
    expect((err as Error).message).toMatch(/lacks libsoxr \(resampler\)/);
  });
});
