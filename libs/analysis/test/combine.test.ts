import { describe, expect, it } from 'vitest';
import { AROUSAL_NUDGE, combine } from '../src/combine';
import type { EngineResult } from '../src/types';

const r = (
  engine: string,
  score: number,
  confidence: number,
  extra: Partial<EngineResult> = {},
): EngineResult => ({
  engine,
  version: '1',
  score,
  label: score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral',
  confidence,
  ...extra,
});
const opts = {
  mode: 'weighted' as const,
  weights: { transcript: 1, onnx: 0.5, acoustic: 0.3 },
  arousalOnly: new Set(['acoustic']),
};

describe('combine', () => {
  it('weights valence by configured weight × confidence and penalises disagreement', () => {
    const c = combine([r('transcript', 0.8, 0.9), r('onnx', -0.4, 0.6)], opts);
    // (1·0.9·0.8 + 0.5·0.6·(−0.4)) / (0.9 + 0.3)
    expect(c.score).toBeCloseTo((0.72 - 0.12) / 1.2, 12);
    expect(c.label).toBe('positive');
    // mean confidence (1.2 / 1.5) × agreeing weight share (1 / 1.5)
    expect(c.confidence).toBeCloseTo((1.2 / 1.5) * (1 / 1.5), 12);
  });

  it('never lets an arousal-only engine pull valence, only nudge confidence', () => {
    const alone = combine([r('transcript', 0.6, 0.8)], opts);
    const withAcoustic = combine([r('transcript', 0.6, 0.8), r('acoustic', 0, 0.2, { arousal: 0.7 })], opts);
    expect(withAcoustic.score).toBe(alone.score);
    expect(withAcoustic.arousal).toBe(0.7);
    // consistency 1 − 2·|0.7 − 0.6| = 0.8 → × (1 + 0.1·1·0.8)
    expect(withAcoustic.confidence).toBeCloseTo(0.8 * (1 + AROUSAL_NUDGE * 0.8), 12);
  });

  it('is neutral with low confidence when only arousal is known', () => {
    const c = combine([r('acoustic', 0, 0.15, { arousal: 0.9 })], opts);
    expect(c).toEqual({ score: 0, label: 'neutral', confidence: 0.15, arousal: expect.closeTo(0.9, 12) });
  });

  it('"first" takes the first valence engine in configured order', () => {
    const c = combine([r('onnx', -0.5, 0.4), r('transcript', 0.9, 1)], { ...opts, mode: 'first' });
    expect(c.score).toBe(-0.5);
    expect(c.confidence).toBeCloseTo(0.4, 12);
  });

  it('takes the timeline of the heaviest engine that has one', () => {
    const tl = [{ startMs: 0, endMs: 10, score: 0.5, label: 'positive' as const }];
    const c = combine([r('onnx', 0.5, 1, { timeline: [] }), r('transcript', 0.5, 1, { timeline: tl })], opts);
    expect(c.timeline).toBe(tl);
  });
});
