import { decodeWav, downmix, encodeWavPcm16 } from '@voicepulse/audio';
import { synthesizeSpeech, wordErrorRate, type SpeechEngine } from '@voicepulse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisConfigSchema, createAnalyzer, type Analyzer } from '../src';

/*
 * The headline promise on audio as call recordings arrive (no client transcript), in voices that
 * sound like people: flite's CMU ARCTIC clustergen voices and festival's HTS voice, trained on
 * recorded speakers (espeak-ng's formant voice is what pocketsphinx misses; see bench/voice-eval).
 */
const RATE = 16_000;
// Two flite voices (a female and a male reader); festival's HTS voice is in bench/voice-eval only,
// since its synthesis alone takes longer than the analysis.
const VOICES: [SpeechEngine, string][] = [
  ['flite', 'slt'],
  ['flite', 'rms'],
];
const CALLS = {
  positive: ['I love this product, it is wonderful.', 'The support team was great and very helpful.'],
  negative: ['This is terrible, I hate the delays.', 'The service was awful and the staff were rude.'],
} as const;

/** Two sentences with a pause between, inside silence: the timeline has a known shape. */
function call(engine: SpeechEngine, voice: string, sentences: readonly string[]) {
  const speech = sentences.map((t) => downmix(decodeWav(synthesizeSpeech(t, { engine, voice, padS: 0 }).wav)));
  const pause = (s: number) => new Float32Array(Math.round(s * RATE));
  const parts = [pause(1), speech[0]!, pause(1.5), speech[1]!, pause(1)];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  const spans: { startMs: number; endMs: number }[] = [];
  let at = 0;
  for (const p of parts) {
    if (speech.includes(p)) spans.push({ startMs: (at / RATE) * 1000, endMs: ((at + p.length) / RATE) * 1000 });
    out.set(p, at);
    at += p.length;
  }
  return { wav: encodeWavPcm16(out, RATE), spans };
}

describe('sentiment from a natural-sounding voice alone (default analysis: VAD-gated pocketsphinx)', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await createAnalyzer(analysisConfigSchema.parse({}));
  });
  afterAll(() => analyzer?.close());

  for (const [engine, voice] of VOICES) {
    for (const label of ['positive', 'negative'] as const) {
      // The timeout is for a loaded 2-core CI machine (recognition runs in a child process).
      it(`${engine} ${voice}: a ${label} call comes back ${label}, with a timed sentence per utterance`, { timeout: 180_000 }, async () => {
        expect(analyzer.transcriber).toBe('pocketsphinx');
        const { wav, spans } = call(engine, voice, CALLS[label]);
        const r = await analyzer.analyze(wav, {});

        expect(r.sentiment.label).toBe(label);
        expect(r.transcript?.source).toBe('pocketsphinx');
        const wer = wordErrorRate(CALLS[label].join(' '), r.transcript!.text);
        console.log(`${engine} ${voice} ${label}: heard "${r.transcript!.text}" (WER ${(100 * wer).toFixed(0)} %)`);
        expect(wer).toBeLessThan(0.5);
        // The timeline: each utterance heard on its own, timed on the speech it came from.
        const segs = r.transcript!.segments!;
        expect(segs).toHaveLength(2);
        segs.forEach((s, i) => {
          expect(s.startMs).toBeGreaterThanOrEqual(spans[i]!.startMs - 300);
          expect(s.endMs).toBeLessThanOrEqual(spans[i]!.endMs + 300);
        });
        const lexical = r.sentiment.engines.find((e) => e.engine === 'transcript');
        expect(lexical?.timeline).toHaveLength(2);
      });
    }
  }
});
