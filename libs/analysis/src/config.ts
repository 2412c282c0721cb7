import { z } from 'zod';
import type { OnnxMapping } from './onnx/mapping';

export const ENGINE_NAMES = ['transcript', 'acoustic', 'onnx'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

const DEFAULT_WEIGHTS: Record<EngineName, number> = { transcript: 1, acoustic: 0.3, onnx: 1 };

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

const engineList = z
  .string()
  .default('transcript,acoustic')
  .transform((s, ctx) => {
    const names = [...new Set(list(s))];
    const unknown = names.filter((n) => !(ENGINE_NAMES as readonly string[]).includes(n));
    if (unknown.length)
      ctx.addIssue({
        code: 'custom',
        message: `unknown engine ${unknown.join(', ')} (known: ${ENGINE_NAMES.join(', ')})`,
      });
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'at least one engine is required' });
    return names as EngineName[];
  });

/** "transcript=1,acoustic=0.3": unspecified engines keep their default weight. */
const weights = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const out = { ...DEFAULT_WEIGHTS };
    for (const pair of list(s)) {
      const [name, raw] = pair.split('=').map((x) => x.trim());
      const w = Number(raw);
      if (
        !(ENGINE_NAMES as readonly string[]).includes(name ?? '') ||
        raw === undefined ||
        !Number.isFinite(w) ||
        w < 0
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `"${pair}" is not engine=weight with a known engine and a weight ≥ 0`,
        });
        continue;
      }
      out[name as EngineName] = w;
    }
    return out;
  });

/**
 * ONNX_LABELS describes the model's output vector and is self-describing:
 *  - "arousal,dominance,valence" — dimensional outputs in [0, 1], in output order; must name valence;
 *  - "angry=-0.8:0.9,happy=0.8:0.7,neutral=0:0.3,sad=-0.7:0.2" — categorical classes in output order, each
 *    with its valence in [-1, 1] and optionally ":arousal" in [0, 1].
 */
const onnxLabels = z
  .string()
  .default('arousal,dominance,valence')
  .transform(
    (
      s,
      ctx,
    ):
      | Omit<Extract<OnnxMapping, { kind: 'categorical' }>, 'activation'>
      | Extract<OnnxMapping, { kind: 'dimensional' }> => {
      const items = list(s);
      if (!items.some((i) => i.includes('='))) {
        if (!items.includes('valence'))
          ctx.addIssue({ code: 'custom', message: 'dimensional labels must include "valence"' });
        return { kind: 'dimensional', dimensions: items };
      }
      const classes = items.map((item) => {
        const m = /^([^=]+)=(-?[\d.]+)(?::([\d.]+))?$/.exec(item);
        const valence = Number(m?.[2]);
        const arousal = m?.[3] === undefined ? undefined : Number(m[3]);
        if (
          !m ||
          !(valence >= -1 && valence <= 1) ||
          (arousal !== undefined && !(arousal >= 0 && arousal <= 1))
        ) {
          ctx.addIssue({
            code: 'custom',
            message: `"${item}" is not label=valence[:arousal] with valence in [-1,1], arousal in [0,1]`,
          });
        }
        return { label: (m?.[1] ?? item).trim(), valence, ...(arousal === undefined ? {} : { arousal }) };
      });
      return { kind: 'categorical', classes };
    },
  );

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positive = (def: number) => z.coerce.number().positive().default(def);

/**
 * Environment of the analysis pipeline. A plain ZodObject (no object-level refinements) so services can
 * merge its shape into their own schema; cross-field rules are checked by createAnalyzer at start-up.
 */
export const analysisConfigSchema = z.object({
  SENTIMENT_ENGINES: engineList.describe(
    'sentiment engines, comma-separated: `transcript`, `acoustic`, `onnx` (see `libs/analysis/README.md`)',
  ),
  SENTIMENT_COMBINE: z
    .enum(['weighted', 'first'])
    .default('weighted')
    .describe('`weighted`: confidence-and-weight mean of every engine; `first`: the first listed engine that could judge'),
  SENTIMENT_WEIGHTS: weights.describe('`engine=weight,…`; unlisted engines keep their default weight'),
  // auto gives audio-only uploads sentiment wherever the scorer can, and still starts where it cannot.
  TRANSCRIBER: z
    .enum(['auto', 'none', 'pocketsphinx', 'whisper'])
    .default('auto')
    .describe(
      'used when the client sent no transcript; `auto` = pocketsphinx if it decodes a test clip at start-up, else none (with a warning); a named transcriber that cannot run stops start-up',
    ),
  // pocketsphinx runs ~6× real time here, so 10 min covers calls of about an hour.
  TRANSCRIBER_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000).describe('kills a hung STT process'),
  POCKETSPHINX_BIN: z.string().default('pocketsphinx_continuous').describe('pocketsphinx binary'),
  WHISPER_BIN: z.string().default('whisper-cli').describe('whisper.cpp binary'),
  WHISPER_MODEL_PATH: z.string().optional().describe('whisper.cpp model file, required with `TRANSCRIBER=whisper`'),
  WHISPER_LANGUAGE: z.string().default('en').describe('language whisper transcribes'),
  WHISPER_THREADS: z.coerce.number().int().positive().default(2).describe('whisper threads'),
  ONNX_MODEL_PATH: z
    .string()
    .optional()
    .describe('speech-emotion ONNX model (file path, or storage key), required with the `onnx` engine'),
  ONNX_INPUT_NAME: z.string().optional().describe("the model's audio input (unset: its first)"),
  ONNX_OUTPUT_NAMES: z.string().default('').transform(list).describe("the model's outputs read, comma-separated (unset: its first)"),
  ONNX_SAMPLE_RATE: z.coerce.number().int().min(8000).max(48_000).default(16_000).describe('sample rate the model expects'),
  ONNX_WINDOW_S: positive(4).describe('seconds of audio per inference window'),
  ONNX_HOP_S: positive(2).describe('seconds between windows (≤ `ONNX_WINDOW_S`)'),
  ONNX_NORMALIZE: bool(true).describe('normalise each window to zero mean, unit variance'),
  ONNX_LABELS: onnxLabels.describe(
    'the output vector: dimensional names in order (must include `valence`), or `label=valence[:arousal],…` classes',
  ),
  ONNX_ACTIVATION: z
    .enum(['softmax', 'none'])
    .default('softmax')
    .describe('categorical outputs to probabilities: `softmax` for logits, `none` if the model emits probabilities'),
  VAD_ENGINE: z
    .enum(['silero', 'webrtc'])
    .default('silero')
    .describe(
      '`silero` (neural, model in an npm dependency; falls back to `webrtc` if it cannot load) or `webrtc` (behind an energy gate, lets white noise through at low SNR)',
    ),
  VAD_MODE: z.coerce
    .number()
    .int()
    .min(0)
    .max(3)
    .default(3)
    .transform((m) => m as 0 | 1 | 2 | 3)
    .describe('WebRTC VAD aggressiveness 0–3 (3 rejects the most noise)'),
  DIARIZER: z
    .enum(['none', 'sherpa-onnx'])
    .default('none')
    .describe(
      'speakers of mono uploads without a `channels` layout: `none` (one participant) or `sherpa-onnx` (operator-supplied models, checked at start-up; see `libs/analysis/README.md`)',
    ),
  DIARIZER_SEGMENTATION_MODEL: z
    .string()
    .optional()
    .describe("pyannote segmentation ONNX model file (sherpa-onnx's export), required with `DIARIZER=sherpa-onnx`"),
  DIARIZER_EMBEDDING_MODEL: z
    .string()
    .optional()
    .describe('speaker-embedding ONNX model file (3D-Speaker, WeSpeaker or NeMo export), required with `DIARIZER=sherpa-onnx`'),
  DIARIZER_NUM_SPEAKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .optional()
    .describe('fixed speaker count (2 for two-party calls; unset: clustering decides by `DIARIZER_THRESHOLD`)'),
  DIARIZER_THRESHOLD: z.coerce
    .number()
    .positive()
    .max(2)
    .default(0.5)
    .describe('clustering distance threshold when the count is not fixed (smaller: more speakers)'),
  DIARIZER_THREADS: z.coerce.number().int().positive().max(16).default(1).describe('diarizer threads'),
});

export type AnalysisConfig = z.output<typeof analysisConfigSchema>;

export function onnxMappingOf(config: AnalysisConfig): OnnxMapping {
  const labels = config.ONNX_LABELS;
  return labels.kind === 'dimensional' ? labels : { ...labels, activation: config.ONNX_ACTIVATION };
}

/** Rules spanning several variables; an empty list means the configuration is usable. */
export function crossFieldIssues(config: AnalysisConfig): { variable: string; message: string }[] {
  const issues: { variable: string; message: string }[] = [];
  if (config.SENTIMENT_ENGINES.includes('onnx') && !config.ONNX_MODEL_PATH) {
    issues.push({ variable: 'ONNX_MODEL_PATH', message: 'required when SENTIMENT_ENGINES includes onnx' });
  }
  if (config.DIARIZER === 'sherpa-onnx') {
    for (const v of ['DIARIZER_SEGMENTATION_MODEL', 'DIARIZER_EMBEDDING_MODEL'] as const) {
      if (!config[v]) issues.push({ variable: v, message: 'required when DIARIZER=sherpa-onnx' });
    }
  }
  if (config.ONNX_HOP_S > config.ONNX_WINDOW_S) {
    issues.push({
      variable: 'ONNX_HOP_S',
      message: 'must not exceed ONNX_WINDOW_S (audio between windows would be skipped)',
    });
  }
  return issues;
}
