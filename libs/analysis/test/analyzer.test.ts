import { readFile } from 'node:fs/promises';
import { encodeWavPcm16 } from '@voicepulse/audio';
import { afterAll, describe, expect, it } from 'vitest';
import {
  analysisConfigSchema,
  AnalysisConfigError,
  createAnalyzer,
  ModelError,
  TranscriberUnavailableError,
  type Analyzer,
} from '../src';
import { synthesizeSpeech } from '@voicepulse/testing';
import { writeHalfMeansModel } from './tiny-model';

const config = (env: Record<string, string> = {}) => analysisConfigSchema.parse(env);
const open: Analyzer[] = [];
const make = async (...a: Parameters<typeof createAnalyzer>) => {
  const an = await createAnalyzer(...a);
  open.push(an);
  return an;
};
afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
});

describe('createAnalyzer end to end', () => {
  const clip = synthesizeSpeech(
    'Hello, I am calling about the order I placed last week for the new kitchen table.',
    { padS: 1.5 },
  );

  it('measures talk time inside known silence and follows the client transcript', async () => {
    const analyzer = await make(config());
    expect(analyzer.engines.map((e) => e.name)).toEqual(['transcript', 'acoustic']);

    const pos = await analyzer.analyze(clip.wav, {
      transcript: 'Thank you, this is wonderful and I am very happy with it.',
    });
    expect(pos.durationMs).toBeCloseTo(clip.speechMs + 3000, -1);
    expect(pos.talkedTimeMs).toBeGreaterThan(clip.speechMs * 0.85);
    expect(pos.talkedTimeMs).toBeLessThan(clip.speechMs * 1.15);
    expect(pos.speechRatio).toBeCloseTo(pos.talkedTimeMs / pos.durationMs, 12);
    for (const s of pos.segments) {
      expect(s.startMs).toBeGreaterThanOrEqual(1500 - 100);
      expect(s.endMs).toBeLessThanOrEqual(1500 + clip.speechMs + 300);
    }
    expect(pos.sentiment.label).toBe('positive');
    expect(pos.sentiment.engines.map((e) => `${e.engine}@${e.version}`)).toEqual([
      'transcript@vader-1.1.3',
      'acoustic@prosody-arousal-1',
    ]);
    expect(pos.arousal).toBeGreaterThan(0);
    expect(pos.transcript).toMatchObject({ source: 'client', sentences: [{ label: 'positive' }] });

    const neg = await analyzer.analyze(clip.wav, {
      transcript: 'This is awful. I am angry and the service was terrible.',
    });
    expect(neg.sentiment.label).toBe('negative');
    expect(neg.sentiment.score).toBeLessThan(-0.3);
    expect(neg.transcript!.sentences.map((s) => s.label)).toEqual(['negative', 'negative']);
    // Same audio, same arousal: the acoustic engine does not depend on the words.
    expect(neg.arousal).toBe(pos.arousal);
  });

  it('without a transcript or transcriber it reports no valence rather than inventing one', async () => {
    const r = await (await make(config({ TRANSCRIBER: 'none' }))).analyze(clip.wav, {});
    expect(r.transcript).toBeUndefined();
    expect(r.sentiment).toMatchObject({ score: 0, label: 'neutral' });
    expect(r.sentiment.confidence).toBeLessThanOrEqual(0.2);
    expect(r.sentiment.engines.map((e) => e.engine)).toEqual(['acoustic']);
  });

  it('transcribes with pocketsphinx when the client sent no transcript', async () => {
    const analyzer = await make(config({ TRANSCRIBER: 'pocketsphinx' }));
    const r = await analyzer.analyze(clip.wav, {});
    expect(r.transcript?.source).toBe('pocketsphinx');
    expect(r.transcript!.text).not.toBe('');
    const withClient = await analyzer.analyze(clip.wav, { transcript: 'Great, thanks!' });
    expect(withClient.transcript).toMatchObject({ source: 'client', text: 'Great, thanks!' });
  });

  it('reports silence as no talk time', async () => {
    const silence = encodeWavPcm16(new Float32Array(16_000 * 2), 16_000);
    const r = await (await make(config())).analyze(silence, { transcript: '' });
    expect(r).toMatchObject({
      talkedTimeMs: 0,
      speechRatio: 0,
      segments: [],
      sentiment: { label: 'neutral', engines: [] },
    });
  });

  it('runs an ONNX model loaded through the injected loader alongside the lexicon', async () => {
    const model = writeHalfMeansModel(8000);
    const analyzer = await make(
      config({
        SENTIMENT_ENGINES: 'transcript,onnx',
        ONNX_MODEL_PATH: 'models/tiny.onnx',
        ONNX_WINDOW_S: '0.5',
        ONNX_HOP_S: '0.5',
        ONNX_LABELS: 'valence,arousal,dominance',
      }),
      { loadModel: async () => new Uint8Array(await readFile(model)) },
    );
    expect(analyzer.engines.map((e) => e.name)).toEqual(['transcript', 'onnx']);
    const r = await analyzer.analyze(clip.wav, { transcript: 'I love it.' });
    const onnx = r.sentiment.engines.find((e) => e.engine === 'onnx')!;
    expect(onnx.timeline!.length).toBeGreaterThan(0);
    // The ONNX engine has the only timeline here, and only windows with speech are on it.
    expect(r.timeline).toEqual(onnx.timeline);
    expect(r.timeline![0]!.startMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('createAnalyzer fails fast at start-up', () => {
  it('when the configured transcriber is unavailable', async () => {
    await expect(createAnalyzer(config({ TRANSCRIBER: 'whisper' }))).rejects.toThrow(
      new TranscriberUnavailableError('whisper', 'WHISPER_MODEL_PATH is not set'),
    );
    await expect(
      createAnalyzer(config({ TRANSCRIBER: 'whisper', WHISPER_MODEL_PATH: '/nope/ggml.bin' })),
    ).rejects.toThrow(/WHISPER_MODEL_PATH=\/nope\/ggml.bin does not exist/);
  });

  it('when the ONNX engine has no model or a broken one', async () => {
    await expect(createAnalyzer(config({ SENTIMENT_ENGINES: 'onnx' }))).rejects.toThrow(AnalysisConfigError);
    await expect(
      createAnalyzer(config({ SENTIMENT_ENGINES: 'onnx', ONNX_MODEL_PATH: '/nope.onnx' })),
    ).rejects.toThrow(ModelError);
    await expect(
      createAnalyzer(config({ SENTIMENT_ENGINES: 'onnx', ONNX_MODEL_PATH: 'k' }), {
        loadModel: async () => new Uint8Array([1, 2, 3]),
      }),
    ).rejects.toThrow(/cannot load ONNX model k/);
  });
});
