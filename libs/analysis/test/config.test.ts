import { describe, expect, it } from 'vitest';
import { analysisConfigSchema, crossFieldIssues, onnxMappingOf } from '../src/config';

describe('analysisConfigSchema', () => {
  it('has working defaults', () => {
    const c = analysisConfigSchema.parse({});
    expect(c.SENTIMENT_ENGINES).toEqual(['transcript', 'acoustic']);
    expect(c.SENTIMENT_WEIGHTS).toEqual({ transcript: 1, acoustic: 0.3, onnx: 1 });
    expect(c.TRANSCRIBER).toBe('auto');
    expect(c.VAD_ENGINE).toBe('silero');
    expect(c.ONNX_LABELS).toEqual({ kind: 'dimensional', dimensions: ['arousal', 'dominance', 'valence'] });
    expect(crossFieldIssues(c)).toEqual([]);
  });

  it('parses engine lists, partial weights and categorical labels', () => {
    const c = analysisConfigSchema.parse({
      SENTIMENT_ENGINES: 'onnx, transcript,onnx',
      SENTIMENT_WEIGHTS: 'onnx=0.5',
      ONNX_LABELS: 'angry=-0.8:0.9,neutral=0,happy=0.8:0.7',
      ONNX_ACTIVATION: 'none',
      ONNX_OUTPUT_NAMES: 'logits',
    });
    expect(c.SENTIMENT_ENGINES).toEqual(['onnx', 'transcript']);
    expect(c.SENTIMENT_WEIGHTS.onnx).toBe(0.5);
    expect(c.ONNX_OUTPUT_NAMES).toEqual(['logits']);
    expect(onnxMappingOf(c)).toEqual({
      kind: 'categorical',
      activation: 'none',
      classes: [
        { label: 'angry', valence: -0.8, arousal: 0.9 },
        { label: 'neutral', valence: 0 },
        { label: 'happy', valence: 0.8, arousal: 0.7 },
      ],
    });
    expect(crossFieldIssues(c)).toEqual([
      { variable: 'ONNX_MODEL_PATH', message: 'required when SENTIMENT_ENGINES includes onnx' },
    ]);
  });

  it('rejects unknown engines, malformed weights and labels without valence', () => {
    const r = analysisConfigSchema.safeParse({
      SENTIMENT_ENGINES: 'transcript,bert',
      SENTIMENT_WEIGHTS: 'acoustic=-1',
      ONNX_LABELS: 'arousal,dominance',
      TRANSCRIBER: 'deepspeech',
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['SENTIMENT_ENGINES', 'SENTIMENT_WEIGHTS', 'ONNX_LABELS', 'TRANSCRIBER']),
    );
  });

  it('stays a plain object schema that services can merge into theirs', () => {
    expect(Object.keys(analysisConfigSchema.shape)).toContain('VAD_MODE');
    expect(analysisConfigSchema.extend({}).parse({}).VAD_MODE).toBe(3);
  });
});
