import { clamp } from '../label';

/**
 * How a model's output vector becomes valence and arousal.
 *  - dimensional: outputs are named dimensions in [0, 1] (e.g. audeering's wav2vec2 "arousal,dominance,valence");
 *    score = 2·valence − 1.
 *  - categorical: outputs are per-class logits (or probabilities); each class carries a valence in [-1, 1]
 *    and optionally an arousal in [0, 1]; the prediction is the probability-weighted mean.
 */
export type OnnxMapping =
  | { kind: 'dimensional'; dimensions: string[] }
  | {
      kind: 'categorical';
      classes: { label: string; valence: number; arousal?: number }[];
      activation: 'softmax' | 'none';
    };

export interface WindowPrediction {
  score: number;
  arousal?: number;
  /** Dimensional: |score| strength; categorical: top class probability. In [0, 1]. */
  certainty: number;
  /** Categorical only: the most likely class. */
  top?: string;
}

export function expectedOutputSize(mapping: OnnxMapping): number {
  return mapping.kind === 'dimensional' ? mapping.dimensions.length : mapping.classes.length;
}

export function softmax(xs: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) max = Math.max(max, xs[i]!);
  const exps = Array.from(xs, (x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function mapOutput(values: ArrayLike<number>, mapping: OnnxMapping): WindowPrediction {
  if (mapping.kind === 'dimensional') {
    const at = (name: string) => {
      const i = mapping.dimensions.indexOf(name);
      return i < 0 ? undefined : clamp(values[i]!);
    };
    const score = 2 * (at('valence') ?? 0.5) - 1;
    const arousal = at('arousal');
    return { score, ...(arousal === undefined ? {} : { arousal }), certainty: Math.abs(score) };
  }
  const probs = mapping.activation === 'softmax' ? softmax(values) : Array.from(values);
  let score = 0;
  let arousal = 0;
  let topIndex = 0;
  probs.forEach((p, i) => {
    const c = mapping.classes[i]!;
    score += p * c.valence;
    arousal += p * (c.arousal ?? 0);
    if (p > probs[topIndex]!) topIndex = i;
  });
  const hasArousal = mapping.classes.every((c) => c.arousal !== undefined);
  return {
    score: clamp(score, -1, 1),
    ...(hasArousal ? { arousal: clamp(arousal) } : {}),
    certainty: probs[topIndex]!,
    top: mapping.classes[topIndex]!.label,
  };
}
