import { describe, expect, it } from 'vitest';
import { scoreText } from '../src/engines/lexicon';
import { splitSentences } from '../src/engines/sentences';
import { TranscriptEngine, transcriptConfidence } from '../src/engines/transcript';
import type { AnalysisContext } from '../src/types';

const ctx = (over: Partial<AnalysisContext> = {}): AnalysisContext =>
  ({
    segments: [],
    prosody: {} as AnalysisContext['prosody'],
    levels: {} as AnalysisContext['levels'],
    ...over,
  }) as AnalysisContext;

describe('sentence splitting', () => {
  it('splits on terminal punctuation and line breaks but not on abbreviations', () => {
    expect(splitSentences('Hello Mr. Smith. How are you?  Great!\nBye')).toEqual([
      'Hello Mr. Smith.',
      'How are you?',
      'Great!',
      'Bye',
    ]);
  });
  it('keeps unpunctuated STT output as one sentence and drops punctuation-only fragments', () => {
    expect(splitSentences('so i called them and nothing happened')).toHaveLength(1);
    expect(splitSentences('... !!')).toEqual([]);
  });
});

describe('transcript engine (VADER)', () => {
  const engine = new TranscriptEngine();
  const audio = new Float32Array(0);

  it('labels clearly positive, negative and neutral sentences', async () => {
    const pos = await engine.analyze(
      audio,
      ctx({ transcript: 'Thank you so much, this is wonderful and I love it!' }),
    );
    const neg = await engine.analyze(
      audio,
      ctx({ transcript: 'This is terrible. I hate waiting and the service was awful.' }),
    );
    const neu = await engine.analyze(audio, ctx({ transcript: 'The meeting is on Tuesday at three.' }));
    expect(pos).toMatchObject({ engine: 'transcript', version: 'vader-1.1.3', label: 'positive' });
    expect(pos!.score).toBeGreaterThan(0.5);
    expect(neg).toMatchObject({ label: 'negative' });
    expect(neg!.score).toBeLessThan(-0.5);
    expect(neu).toMatchObject({ label: 'neutral', score: 0 });
    // Uniformly neutral wording is a confident neutral.
    expect(neu!.confidence).toBe(1);
  });

  it('cannot judge without a transcript', async () => {
    expect(await engine.analyze(audio, ctx())).toBeNull();
    expect(await engine.analyze(audio, ctx({ transcript: '   ' }))).toBeNull();
  });

  it('scores each sentence and weights the overall score by words', () => {
    const scored = scoreText('I love this. The parcel arrived on Monday morning at the depot.');
    expect(scored.sentences.map((s) => s.label)).toEqual(['positive', 'neutral']);
    const [a, b] = scored.sentences;
    expect(a!.words).toBe(3);
    expect(b!.words).toBe(9);
    expect(scored.score).toBeCloseTo((a!.score * 3 + b!.score * 9) / 12, 10);
  });

  it('is less confident when sentences disagree', async () => {
    const agreeing = scoreText('I love this. It is great. Wonderful people.');
    const mixed = scoreText('I love this. It is terrible. Wonderful people.');
    expect(transcriptConfidence(mixed)).toBeLessThan(transcriptConfidence(agreeing));
  });

  it('builds a timeline from timed transcript segments', async () => {
    const r = await engine.analyze(
      audio,
      ctx({
        transcript: 'hello thanks a lot that is great but now it is broken and useless',
        transcriptSegments: [
          { startMs: 0, endMs: 1200, text: 'hello thanks a lot that is great' },
          { startMs: 1500, endMs: 2900, text: 'but now it is broken and useless' },
          { startMs: 3000, endMs: 3100, text: ' ' },
        ],
      }),
    );
    expect(r!.timeline).toEqual([
      { startMs: 0, endMs: 1200, score: expect.any(Number), label: 'positive' },
      { startMs: 1500, endMs: 2900, score: expect.any(Number), label: 'negative' },
    ]);
  });
});
