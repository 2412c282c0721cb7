import { readFileSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { renderDurationBombFlac, renderLavfi } from '@voicepulse/testing';
import wf from 'wavefile';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AudioError,
  CorruptAudioError,
  DecodeTimeoutError,
  TooLongError,
  UnsupportedAudioError,
} from '../src/errors';
import { FfmpegNotFoundError } from '../src/ffmpeg';
import type { SniffedFormat } from '../src/sniff';
import { transcodeToCanonical, type TranscodeOptions } from '../src/transcode';
import { decodeWav } from '../src/wav';
import { db, rng, run, tempDir, tone, toneAmplitude } from './signals';

const { WaveFile } = wf;

/** Feed a buffer in uneven chunks, like a network upload. */
function chunked(buf: Uint8Array, seed = 1): Readable {
  const r = rng(seed);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length;) {
    const n = 1 + Math.floor(r() * 20_000);
    parts.push(Buffer.from(buf.subarray(i, i + n)));
    i += n;
  }
  return Readable.from(parts);
}

/** A lazily generated stream of `total` bytes (header first, then `fill`), counting what was pulled. */
function generated(header: Uint8Array, total: number, fill: number, onPull?: (pulled: number) => void) {
  const stats = { pulled: 0 };
  let sentHeader = false;
  const stream = new Readable({
    read() {
      if (!sentHeader) {
        sentHeader = true;
        stats.pulled += header.length;
        this.push(Buffer.from(header));
        return;
      }
      const n = Math.min(64 * 1024, total - stats.pulled);
      if (n <= 0) return void this.push(null);
      stats.pulled += n;
      onPull?.(stats.pulled);
      this.push(Buffer.alloc(n, fill));
    },
  });
  return { stream, stats };
}

/** A canonical WAV header for `dataBytes` of data (0xFFFFFFFF = unknown length, as pipes write). */
function wavHeader(
  rate: number,
  channels: number,
  bits: number,
  dataBytes: number,
  formatTag = 1,
): Uint8Array {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(dataBytes === 0xffffffff ? 0xffffffff : 36 + dataBytes, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(formatTag, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE((rate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36);
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

describe('transcodeToCanonical', () => {
  const dir = tempDir('transcode');
  let outputs = 0;
  /** Transcode to a fresh file in `dir` and read it back. */
  async function transcode(input: Readable, opts: Omit<TranscodeOptions, 'outputPath'>) {
    const outputPath = join(dir, `out-${outputs++}.wav`);
    const res = await transcodeToCanonical(input, { ...opts, outputPath });
    return { ...res, wav: readFileSync(outputPath) };
  }
  /** Bytes arriving in uneven chunks (`seed` picks the cut), under a 60 s limit unless `opts` says otherwise. */
  const transcodeBytes = (bytes: Uint8Array, format: SniffedFormat, opts: Partial<TranscodeOptions> = {}, seed = 1) =>
    transcode(chunked(bytes, seed), { format, maxDurationS: 60, ...opts });
  /** What such a transcode rejects with. */
  const transcodeError = (bytes: Uint8Array, format: SniffedFormat, opts: Partial<TranscodeOptions> = {}) =>
    transcodeBytes(bytes, format, opts).catch((e: unknown) => e);
  const speech = join(dir, 'speech.wav');
  let speechMs = 0;
  const encoded: Partial<Record<string, string>> = {};
  const targets: {
    name: string;
    format: SniffedFormat;
    file: string;
    args: string[];
    codec: string;
    rate: number;
  }[] = [
    {
      name: 'WebM/Opus',
      format: 'webm',
      file: 's.webm',
      args: ['-c:a', 'libopus', '-ar', '48000'],
      codec: 'opus',
      rate: 48_000,
    },
    {
      name: 'Ogg/Vorbis',
      format: 'ogg',
      file: 's.ogg',
      args: ['-c:a', 'libvorbis'],
      codec: 'vorbis',
      rate: 22_050,
    },
    { name: 'MP3', format: 'mp3', file: 's.mp3', args: ['-c:a', 'libmp3lame'], codec: 'mp3', rate: 22_050 },
    { name: 'M4A/AAC', format: 'mp4', file: 's.m4a', args: ['-c:a', 'aac'], codec: 'aac', rate: 22_050 },
    { name: 'FLAC', format: 'flac', file: 's.flac', args: ['-c:a', 'flac'], codec: 'flac', rate: 22_050 },
  ];

  beforeAll(async () => {
    await run('espeak-ng', [
      '-w',
      speech,
      'The quarterly numbers look great and the customer was very happy.',
    ]);
    const audio = decodeWav(readFileSync(speech));
    speechMs = (audio.channels[0]!.length * 1000) / audio.sampleRate;
    await Promise.all(
      targets.map(async (t) => {
        const out = join(dir, t.file);
        await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', speech, ...t.args, out]);
        encoded[t.file] = out;
      }),
    );
  });

  it('converts a 22.05 kHz WAV in-process to canonical 16 kHz mono', async () => {
    const res = await transcodeBytes(readFileSync(speech), 'wav');
    expect(res.info).toMatchObject({ sampleRate: 22_050, channels: 1, codec: 'pcm_s16le', format: 'wav' });
    expect(Math.abs(res.info.durationMs - speechMs)).toBeLessThanOrEqual(1);
    const out = decodeWav(res.wav);
    expect(out.sampleRate).toBe(16_000);
    expect(out.channels).toHaveLength(1);
    expect(Math.abs((out.channels[0]!.length * 1000) / 16_000 - speechMs)).toBeLessThanOrEqual(1);
    expect(res.wav.readUInt16LE(34)).toBe(16);
  });

  it.each(targets)('decodes $name through ffmpeg with matching duration', async (t) => {
    const file = encoded[t.file]!;
    const res = await transcodeBytes(readFileSync(file), t.format, {}, 2);
    expect(res.info).toMatchObject({ format: t.format, codec: t.codec, sampleRate: t.rate, channels: 1 });
    expect(Math.abs(res.info.durationMs - speechMs)).toBeLessThanOrEqual(60);
    const out = decodeWav(res.wav);
    expect(out.sampleRate).toBe(16_000);
    expect(Math.abs((out.channels[0]!.length * 1000) / 16_000 - res.info.durationMs)).toBeLessThanOrEqual(1);
  });

  it('decodes a WebM written to a pipe, without duration or cues (as MediaRecorder produces)', async () => {
    const out = join(dir, 'live.webm');
    await run('sh', [
      '-c',
      `ffmpeg -loglevel error -i '${speech}' -c:a libopus -ar 48000 -f webm - > '${out}'`,
    ]);
    const ffprobe = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      out,
    ]);
    expect(ffprobe.stdout.trim()).toBe('N/A');
    const res = await transcodeBytes(readFileSync(out), 'webm', {}, 4);
    expect(res.info.codec).toBe('opus');
    expect(Math.abs(res.info.durationMs - speechMs)).toBeLessThanOrEqual(60);
  });

  it('band-limits a 48 kHz stereo WAV: 7 kHz kept, 11 kHz does not alias to 5 kHz', async () => {
    const left = tone(7000, 48_000, 2, 0.4);
    const right = tone(11_000, 48_000, 2, 0.4);
    const w = new WaveFile();
    w.fromScratch(
      2,
      48_000,
      '24',
      [left, right].map((c) => Array.from(c, (v) => Math.round(v * 8388607))),
    );
    const res = await transcodeBytes(w.toBuffer(), 'wav', {}, 3);
    const y = decodeWav(res.wav).channels[0]!;
    // Downmixing halves each tone: 0.4 -> 0.2.
    expect(Math.abs(db(toneAmplitude(y, 16_000, 7000, 1000) / 0.2))).toBeLessThan(0.5);
    expect(db(toneAmplitude(y, 16_000, 5000, 1000) / 0.2)).toBeLessThan(-60);
  });

  // The stop-band of the transcode path as a whole (soxr in ffmpeg since issue 15), held to what
  // test/resample.test.ts asks of our own filter: tones above the new Nyquist >= 60 dB down.
  it.each([
    [48_000, 8100],
    [48_000, 9000],
    [48_000, 11_000],
    [48_000, 15_000],
    [44_100, 9000],
    [22_050, 10_000],
  ])('attenuates a tone above 8 kHz by >= 60 dB (%i Hz WAV, %i Hz tone)', async (rate, freq) => {
    // 24-bit PCM: integer WAV is what goes through ffmpeg's soxr (float stays in-process).
    const w = new WaveFile();
    w.fromScratch(
      1,
      rate,
      '24',
      Array.from(tone(freq, rate, 1, 0.5), (v) => Math.round(v * 8388607)),
    );
    const res = await transcodeBytes(w.toBuffer(), 'wav', {}, 5);
    expect(res.info).toMatchObject({ sampleRate: rate, codec: 'pcm_s24le' });
    const y = decodeWav(res.wav).channels[0]!;
    expect(y.length).toBe(16_000);
    let sum = 0;
    for (let i = 1000; i < y.length - 1000; i++) sum += y[i]! ** 2;
    const outRms = Math.sqrt(sum / (y.length - 2000));
    expect(db(outRms / (0.5 / Math.SQRT2))).toBeLessThan(-60);
  });

  it('reads NaN and Inf in a 48 kHz float WAV as silence, not as bursts of full scale', async () => {
    const x = tone(440, 48_000, 1, 0.5);
    x[24_000] = NaN;
    x[30_000] = Infinity;
    const w = new WaveFile();
    w.fromScratch(1, 48_000, '32f', x);
    const res = await transcodeBytes(w.toBuffer(), 'wav', {}, 6);
    const y = decodeWav(res.wav).channels[0]!;
    expect(y.length).toBe(16_000);
    expect(Math.max(...Array.from(y, Math.abs))).toBeLessThan(0.6);
  });

  it('resamples a 44.1 kHz FLAC through ffmpeg: 7 kHz kept, 12 kHz gone', async () => {
    const w = new WaveFile();
    const mixed = tone(7000, 44_100, 1, 0.3).map(
      (v, i) => v + 0.3 * Math.sin((2 * Math.PI * 12_000 * i) / 44_100),
    );
    w.fromScratch(
      1,
      44_100,
      '16',
      Array.from(mixed, (v) => Math.round(v * 32767)),
    );
    const src = join(dir, 'two-tones.wav');
    const flac = join(dir, 'two-tones.flac');
    writeFileSync(src, w.toBuffer());
    await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', src, '-c:a', 'flac', flac]);
    const res = await transcodeBytes(readFileSync(flac), 'flac');
    expect(res.info).toMatchObject({ sampleRate: 44_100, codec: 'flac', channels: 1 });
    const y = decodeWav(res.wav).channels[0]!;
    expect(Math.abs(db(toneAmplitude(y, 16_000, 7000, 1000) / 0.3))).toBeLessThan(0.5);
    // 12 kHz would fold to 4 kHz.
    expect(db(toneAmplitude(y, 16_000, 4000, 1000) / 0.3)).toBeLessThan(-60);
  });

  it('rejects a truncated WebM as corrupt', async () => {
    const full = readFileSync(encoded['s.webm']!);
    const half = full.subarray(0, Math.floor(full.length / 2));
    await expect(transcodeBytes(half, 'webm')).rejects.toBeInstanceOf(
      CorruptAudioError,
    );
  });

  it('rejects random bytes declared as MP3 as corrupt', async () => {
    const r = rng(11);
    const garbage = Buffer.from(Uint8Array.from({ length: 50_000 }, () => Math.floor(r() * 256)));
    await expect(transcodeBytes(garbage, 'mp3')).rejects.toBeInstanceOf(
      CorruptAudioError,
    );
  });

  it('survives ffmpeg quitting while input is still being written (EPIPE)', async () => {
    // A WAV codec ffmpeg has no decoder for: it gives up after the header while 64 MB wait in the pipe.
    const total = 64 * 1024 * 1024;
    const { stream, stats } = generated(wavHeader(8000, 1, 8, total, 0x1234), 44 + total, 0x55);
    await expect(transcode(stream, { format: 'wav', maxDurationS: 60 })).rejects.toBeInstanceOf(
      UnsupportedAudioError,
    );
    expect(stats.pulled).toBeLessThan(total);
  });

  it('rejects a WAV whose data chunk stops short as corrupt', async () => {
    const wav = readFileSync(speech);
    await expect(
      transcodeBytes(wav.subarray(0, wav.length - 5000), 'wav'),
    ).rejects.toBeInstanceOf(CorruptAudioError);
  });

  it('refuses an hour-long WAV from its header, after reading only the header', async () => {
    const bytes = 3600 * 48_000 * 4;
    const { stream, stats } = generated(wavHeader(48_000, 2, 16, bytes), 44 + bytes, 0);
    await expect(transcode(stream, { format: 'wav', maxDurationS: 30 })).rejects.toBeInstanceOf(TooLongError);
    expect(stats.pulled).toBeLessThan(256 * 1024);
  });

  it('stops an hour of silence with no declared length as soon as the limit passes', async () => {
    const total = 3600 * 16_000 * 2;
    const { stream, stats } = generated(wavHeader(16_000, 1, 16, 0xffffffff), total, 0);
    await expect(transcode(stream, { format: 'wav', maxDurationS: 5 })).rejects.toBeInstanceOf(TooLongError);
    // 5 s is 160 kB; allow for stream buffering but nowhere near the 115 MB hour.
    expect(stats.pulled).toBeLessThan(1024 * 1024);
  });

  it('kills ffmpeg as soon as a compressed stream passes the limit (an hour of µ-law)', async () => {
    const total = 3600 * 8000;
    const { stream, stats } = generated(wavHeader(8000, 1, 8, total, 7), 44 + total, 0xff);
    await expect(transcode(stream, { format: 'wav', maxDurationS: 5 })).rejects.toBeInstanceOf(TooLongError);
    // ffmpeg and the pipe buffer a little ahead; the hour is 28.8 MB.
    expect(stats.pulled).toBeLessThan(2 * 1024 * 1024);
  });

  it('hands compressed WAV codecs to ffmpeg', async () => {
    const w = new WaveFile();
    w.fromScratch(
      1,
      8000,
      '16',
      Array.from(tone(440, 8000, 1, 0.5), (v) => Math.round(v * 32767)),
    );
    w.toMuLaw();
    const res = await transcodeBytes(w.toBuffer(), 'wav');
    expect(res.info).toMatchObject({ codec: 'pcm_mulaw', sampleRate: 8000, format: 'wav' });
    expect(Math.abs(res.info.durationMs - 1000)).toBeLessThanOrEqual(1);
    const y = decodeWav(res.wav).channels[0]!;
    expect(Math.abs(db(toneAmplitude(y, 16_000, 440, 1000) / 0.5))).toBeLessThan(0.5);
  });

  it('reads a sniffed MP3 with the MP3 demuxer only: an ffconcat script behind an ID3 tag is refused', async () => {
    // ffmpeg's own probe skips the ID3 tag and finds the script; the sniff (and the gateway) saw "ID3".
    const script = Buffer.from(`ffconcat version 1.0\nfile s.ogg\n`);
    const tag = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(10)]);
    const err = await transcodeError(Buffer.concat([tag, script]), 'mp3');
    expect(err).toBeInstanceOf(CorruptAudioError);
    expect((err as Error).message).toMatch(/ffmpeg could not decode the input: mp3: /);
    expect((err as Error).message).not.toMatch(/concat/);
  });

  it('without ffmpeg, refuses bytes that are not the sniffed format first, and names the Debian package for the rest', async () => {
    const ogg = readFileSync(encoded['s.ogg']!);
    const noFfmpeg = { ffmpegPath: join(dir, 'no-such-ffmpeg') };
    // The mismatch is the input's fault and is caught before ffmpeg is looked for.
    const mismatch = await transcodeError(ogg, 'mp3', noFfmpeg);
    expect(mismatch).toBeInstanceOf(CorruptAudioError);
    expect((mismatch as Error).message).toBe('the stored bytes are ogg, not mp3');
    const missing = await transcodeError(ogg, 'ogg', noFfmpeg);
    expect(missing).toBeInstanceOf(FfmpegNotFoundError);
    expect((missing as Error).message).toContain("Debian package 'ffmpeg'");
  });

  it('reads a sniffed MP4 with the MOV demuxer only: a DASH playlist cannot make ffmpeg read a local file', async () => {
    // Bytes 4..7 are "ftyp", so the sniff says MP4; a "jp2 " brand makes ffmpeg's probe prefer DASH,
    // whose playlist names a local file by absolute path.
    const secret = join(dir, 'secret.m4a');
    await renderLavfi('sine=f=440:d=3', ['-c:a', 'aac'], secret);
    const playlist = Buffer.from(
      `<!--ftypjp2 -->\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011"` +
        ` type="static" mediaPresentationDuration="PT3S" minBufferTime="PT1S"><Period><AdaptationSet mimeType="audio/mp4">` +
        `<Representation id="a" bandwidth="128000"><BaseURL>${secret}</BaseURL></Representation></AdaptationSet></Period></MPD>\n`,
    );
    writeFileSync(join(dir, 'playlist.mp4'), playlist);
    // Plain ffmpeg on the same bytes does read the secret: the attack is real on this machine.
    const probe = await run('ffmpeg', [
      '-hide_banner',
      '-i',
      join(dir, 'playlist.mp4'),
      '-f',
      'null',
      '-',
    ]).catch((e: { stderr: string }) => e);
    expect(probe.stderr).toMatch(/Input #0, dash/);
    await expect(transcodeBytes(playlist, 'mp4')).rejects.toBeInstanceOf(
      AudioError,
    );
  });

  describe('a duration bomb: two hours of silence in a FLAC of about a megabyte', () => {
    const bomb = join(dir, 'bomb.flac');
    beforeAll(async () => {
      await renderDurationBombFlac(bomb);
      expect(readFileSync(bomb).length).toBeLessThan(2 * 1024 * 1024);
    }, 120_000);

    it('is refused from its declared duration before anything is decoded', async () => {
      const outputPath = join(dir, 'bomb-refused.wav');
      const err = await transcodeToCanonical(chunked(readFileSync(bomb)), {
        format: 'flac',
        maxDurationS: 3600,
        outputPath,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TooLongError);
      expect((err as Error).message).toMatch(/declares 7200 s, over the 3600 s limit/);
      // Only the header was written: no sample was decoded.
      expect(readFileSync(outputPath).length).toBe(44);
    });

    it('within the duration limit, is stopped by the wall-clock bound', async () => {
      const err = await transcodeError(readFileSync(bomb), 'flac', { maxDurationS: 7200, timeoutMs: 1000 });
      expect(err).toBeInstanceOf(DecodeTimeoutError);
      expect((err as DecodeTimeoutError).code).toBe('too_long');
    });

    it('when its header declares no length, is stopped as soon as the decoded audio passes the limit', async () => {
      // Erase the STREAMINFO total-samples field: the header then declares no duration.
      const lying = Buffer.from(readFileSync(bomb));
      const streaminfo = 4 + 4; // "fLaC", then the metadata block header
      lying[streaminfo + 13] = lying[streaminfo + 13]! & 0xf0;
      lying.fill(0, streaminfo + 14, streaminfo + 18);
      await expect(transcode(chunked(lying), { format: 'flac', maxDurationS: 5 })).rejects.toBeInstanceOf(
        TooLongError,
      );
    });

    it('streams its canonical output to disk instead of holding it in memory', async () => {
      const outputPath = join(dir, 'bomb-20min.wav');
      const twentyMin = join(dir, 'bomb-20min.flac');
      await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', bomb, '-t', '1200', '-c:a', 'flac', twentyMin]);
      const input = chunked(readFileSync(twentyMin));
      // What is still referenced after a collection: buffers in flight, not the garbage they leave.
      // Two collections: V8 frees dead ArrayBuffer backing stores lazily, so right after one the
      // count still includes the garbage of the last few ms (≈ 20 MB at soxr's speed).
      const held = () => (globalThis.gc!(), globalThis.gc!(), process.memoryUsage().arrayBuffers);
      const before = held();
      let peak = 0;
      const sample = setInterval(() => (peak = Math.max(peak, held() - before)), 50);
      const res = await transcodeToCanonical(input, {
        format: 'flac',
        maxDurationS: 7200,
        outputPath,
      }).finally(() => clearInterval(sample));
      expect(res.info.durationMs).toBe(1_200_000);
      const size = (await stat(outputPath)).size;
      expect(size).toBe(44 + 1200 * 16_000 * 2);
      // The 38 MB output never sat in memory: what is held (about 4 MB) is the input and chunks in flight.
      expect(peak).toBeLessThan(size / 4);
    }, 120_000);
  });

  it('stops and rejects with the abort reason when the signal fires', async () => {
    const total = 3600 * 16_000 * 2;
    const ctl = new AbortController();
    const reason = new Error('job cancelled');
    // A generated stream never yields to the event loop, so cancel from inside it.
    const { stream, stats } = generated(wavHeader(16_000, 1, 16, 0xffffffff), total, 0, (pulled) => {
      if (pulled > 1024 * 1024) ctl.abort(reason);
    });
    await expect(transcode(stream, { format: 'wav', maxDurationS: 7200, signal: ctl.signal })).rejects.toBe(
      reason,
    );
    expect(stats.pulled).toBeLessThan(2 * 1024 * 1024);
  });
});
