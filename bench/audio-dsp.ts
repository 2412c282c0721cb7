/**
 * DSP throughput of @voicepulse/audio against the alternatives on the same machine and run:
 *   node --import tsx bench/audio-dsp.ts        (npm run bench:audio)
 * Input: 10 minutes of 48 kHz stereo 16-bit speech (espeak-ng, looped with pauses).
 *
 * The transcode section (issue 15 #5) times transcodeToCanonical, our own streaming resampler
 * and plain `ffmpeg -ar 16000 -ac 1` on the same file, interleaved and repeated, and prints the
 * medians and their ratio: CPU seconds (this process plus its waited children, so ffmpeg's own
 * work counts) are the figure that survives a shared machine; wall time is printed beside it.
 * It also prints the stop-band of both resamplers on tones above the new Nyquist.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wf from 'wavefile';
import {
  analyzeLevels,
  analyzeProsody,
  decodeWav,
  detectSpeech,
  downmix,
  encodeWavPcm16,
  resample,
  transcodeToCanonical,
  WavStreamDecoder,
} from '@voicepulse/audio';

const { WaveFile } = wf;
const MINUTES = 10;
const SECONDS = MINUTES * 60;
const RATE = 48_000;
const WAVEFILE_CLIP_S = 30;

const dir = mkdtempSync(join(tmpdir(), 'vp-bench-audio-'));
const time = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
};
const timeAsync = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
};
const REPEATS = 3;
const CLK_TCK = 100; // Linux USER_HZ

/** CPU seconds of this process, and of every child it has waited for (ffmpeg). */
function cpuSeconds(): { own: number; children: number } {
  const own = process.cpuUsage();
  // /proc/self/stat after the ")" of the command name: field 14/15 are cutime/cstime (1-based 16/17).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return {
    own: (own.user + own.system) / 1e6,
    children: (Number(fields[13]) + Number(fields[14])) / CLK_TCK,
  };
}
interface Cost {
  cpu: number;
  node: number;
  ffmpeg: number;
  wall: number;
}
const measure = async (fn: () => unknown): Promise<Cost> => {
  const c = cpuSeconds();
  const t = performance.now();
  await fn();
  const d = cpuSeconds();
  const node = d.own - c.own;
  const ffmpeg = d.children - c.children;
  return { cpu: node + ffmpeg, node, ffmpeg, wall: (performance.now() - t) / 1000 };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The transcoder's path before issue 15: our streaming decoder and resampler, output discarded. */
async function inHouseStreaming(file: string): Promise<void> {
  const decoder = new WavStreamDecoder(3600);
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    decoder.write(chunk as Buffer);
    decoder.take();
  }
  decoder.end();
  decoder.take();
}

/** Attenuation (dB, input RMS to output RMS) of a 1 s tone at `freq` through `convert`. */
async function stopBandDb(
  freq: number,
  convert: (x: Float32Array) => Promise<Float32Array>,
): Promise<number> {
  const x = new Float32Array(RATE);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * freq * i) / RATE);
  const y = await convert(x);
  let sum = 0;
  for (let i = 1000; i < y.length - 1000; i++) sum += y[i]! ** 2;
  return 20 * Math.log10(Math.sqrt(sum / (y.length - 2000)) / (0.5 / Math.SQRT2));
}

const fmt = (s: number) => `${s.toFixed(2)} s`;
const rtf = (s: number, audioS: number) =>
  `RTF ${(s / audioS).toExponential(2)} (${(audioS / s).toFixed(0)}x real time)`;

/** Mono 24-bit PCM WAV: integer PCM is what the transcoder hands to soxr, 24 bits keep the floor at -144 dB. */
function encodeWav24(x: Float32Array, rate: number): Buffer {
  const out = Buffer.alloc(44 + x.length * 3);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + x.length * 3, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 3, 28);
  out.writeUInt16LE(3, 32);
  out.writeUInt16LE(24, 34);
  out.write('data', 36);
  out.writeUInt32LE(x.length * 3, 40);
  for (let i = 0; i < x.length; i++) out.writeIntLE(Math.round(x[i]! * 8388607), 44 + 3 * i, 3);
  return out;
}

/** Stereo 16-bit WAV of `seconds`, tiling `mono` (slightly different gain per channel). */
function stereoWav(mono: Float32Array, seconds: number): Buffer {
  const frames = seconds * RATE;
  const out = Buffer.alloc(44 + frames * 4);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + frames * 4, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(2, 22);
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE * 4, 28);
  out.writeUInt16LE(4, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(frames * 4, 40);
  const pcm = new Int16Array(out.buffer, out.byteOffset + 44, frames * 2);
  for (let f = 0; f < frames; f++) {
    const v = mono[f % mono.length]!;
    pcm[2 * f] = Math.round(v * 30000);
    pcm[2 * f + 1] = Math.round(v * 24000);
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`@voicepulse/audio DSP bench: ${MINUTES} min of ${RATE} Hz stereo s16 speech\n`);
  const speechRaw = join(dir, 'speech.wav');
  const speech48 = join(dir, 'speech48.wav');
  execFileSync('espeak-ng', [
    '-w',
    speechRaw,
    'Thank you for calling. I understand the invoice was wrong twice this month, and I am sorry about that. ' +
      'Let me check the account and fix the charges right now, then I will send you a confirmation by email.',
  ]);
  execFileSync('sox', [speechRaw, '-r', String(RATE), '-c', '1', '-b', '16', speech48, 'pad', '0', '1.5']);
  const loop = downmix(decodeWav(readFileSync(speech48)));
  const file = join(dir, 'ten-minutes.wav');
  writeFileSync(file, stereoWav(loop, SECONDS));
  const bytes = readFileSync(file);

  // 1. Ours, in memory: decode + downmix + resample + encode.
  const [audio, tDecode] = time(() => decodeWav(bytes));
  const [mono, tDownmix] = time(() => downmix(audio));
  const [mono16k, tResample] = time(() => resample(mono, RATE, 16_000));
  const [, tEncode] = time(() => encodeWavPcm16(mono16k, 16_000));
  const ours = tDecode + tDownmix + tResample + tEncode;
  console.log('voicepulse (in memory)');
  console.log(
    `  decodeWav ${fmt(tDecode)}, downmix ${fmt(tDownmix)}, resample ${fmt(tResample)}, encode ${fmt(tEncode)}`,
  );
  console.log(
    `  total ${fmt(ours)}  ${rtf(ours, SECONDS)}; resampler alone ${((SECONDS * RATE) / tResample / 1e6).toFixed(1)} M input samples/s`,
  );

  // wavefile only, on a shorter clip because it is far slower and memory-hungry; scaled linearly.
  const clip = new WaveFile(readFileSync(file).subarray(0, 44 + WAVEFILE_CLIP_S * RATE * 4));
  const clipHeader = Buffer.from(clip.toBuffer());
  clipHeader.writeUInt32LE(WAVEFILE_CLIP_S * RATE * 4, 40);
  const wfClip = new WaveFile(clipHeader);
  const [, tWfClip] = time(() => wfClip.toSampleRate(16_000));
  const tWf = tWfClip * (SECONDS / WAVEFILE_CLIP_S);
  console.log(
    `wavefile toSampleRate (no downmix: it has none) on a ${WAVEFILE_CLIP_S} s clip: ${fmt(tWfClip)} -> scaled to ${MINUTES} min: ${fmt(tWf)}`,
  );

  console.log(`\nwavefile: ${(tWf / ours).toFixed(1)}x slower than the in-memory path`);

  // 2. The transcode path, against ffmpeg alone, interleaved so load changes hit all three alike.
  const ffOut = join(dir, 'ffmpeg16k.wav');
  const runs = {
    transcode: [] as Cost[],
    inHouse: [] as Cost[],
    ffmpeg: [] as Cost[],
  };
  for (let i = 0; i < REPEATS; i++) {
    runs.transcode.push(
      await measure(() =>
        transcodeToCanonical(createReadStream(file, { highWaterMark: 256 * 1024 }), {
          format: 'wav',
          maxDurationS: 3600,
          outputPath: join(dir, 'canonical.wav'),
        }),
      ),
    );
    runs.inHouse.push(await measure(() => inHouseStreaming(file)));
    runs.ffmpeg.push(
      await measure(() =>
        execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', file, '-ar', '16000', '-ac', '1', ffOut]),
      ),
    );
  }
  const med = (k: keyof typeof runs): Cost => ({
    cpu: median(runs[k].map((r) => r.cpu)),
    node: median(runs[k].map((r) => r.node)),
    ffmpeg: median(runs[k].map((r) => r.ffmpeg)),
    wall: median(runs[k].map((r) => r.wall)),
  });
  const [tc, ih, ff] = [med('transcode'), med('inHouse'), med('ffmpeg')];
  const row = (name: string, m: Cost) =>
    `  ${name.padEnd(58)} CPU ${m.cpu.toFixed(2)} s (node ${m.node.toFixed(2)} + ffmpeg ${m.ffmpeg.toFixed(2)})  wall ${m.wall.toFixed(2)} s  ` +
    `speed vs ffmpeg: CPU ${(ff.cpu / m.cpu).toFixed(2)}x, wall ${(ff.wall / m.wall).toFixed(2)}x`;
  console.log(
    `\ntranscode path, ${MINUTES} min 48 kHz stereo -> 16 kHz mono, median of ${REPEATS} interleaved runs`,
  );
  console.log(row('transcodeToCanonical (ffmpeg soxr + our downmix, to disk)', tc));
  console.log(row('our streaming decoder + JS resampler (pre-issue-15 path)', ih));
  console.log(row('baseline: ffmpeg -ar 16000 -ac 1 (swr default, to disk)', ff));
  const goal = ff.cpu / tc.cpu;
  console.log(
    `  goal (issue 15 #5): transcode speed vs ffmpeg >= 0.50x -> CPU ${goal.toFixed(2)}x, ${goal >= 0.5 ? 'met' : 'NOT met'}`,
  );
  const perMinute = (m: Cost) => `${((m.cpu / MINUTES) * 1000).toFixed(0)} CPU-ms`;
  console.log(
    `  per minute of 48 kHz stereo audio: transcode ${perMinute(tc)}, JS resampler path ${perMinute(ih)}, ffmpeg ${perMinute(ff)}`,
  );

  // 3. Stop-band of both resamplers (tests require >= 60 dB).
  const viaTranscode = async (x: Float32Array) => {
    const out = join(dir, 'tone16k.wav');
    await transcodeToCanonical(Readable.from([encodeWav24(x, RATE)]), {
      format: 'wav',
      maxDurationS: 60,
      outputPath: out,
    });
    return decodeWav(readFileSync(out)).channels[0]!;
  };
  const viaJs = async (x: Float32Array) => resample(x, RATE, 16_000);
  // The canonical output is 16-bit: a tone stopped below its last bit comes out as digital silence.
  const dB = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'silent (< -96, under 16-bit LSB)');
  console.log('\nstop-band from 48 kHz (dB, tone RMS out/in; tests require < -60)');
  for (const f of [8100, 9000, 11_000, 15_000]) {
    console.log(
      `  ${String(f).padStart(5)} Hz: transcode (soxr) ${dB(await stopBandDb(f, viaTranscode))}, ` +
        `JS resampler ${dB(await stopBandDb(f, viaJs))}`,
    );
  }

  // 4. Analysis on the canonical 16 kHz signal.
  const [segments, tVad] = await timeAsync(() => detectSpeech(mono16k));
  const [levels, tLevels] = time(() => analyzeLevels(mono16k, 16_000, segments));
  const [prosody, tProsody] = time(() => analyzeProsody(mono16k, segments));
  const tAnalysis = tVad + tLevels + tProsody;
  console.log('\nanalysis of the 16 kHz mono result');
  console.log(
    `  VAD ${fmt(tVad)} (${segments.length} segments), levels ${fmt(tLevels)}, prosody ${fmt(tProsody)}`,
  );
  console.log(`  VAD+levels+prosody ${fmt(tAnalysis)}  ${rtf(tAnalysis, SECONDS)}`);
  console.log(`  levels: ${JSON.stringify(levels)}`);
  console.log(`  prosody: ${JSON.stringify(prosody)}`);
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
