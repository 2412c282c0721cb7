import { encodeWavPcm16 } from '@voicepulse/audio';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisConfigSchema, createAnalyzer, TranscriberUnavailableError, type Analyzer } from '../src';
import { wordErrorRate } from '@voicepulse/testing';
import { haveLibrivox, librivox } from './librivox';

const RATE = 16_000;
const open: Analyzer[] = [];
afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
});

/** Two LibriVox utterances placed inside silence, so what the recogniser hears is known. */
function recording() {
  const [a, , , , b] = librivox();
  const pause = (s: number) => new Float32Array(Math.round(s * RATE));
  const parts = [pause(1.5), a!.samples, pause(2), b!.samples, pause(1)];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { wav: encodeWavPcm16(out, RATE), reference: `${a!.reference} ${b!.reference}` };
}

describe.skipIf(!haveLibrivox)('speech recognition on recorded speech (pocketsphinx-testdata)', () => {
  it('runs by default on audio-only uploads, on the VAD speech only, with per-segment timings and confidence', async () => {
    const analyzer = await createAnalyzer(analysisConfigSchema.parse({}));
    open.push(analyzer);
    expect(analyzer.transcriber).toBe('pocketsphinx');
    const { wav, reference } = recording();
    const r = await analyzer.analyze(wav, {});

    expect(r.transcript?.source).toBe('pocketsphinx');
    expect(wordErrorRate(reference, r.transcript!.text)).toBeLessThan(0.5);
    // Every timed text lies on detected speech (plus the gate's padding), never in the silences.
    const segs = r.transcript!.segments!;
    expect(segs.length).toBeGreaterThanOrEqual(2);
    for (const s of segs) {
      expect(r.segments.some((v) => s.startMs >= v.startMs - 150 && s.endMs <= v.endMs + 150)).toBe(true);
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
    expect(r.transcript!.confidence).toBeGreaterThan(0);
    expect(r.transcript!.confidence).toBeLessThan(1);
    const lexical = r.sentiment.engines.find((e) => e.engine === 'transcript');
    expect(lexical?.details?.sttConfidence).toBe(r.transcript!.confidence);
    expect(lexical?.timeline?.map((p) => [p.startMs, p.endMs])).toEqual(
      segs.map((s) => [s.startMs, s.endMs]),
    );

    // The client transcript still wins.
    const client = await analyzer.analyze(wav, { transcript: 'What a lovely day.' });
    expect(client.transcript).toMatchObject({ source: 'client', text: 'What a lovely day.' });
    expect(client.transcript!.confidence).toBeUndefined();
  });
});

describe('TRANSCRIBER default (auto) where pocketsphinx cannot run', () => {
  it('starts without speech recognition and says so', async () => {
    const warnings: string[] = [];
    const analyzer = await createAnalyzer(
      analysisConfigSchema.parse({ POCKETSPHINX_BIN: '/nonexistent/pocketsphinx_continuous' }),
      { logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg ?? '') } },
    );
    open.push(analyzer);
    expect(analyzer.transcriber).toBe('none');
    expect(warnings).toContainEqual(expect.stringMatching(/TRANSCRIBER=auto: no speech recognition/));
  });

  it('but an explicitly chosen pocketsphinx that cannot run stops start-up', async () => {
    await expect(
      createAnalyzer(
        analysisConfigSchema.parse({
          TRANSCRIBER: 'pocketsphinx',
          POCKETSPHINX_BIN: '/nonexistent/pocketsphinx_continuous',
        }),
      ),
    ).rejects.toThrow(TranscriberUnavailableError);
  });
});
