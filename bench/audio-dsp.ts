/**
 * DSP throughput of @voicepulse/audio against the alternatives on the same machine and run:
 *   node --import tsx bench/audio-dsp.ts
 * Input: 10 minutes of 48 kHz stereo 16-bit speech (espeak-ng, looped with pauses).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const fmt = (s: number) => `${s.toFixed(2)} s`;
const rtf = (s: number, audioS: number) => `RTF ${(s / audioS).toExponential(2)} (${(audioS / s).toFixed(0)}x real time)`;

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
  console.log(`  decodeWav ${fmt(tDecode)}, downmix ${fmt(tDownmix)}, resample ${fmt(tResample)}, encode ${fmt(tEncode)}`);
  console.log(`  total ${fmt(ours)}  ${rtf(ours, SECONDS)}; resampler alone ${((SECONDS * RATE) / tResample / 1e6).toFixed(1)} M input samples/s`);

  // 2. Ours, streaming (the transcoder's path): file stream -> canonical WAV.
  const [, tStream] = await timeAsync(() =>
    transcodeToCanonical(createReadStream(file, { highWaterMark: 256 * 1024 }), {
      format: 'wav',
      maxDurationS: 3600,
      outputPath: join(dir, 'canonical.wav'),
    }),
  );
  console.log(`voicepulse transcodeToCanonical (streaming, to disk) ${fmt(tStream)}  ${rtf(tStream, SECONDS)}`);

  // 3. wavefile only, on a shorter clip because it is far slower and memory-hungry; scaled linearly.
  const clip = new WaveFile(readFileSync(file).subarray(0, 44 + WAVEFILE_CLIP_S * RATE * 4));
  const clipHeader = Buffer.from(clip.toBuffer());
  clipHeader.writeUInt32LE(WAVEFILE_CLIP_S * RATE * 4, 40);
  const wfClip = new WaveFile(clipHeader);
  const [, tWfClip] = time(() => wfClip.toSampleRate(16_000));
  const tWf = tWfClip * (SECONDS / WAVEFILE_CLIP_S);
  console.log(
    `wavefile toSampleRate (no downmix: it has none) on a ${WAVEFILE_CLIP_S} s clip: ${fmt(tWfClip)} -> scaled to ${MINUTES} min: ${fmt(tWf)}`,
  );

  // 4. ffmpeg CLI, the usual alternative (its default swresample filter is shorter than ours).
  const ffOut = join(dir, 'ffmpeg16k.wav');
  const [, tFf] = time(() =>
    execFileSync('ffmpeg', ['-y', '-loglevel', 'error', '-i', file, '-ar', '16000', '-ac', '1', ffOut]),
  );
  console.log(`ffmpeg -ar 16000 -ac 1 (process incl. file I/O) ${fmt(tFf)}`);

  console.log('\nratios (time / voicepulse in-memory time)');
  console.log(`  wavefile: ${(tWf / ours).toFixed(1)}x slower`);
  console.log(`  ffmpeg:   ${(tFf / ours).toFixed(2)}x (${tFf < ours ? 'ffmpeg faster' : 'voicepulse faster'})`);
  console.log(`  streaming transcode vs in-memory: ${(tStream / ours).toFixed(2)}x`);

  // 5. Analysis on the canonical 16 kHz signal.
  const [segments, tVad] = await timeAsync(() => detectSpeech(mono16k));
  const [levels, tLevels] = time(() => analyzeLevels(mono16k, 16_000, segments));
  const [prosody, tProsody] = time(() => analyzeProsody(mono16k, segments));
  const tAnalysis = tVad + tLevels + tProsody;
  console.log('\nanalysis of the 16 kHz mono result');
  console.log(`  VAD ${fmt(tVad)} (${segments.length} segments), levels ${fmt(tLevels)}, prosody ${fmt(tProsody)}`);
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
