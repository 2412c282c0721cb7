import { describe, expect, it } from 'vitest';
import { TranscriptEngine } from '../src/engines/transcript';
import { gateToSpeech, toRecordingMs, ungate } from '../src/transcribers/gate';
import type { AnalysisContext } from '../src/types';

const RATE = 1000; // one sample per millisecond keeps the arithmetic readable

describe('gating STT to the VAD speech', () => {
  const samples = Float32Array.from({ length: 10_000 }, (_, i) => i);
  const speech = [
    { startMs: 1000, endMs: 2000 },
    { startMs: 6000, endMs: 7000 },
  ];
  const gated = gateToSpeech(samples, speech, RATE, { padMs: 100, joinMs: 300 });

  it('keeps only the padded speech, joined by silence', () => {
    expect(gated.samples.length).toBe(1200 + 300 + 1200);
    expect(gated.samples[0]).toBe(900);
    expect(gated.samples[1199]).toBe(2099);
    expect(gated.samples.subarray(1200, 1500).every((x) => x === 0)).toBe(true);
    expect(gated.samples[1500]).toBe(5900);
    expect(gated.spans).toEqual([
      { gatedStartMs: 0, gatedEndMs: 1200, startMs: 900, endMs: 2100 },
      { gatedStartMs: 1500, gatedEndMs: 2700, startMs: 5900, endMs: 7100 },
    ]);
  });

  it('maps gated times back to the recording, snapping times in a join to the nearer cut', () => {
    expect(toRecordingMs(gated, 100)).toBe(1000);
    expect(toRecordingMs(gated, 1250)).toBe(2100);
    expect(toRecordingMs(gated, 1450)).toBe(5900);
    expect(toRecordingMs(gated, 1600)).toBe(6000);
    expect(toRecordingMs(gated, 9999)).toBe(7100);
  });

  it('does not overlap padding of close segments', () => {
    const g = gateToSpeech(
      samples,
      [
        { startMs: 1000, endMs: 2000 },
        { startMs: 2100, endMs: 2500 },
      ],
      RATE,
      { padMs: 100, joinMs: 0 },
    );
    expect(g.samples.length).toBe(2600 - 900);
  });

  it('regroups words per speech segment with their mean posterior', () => {
    const t = ungate(
      {
        text: 'good morning thanks a lot',
        segments: [],
        words: [
          { word: 'good', startMs: 100, endMs: 500, confidence: 0.9 },
          { word: 'morning', startMs: 500, endMs: 1100, confidence: 0.6 },
          { word: 'thanks', startMs: 1600, endMs: 2000, confidence: 0.2 },
          { word: 'a', startMs: 2000, endMs: 2100, confidence: 0.2 },
          { word: 'lot', startMs: 2100, endMs: 2500, confidence: 0.2 },
        ],
        confidence: 0.5,
      },
      gated,
      speech,
    );
    expect(t.segments).toEqual([
      { startMs: 1000, endMs: 2000, text: 'good morning', confidence: (400 * 0.9 + 600 * 0.6) / 1000 },
      { startMs: 6000, endMs: 6900, text: 'thanks a lot', confidence: 0.2 },
    ]);
    expect(t.confidence).toBe(0.5);
  });
});

describe('STT confidence in the lexical verdict', () => {
  const ctx = (transcriptConfidence?: number): AnalysisContext => ({
    transcript: 'This is wonderful, thank you so much.',
    segments: [{ startMs: 0, endMs: 2000 }],
    prosody: {} as AnalysisContext['prosody'],
    levels: {} as AnalysisContext['levels'],
    ...(transcriptConfidence === undefined ? {} : { transcriptConfidence }),
  });

  it('an engine that heard badly does not speak loudly', async () => {
    const engine = new TranscriptEngine();
    const sure = (await engine.analyze(new Float32Array(0), ctx()))!;
    const heardWell = (await engine.analyze(new Float32Array(0), ctx(0.9)))!;
    const heardBadly = (await engine.analyze(new Float32Array(0), ctx(0.2)))!;
    expect(sure.label).toBe('positive');
    expect(heardBadly.label).toBe('positive');
    expect(heardWell.confidence).toBeCloseTo(sure.confidence * 0.9, 12);
    expect(heardBadly.confidence).toBeCloseTo(sure.confidence * 0.2, 12);
    expect(heardBadly.details?.sttConfidence).toBe(0.2);
  });
});
