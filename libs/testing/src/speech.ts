import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = join(tmpdir(), 'vp-speech-cache', 'v1');

/**
 * The synthesisers Debian ships. espeak-ng is formant synthesis: robotic, and a recogniser trained
 * on human speech misses most of it. flite's `slt`/`rms`/`awb` (CMU ARCTIC clustergen voices) and
 * festival's HTS `cmu_us_slt_arctic_hts` are statistical voices trained on recorded speakers: the
 * natural-sounding voices the STT tests and the voice eval need beside espeak-ng.
 */
export type SpeechEngine = 'espeak-ng' | 'flite' | 'festival';

export interface SpeechOptions {
  engine?: SpeechEngine;
  /** espeak-ng: `en-us`, `en-gb+f3`…; flite: `slt`, `rms`, `awb`; festival: `cmu_us_slt_arctic_hts`. */
  voice?: string;
  /** Words per minute (espeak-ng `-s`; the others stretch their natural ~160 wpm to it). */
  wpm?: number;
  /** espeak-ng only. */
  pitch?: number;
  /** Digital silence added on each side, in seconds: the ground truth for talk time. */
  padS?: number;
  sampleRate?: number;
  channels?: number;
}

export interface Speech {
  path: string;
  wav: Buffer;
  /** Length of the speech itself: the synthesiser's output with its own edge silence trimmed. */
  speechMs: number;
  totalMs: number;
}

const durationMs = (file: string) => Math.round(Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' })) * 1000);

const DEFAULT_VOICE: Record<SpeechEngine, string> = {
  'espeak-ng': 'en-us',
  flite: 'slt',
  festival: 'cmu_us_slt_arctic_hts',
};
/** The rate flite's and festival's voices speak at unstretched (CMU ARCTIC readers, roughly). */
const NATURAL_WPM = 160;

/** Runs the synthesiser, writing its own WAV (any rate; sox converts) to `out`. */
function synthesize(engine: SpeechEngine, text: string, voice: string, wpm: number, pitch: number, out: string) {
  const stretch = (NATURAL_WPM / wpm).toFixed(3);
  if (engine === 'espeak-ng') {
    execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-p', String(pitch), '-w', out, text]);
  } else if (engine === 'flite') {
    execFileSync('flite', ['-voice', voice, '--setf', `duration_stretch=${stretch}`, '-t', text, '-o', out]);
  } else {
    // text2wave reads the text from stdin; the voice and stretch are Scheme evaluated first.
    execFileSync(
      'text2wave',
      ['-eval', `(voice_${voice})`, '-eval', `(Parameter.set 'Duration_Stretch ${stretch})`, '-o', out],
      { input: text },
    );
  }
}

/**
 * Real (synthetic) speech for tests and benchmarks, trimmed of the synthesiser's own leading and
 * trailing silence, then padded with exact digital silence, so the speech span is known. Cached
 * by content across runs, since synthesis + sox cost ~100 ms a clip on a 2-core machine.
 */
export function synthesizeSpeech(text: string, opts: SpeechOptions = {}): Speech {
  const { engine = 'espeak-ng', wpm = 160, pitch = 50, padS = 1, sampleRate = 16_000, channels = 1 } = opts;
  const voice = opts.voice ?? DEFAULT_VOICE[engine];
  mkdirSync(CACHE, { recursive: true });
  // espeak-ng clips keep their earlier keys, so caches built before other engines stay valid.
  const parts = engine === 'espeak-ng' ? [] : [engine];
  const key = createHash('sha1')
    .update(JSON.stringify([text, voice, wpm, pitch, padS, sampleRate, channels, ...parts]))
    .digest('hex')
    .slice(0, 20);
  const path = join(CACHE, `${key}.wav`);
  const trimmed = join(CACHE, `${key}.trimmed.wav`);
  if (!existsSync(path)) {
    const raw = join(CACHE, `${key}.${process.pid}.raw.wav`);
    synthesize(engine, text, voice, wpm, pitch, raw);
    const trim = ['silence', '1', '0.01', '0.1%', 'reverse', 'silence', '1', '0.01', '0.1%', 'reverse'];
    const format = ['-r', String(sampleRate), '-c', String(channels), '-b', '16'];
    const tmp = `${trimmed}.${process.pid}.tmp.wav`;
    execFileSync('sox', [raw, ...format, tmp, ...trim]);
    renameSync(tmp, trimmed);
    const padded = `${path}.${process.pid}.tmp.wav`;
    execFileSync('sox', [trimmed, padded, 'pad', String(padS), String(padS)]);
    // Renamed into place last, so a concurrent run never reads a half-written clip.
    renameSync(padded, path);
  }
  return { path, wav: readFileSync(path), speechMs: durationMs(trimmed), totalMs: durationMs(path) };
}
