import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentimentLabel } from '@voicepulse/analysis';
import { decodeWav, downmix, encodeWavPcm16 } from '@voicepulse/audio';
import { synthesizeSpeech, type SpeechEngine } from '@voicepulse/testing';
import { SENTENCES } from './sentences';

const RATE = 16_000;
/**
 * The voice sets: espeak-ng's formant voices (robotic; what the eval started with) and
 * natural-sounding statistical voices trained on recorded readers (flite's CMU ARCTIC clustergen
 * slt and rms, festival's HTS slt). Voices rotate over the clips of a set.
 */
export const VOICE_SETS = {
  'espeak-ng': [
    { engine: 'espeak-ng', voice: 'en-us' },
    { engine: 'espeak-ng', voice: 'en-gb' },
    { engine: 'espeak-ng', voice: 'en-us+f3' },
  ],
  natural: [
    { engine: 'flite', voice: 'slt' },
    { engine: 'flite', voice: 'rms' },
    { engine: 'festival', voice: 'cmu_us_slt_arctic_hts' },
  ],
} as const satisfies Record<string, readonly { engine: SpeechEngine; voice: string }[]>;
export type VoiceSet = keyof typeof VOICE_SETS;
export const RATES_WPM = [140, 175] as const;
export const SNRS = [null, 20, 10, 5] as const; // null = clean
export type Snr = (typeof SNRS)[number];

export interface Clip {
  id: string;
  label: SentimentLabel;
  text: string;
  voice: string;
  wpm: number;
  durationMs: number;
  /** Ground-truth speech: the two synthesised utterances, placed by us inside known silence. */
  speech: { startMs: number; endMs: number }[];
  files: Record<string, string>;
}

export const NOISES = ['white', 'babble'] as const;
export type Noise = (typeof NOISES)[number];
/** White-noise keys keep their original names so cached corpora stay valid. */
export const snrKey = (snr: Snr, noise: Noise = 'white') =>
  snr === null ? 'clean' : noise === 'white' ? `${snr}dB` : `${noise}-${snr}dB`;

export const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

/**
 * Babble: four talkers at once, made of the real LibriVox read speech in pocketsphinx-testdata (one
 * reader, four different passages at a time), so the noise is speech-shaped and speech-modulated —
 * what a VAD must not mistake for the caller.
 */
function babbleBed(): Float32Array {
  const ids = readFileSync(join(LIBRIVOX, 'fileids'), 'utf8').split('\n').filter(Boolean);
  const parts = ids.map((id) => downmix(decodeWav(readFileSync(join(LIBRIVOX, `${id}.wav`)))));
  const loop = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    loop.set(p, at);
    at += p.length;
  }
  const out = new Float32Array(RATE * 60);
  for (let talker = 0; talker < 4; talker++) {
    const offset = Math.floor((talker * loop.length) / 4);
    for (let i = 0; i < out.length; i++) out[i]! += loop[(i + offset) % loop.length]!;
  }
  return out;
}

const CACHE = join(tmpdir(), 'vp-voice-eval', 'v1');

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Synthesis → 16 kHz mono, with the synthesiser's own edge silence trimmed so placement is exact. */
function utterance(text: string, engine: SpeechEngine, voice: string, wpm: number): Float32Array {
  return downmix(decodeWav(synthesizeSpeech(text, { engine, voice, wpm, padS: 0, sampleRate: RATE }).wav));
}

function rms(x: Float32Array, spans: { startMs: number; endMs: number }[]): number {
  let sum = 0;
  let n = 0;
  for (const s of spans) {
    for (
      let i = Math.floor((s.startMs * RATE) / 1000);
      i < Math.min(x.length, Math.floor((s.endMs * RATE) / 1000));
      i++
    ) {
      sum += x[i]! ** 2;
      n++;
    }
  }
  return Math.sqrt(sum / Math.max(1, n));
}

/**
 * Builds (or reuses from the cache) the labelled set: per label, clip i speaks sentence i and sentence
 * i+1 with a pause between, surrounded by silence of varying length; voice and rate rotate. Noisy
 * variants mix sox white noise scaled so speech-to-noise power over the true speech is exactly the SNR.
 */
export function buildCorpus(perLabel: number, log: (s: string) => void, set: VoiceSet = 'espeak-ng'): Clip[] {
  mkdirSync(CACHE, { recursive: true });
  const noisePath = join(CACHE, 'noise-60s.wav');
  if (!existsSync(noisePath)) {
    // -R: repeatable noise, so cached and regenerated corpora agree.
    sh('sox', [
      '-R',
      '-n',
      '-r',
      String(RATE),
      '-c',
      '1',
      '-b',
      '16',
      noisePath,
      'synth',
      '60',
      'whitenoise',
      'vol',
      '0.5',
    ]);
  }
  const noiseRms = rms(downmix(decodeWav(readFileSync(noisePath))), [{ startMs: 0, endMs: 60_000 }]);
  let babble: Float32Array | undefined;
  /** Mixes the babble bed under a clean clip at the SNR (speech power over the true speech spans). */
  const addBabble = (clip: Clip) => {
    babble ??= babbleBed();
    const bedRms = rms(babble, [{ startMs: 0, endMs: 60_000 }]);
    const signal = downmix(decodeWav(readFileSync(clip.files.clean!)));
    const speechRms = rms(signal, clip.speech);
    for (const snr of SNRS) {
      if (snr === null) continue;
      const key = snrKey(snr, 'babble');
      const out = join(CACHE, `${clip.id}-${key}.wav`);
      if (!existsSync(out)) {
        const gain = speechRms / 10 ** (snr / 20) / bedRms;
        // Each clip hears a different stretch of the babble.
        const offset = (clip.id.length * 7919 + clips.length * 48_000) % (babble.length - signal.length);
        const mixed = signal.map((x, i) => x + gain * babble![offset + i]!);
        writeFileSync(`${out}.tmp`, encodeWavPcm16(mixed, RATE));
        renameSync(`${out}.tmp`, out);
      }
      clip.files[key] = out;
    }
  };

  const clips: Clip[] = [];
  let generated = 0;
  for (const label of ['positive', 'negative', 'neutral'] as const) {
    const list = SENTENCES[label];
    for (let i = 0; i < Math.min(perLabel, list.length); i++) {
      // espeak-ng clips keep their original ids, so cached corpora stay valid.
      const id = `${set === 'espeak-ng' ? '' : `${set}-`}${label}-${String(i).padStart(2, '0')}`;
      const manifest = join(CACHE, `${id}.json`);
      if (existsSync(manifest)) {
        const cached = JSON.parse(readFileSync(manifest, 'utf8')) as Clip;
        addBabble(cached);
        clips.push(cached);
        continue;
      }
      const voices = VOICE_SETS[set];
      const { engine, voice } = voices[i % voices.length]!;
      const wpm = RATES_WPM[Math.floor(i / voices.length) % RATES_WPM.length]!;
      const a = list[i]!;
      const b = list[(i + 1) % list.length]!;
      const ua = utterance(a, engine, voice, wpm);
      const ub = utterance(b, engine, voice, wpm);
      const lead = Math.round(RATE * (0.6 + (i % 5) * 0.2));
      const gap = Math.round(RATE * (1.0 + (i % 3) * 0.4));
      const tail = Math.round(RATE * 0.8);
      const signal = new Float32Array(lead + ua.length + gap + ub.length + tail);
      signal.set(ua, lead);
      signal.set(ub, lead + ua.length + gap);
      const ms = (n: number) => (n / RATE) * 1000;
      const speech = [
        { startMs: ms(lead), endMs: ms(lead + ua.length) },
        { startMs: ms(lead + ua.length + gap), endMs: ms(lead + ua.length + gap + ub.length) },
      ];
      const files: Record<string, string> = {};
      const clean = join(CACHE, `${id}-clean.wav`);
      writeFileSync(clean, encodeWavPcm16(signal, RATE));
      files.clean = clean;
      const speechRms = rms(signal, speech);
      for (const snr of SNRS) {
        if (snr === null) continue;
        const gain = speechRms / 10 ** (snr / 20) / noiseRms;
        const out = join(CACHE, `${id}-${snrKey(snr)}.wav`);
        // -m sums the inputs at the given volumes; trim to the clip so the 60 s noise bed does not extend it.
        sh('sox', [
          '-m',
          '-v',
          '1',
          clean,
          '-v',
          gain.toFixed(6),
          noisePath,
          out,
          'trim',
          '0',
          `${signal.length}s`,
        ]);
        files[snrKey(snr)] = out;
      }
      const clip: Clip = {
        id,
        label,
        text: `${a} ${b}`,
        voice: engine === 'espeak-ng' ? voice : `${engine} ${voice}`,
        wpm,
        durationMs: ms(signal.length),
        speech,
        files,
      };
      addBabble(clip);
      writeFileSync(`${manifest}.tmp`, JSON.stringify(clip));
      renameSync(`${manifest}.tmp`, manifest);
      clips.push(clip);
      generated++;
    }
  }
  log(`corpus (${set}): ${clips.length} clips (${generated} generated, rest cached in ${CACHE})`);
  return clips;
}
