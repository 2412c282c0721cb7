import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combine } from '../src/combine';
import { OnnxEngine, type OnnxEngineOptions } from '../src/engines/onnx';
import { TranscriptEngine } from '../src/engines/transcript';
import { ModelError } from '../src/errors';
import { mapOutput } from '../src/onnx/mapping';
import { normalisedWindow, planWindows } from '../src/onnx/windows';
import type { AnalysisContext } from '../src/types';
import { steps, writeHalfMeansModel } from './tiny-model';

// 0.5 s windows at 16 kHz → 8000-sample model input; hop 0.25 s.
const N = 8000;
const ctx = (segments: { startMs: number; endMs: number }[], transcript?: string): AnalysisContext =>
  ({
    segments,
    prosody: {},
    levels: {},
    ...(transcript ? { transcript } : {}),
  }) as unknown as AnalysisContext;

/** The model's outputs for a window, per its definition in tiny-model.ts. */
const predicted = (firstHalfMean: number, secondHalfMean: number) => [
  0.25 * firstHalfMean + 0.5,
  0.25 * secondHalfMean + 0.5,
  0.1,
];

describe('windowing', () => {
  it('covers the signal with fixed windows, the last one partial', () => {
    // 1.1 s: windows start every 4000 samples until one reaches the end.
    expect(planWindows(17_600, N, 4000)).toEqual([
      { start: 0, end: 8000 },
      { start: 4000, end: 12_000 },
      { start: 8000, end: 16_000 },
      { start: 12_000, end: 17_600 },
    ]);
    expect(planWindows(4800, N, 4000)).toEqual([{ start: 0, end: 4800 }]);
    expect(planWindows(16_000, N, N)).toHaveLength(2);
    expect(planWindows(0, N, 4000)).toEqual([]);
  });

  it('normalises the real samples to zero mean and unit variance, then pads with zeros', () => {
    const w = normalisedWindow(steps([0.3, 3], [0.1, 3]), { start: 0, end: 6 }, 8, true);
    expect(Array.from(w).map((x) => Number(x.toFixed(4)))).toEqual([1, 1, 1, -1, -1, -1, 0, 0]);
    const raw = normalisedWindow(steps([0.3, 2]), { start: 0, end: 2 }, 3, false);
    expect(Array.from(raw)).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.3, 6), 0]);
  });
});

describe('ONNX engine on a hand-built model', () => {
  let modelPath: string;
  let engines: OnnxEngine[] = [];
  const make = async (over: Partial<OnnxEngineOptions> = {}) => {
    const e = await OnnxEngine.create({
      modelLocation: modelPath,
      sampleRate: 16_000,
      windowS: 0.5,
      hopS: 0.25,
      normalise: true,
      mapping: { kind: 'dimensional', dimensions: ['valence', 'arousal', 'dominance'] },
      ...over,
    });
    engines.push(e);
    return e;
  };

  beforeAll(() => {
    modelPath = writeHalfMeansModel(N);
  });
  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    engines = [];
  });

  it('feeds a normalised window and maps valence/arousal dimensions', async () => {
    const engine = await make();
    // 0.3 then 0.1: normalised to +1 then −1 → valence 0.75 (score 0.5), arousal 0.25.
    const r = await engine.analyze(steps([0.3, 4000], [0.1, 4000]), ctx([{ startMs: 0, endMs: 500 }]));
    expect(r!.score).toBeCloseTo(2 * predicted(1, -1)[0]! - 1, 4);
    expect(r!.arousal).toBeCloseTo(0.25, 4);
    expect(r!.label).toBe('positive');
    expect(r!.version).toMatch(/^onnx-[0-9a-f]{12}$/);
  });

  it('without normalisation the raw amplitudes reach the model', async () => {
    const engine = await make({ normalise: false });
    const r = await engine.analyze(steps([0.3, 4000], [0.1, 4000]), ctx([{ startMs: 0, endMs: 500 }]));
    expect(r!.score).toBeCloseTo(2 * (0.25 * 0.3 + 0.5) - 1, 5);
  });

  it('pads a short recording after normalising it', async () => {
    const engine = await make();
    // 0.3 s = 4800 samples: +1 ×2400, −1 ×2400, then 3200 zeros of padding.
    // First half (0..3999): (2400 − 1600)/4000 = 0.2; second half: −800/4000 = −0.2.
    const r = await engine.analyze(steps([0.3, 2400], [0.1, 2400]), ctx([{ startMs: 0, endMs: 300 }]));
    expect(r!.score).toBeCloseTo(2 * predicted(0.2, -0.2)[0]! - 1, 4);
    expect(r!.arousal).toBeCloseTo(predicted(0.2, -0.2)[1]!, 4);
    expect(r!.timeline).toEqual([{ startMs: 0, endMs: 300, score: expect.any(Number), label: 'positive' }]);
  });

  it('windows the recording, skips windows without speech and weights windows by speech', async () => {
    const engine = await make({ hopS: 0.5 });
    // Window A [0, 500): +1/−1 → score 0.5, arousal 0.25. Window B [500, 1000): −1/+1 → score −0.5, arousal 0.75.
    const audio = steps([0.3, 4000], [0.1, 4000], [0.1, 4000], [0.3, 4000]);
    const r = await engine.analyze(
      audio,
      ctx([
        { startMs: 0, endMs: 500 },
        { startMs: 500, endMs: 600 },
      ]),
    );
    expect(r!.timeline!.map((t) => [t.startMs, t.endMs, t.label])).toEqual([
      [0, 500, 'positive'],
      [500, 1000, 'negative'],
    ]);
    // Speech weights 500 and 100 ms.
    expect(r!.score).toBeCloseTo((0.5 * 500 - 0.5 * 100) / 600, 4);
    expect(r!.arousal).toBeCloseTo((0.25 * 500 + 0.75 * 100) / 600, 4);
    // ½·certainty(|0.333|/0.5) + ½·agreement(500/600)
    expect(r!.confidence).toBeCloseTo(0.5 * (1 / 3 / 0.5) + 0.5 * (500 / 600), 4);

    const onlyFirst = await engine.analyze(audio, ctx([{ startMs: 100, endMs: 400 }]));
    expect(onlyFirst!.timeline).toHaveLength(1);
    expect(await engine.analyze(audio, ctx([]))).toBeNull();

    const overlapping = await make();
    const four = await overlapping.analyze(steps([0.2, 17_600]), ctx([{ startMs: 0, endMs: 1100 }]));
    expect(four!.timeline!.map((t) => [t.startMs, t.endMs])).toEqual([
      [0, 500],
      [250, 750],
      [500, 1000],
      [750, 1100],
    ]);
  });

  it('resamples to the model rate before windowing', async () => {
    // An 8 kHz model: 0.5 s windows are 4000 samples.
    const engine = await make({ modelLocation: writeHalfMeansModel(4000), sampleRate: 8000 });
    const r = await engine.analyze(steps([0.2, 17_600]), ctx([{ startMs: 0, endMs: 1100 }]));
    expect(r!.timeline!.map((t) => [t.startMs, t.endMs])).toEqual([
      [0, 500],
      [250, 750],
      [500, 1000],
      [750, 1100],
    ]);
    // A 16 kHz window would not fit the model's fixed [1, 4000] input.
    await expect(
      (await make({ modelLocation: writeHalfMeansModel(4000) })).analyze(
        steps([0.2, 8000]),
        ctx([{ startMs: 0, endMs: 500 }]),
      ),
    ).rejects.toThrow(/ONNX inference failed on a \[1, 8000\] window/);
  });

  it('maps categorical outputs through softmax and per-class valence', async () => {
    const classes = [
      { label: 'happy', valence: 0.8, arousal: 0.7 },
      { label: 'sad', valence: -0.6, arousal: 0.2 },
      { label: 'neutral', valence: 0, arousal: 0.3 },
    ];
    const engine = await make({ mapping: { kind: 'categorical', classes, activation: 'softmax' } });
    const r = await engine.analyze(steps([0.3, 4000], [0.1, 4000]), ctx([{ startMs: 0, endMs: 500 }]));
    const logits = predicted(1, -1);
    const exps = logits.map(Math.exp);
    const p = exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
    expect(r!.score).toBeCloseTo(p[0]! * 0.8 - p[1]! * 0.6, 4);
    expect(r!.arousal).toBeCloseTo(p[0]! * 0.7 + p[1]! * 0.2 + p[2]! * 0.3, 4);
    expect(r!.details).toMatchObject({ topClasses: ['happy'] });
    expect(mapOutput([0.2, 0.5, 0.3], { kind: 'categorical', classes, activation: 'none' }).top).toBe('sad');
  });

  it('combines with the transcript engine end to end', async () => {
    const engine = await make({ hopS: 0.5 });
    const audio = steps([0.3, 4000], [0.1, 4000], [0.1, 4000], [0.3, 4000]);
    const c = ctx(
      [
        { startMs: 0, endMs: 500 },
        { startMs: 500, endMs: 600 },
      ],
      'This was a terrible experience.',
    );
    const onnx = (await engine.analyze(audio, c))!;
    const text = (await new TranscriptEngine().analyze(audio, c))!;
    const combined = combine([text, onnx], {
      mode: 'weighted',
      weights: { transcript: 1, onnx: 2 },
      arousalOnly: new Set(),
    });
    const mass = text.confidence + 2 * onnx.confidence;
    expect(combined.score).toBeCloseTo(
      (text.confidence * text.score + 2 * onnx.confidence * (1 / 3)) / mass,
      4,
    );
    expect(combined.arousal).toBeCloseTo(1 / 3, 4);
    expect(combined.timeline).toBe(onnx.timeline);
  });

  it('loads the model through an injected loader and rejects a mismatched configuration', async () => {
    const seen: string[] = [];
    const viaStore = await make({
      modelLocation: 'models/emotion.onnx',
      loadModel: async (key) => {
        seen.push(key);
        return new Uint8Array(await readFile(modelPath));
      },
    });
    expect(seen).toEqual(['models/emotion.onnx']);
    expect(viaStore.version).toBe((await make()).version);

    await expect(make({ inputName: 'input_values' })).rejects.toThrow(
      /no input "input_values" \(inputs: audio\)/,
    );
    await expect(make({ outputNames: ['logits'] })).rejects.toThrow(ModelError);
    await expect(make({ modelLocation: '/nonexistent.onnx' })).rejects.toThrow(
      /cannot read ONNX model \/nonexistent.onnx/,
    );
    const twoDims = await make({ mapping: { kind: 'dimensional', dimensions: ['valence', 'arousal'] } });
    await expect(twoDims.analyze(new Float32Array(8000), ctx([{ startMs: 0, endMs: 500 }]))).rejects.toThrow(
      /3 values; ONNX_LABELS names 2/,
    );
  });
});
