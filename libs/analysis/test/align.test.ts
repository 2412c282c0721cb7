import { describe, expect, it } from 'vitest';
import { alignByWordCount } from '../src/engines/align';
import { TranscriptEngine } from '../src/engines/transcript';
import type { AnalysisContext } from '../src/types';

describe('alignByWordCount', () => {
  it('spreads sentences over speech time by word count, skipping pauses', () => {
    const speech = [
      { startMs: 1000, endMs: 3000 },
      { startMs: 4000, endMs: 6000 },
    ];
    // 2 + 6 words over 4 s of speech: the first sentence takes 1 s, the second the remaining 3 s.
    expect(alignByWordCount([2, 6], speech)).toEqual([
      { startMs: 1000, endMs: 2000 },
      { startMs: 2000, endMs: 6000 },
    ]);
    // Equal halves: the boundary falls exactly on the pause, and the second sentence starts after it.
    expect(alignByWordCount([4, 4], speech)).toEqual([
      { startMs: 1000, endMs: 3000 },
      { startMs: 4000, endMs: 6000 },
    ]);
  });

  it('gives nothing without words or speech', () => {
    expect(alignByWordCount([], [{ startMs: 0, endMs: 10 }])).toEqual([]);
    expect(alignByWordCount([3], [])).toEqual([]);
  });
});

describe('transcript engine timeline', () => {
  const ctx = (transcript: string): AnalysisContext =>
    ({ transcript, segments: [{ startMs: 0, endMs: 4000 }] }) as unknown as AnalysisContext;

  it('estimates a timeline for a multi-sentence client transcript and says so', async () => {
    const r = await new TranscriptEngine().analyze(
      new Float32Array(0),
      ctx('I love this so much. This part is terrible and awful.'),
    );
    expect(r?.timeline).toHaveLength(2);
    expect(r?.timeline?.[0]).toMatchObject({ startMs: 0, label: 'positive' });
    expect(r?.timeline?.[1]).toMatchObject({ endMs: 4000, label: 'negative' });
    expect(r?.details?.timelineSource).toBe('estimated-by-word-count');
  });

  it('has no timeline for a single sentence', async () => {
    const r = await new TranscriptEngine().analyze(new Float32Array(0), ctx('I love this.'));
    expect(r?.timeline).toBeUndefined();
  });
});
