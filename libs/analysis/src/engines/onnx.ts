import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resample } from '@voicepulse/audio';
import * as ort from 'onnxruntime-node';
import { ModelError } from '../errors';
import { clamp, labelFor } from '../label';
import { expectedOutputSize, mapOutput, type OnnxMapping, type WindowPrediction } from '../onnx/mapping';
import { normalisedWindow, planWindows, speechOverlapMs } from '../onnx/windows';
import type { AnalysisContext, EngineResult, SentimentEngine, TimelinePoint } from '../types';

const INPUT_RATE = 16_000;

export interface OnnxEngineOptions {
  /** File path, or a storage key when `loadModel` is given. */
  modelLocation: string;
  loadModel?: (location: string) => Promise<Uint8Array>;
  /** Defaults to the model's first input. */
  inputName?: string;
  /** Outputs read in this order and concatenated into the vector the mapping indexes; defaults to the first output. */
  outputNames?: string[];
  sampleRate: number;
  windowS: number;
  hopS: number;
  normalise: boolean;
  mapping: OnnxMapping;
}

interface ScoredWindow extends WindowPrediction {
  startMs: number;
  endMs: number;
  weight: number;
}

/**
 * Speech-emotion model run with onnxruntime-node. The session is created once and reused; ONNX Runtime
 * sessions are safe for concurrent `run` calls.
 */
export class OnnxEngine implements SentimentEngine {
  readonly name = 'onnx';
  readonly providesValence = true;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly version: string,
    private readonly inputName: string,
    private readonly outputNames: string[],
    private readonly opts: OnnxEngineOptions,
  ) {}

  static async create(opts: OnnxEngineOptions): Promise<OnnxEngine> {
    let bytes: Uint8Array;
    try {
      bytes = opts.loadModel ? await opts.loadModel(opts.modelLocation) : await readFile(opts.modelLocation);
    } catch (err) {
      throw new ModelError(`cannot read ONNX model ${opts.modelLocation}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ModelError(`cannot load ONNX model ${opts.modelLocation}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const inputName = opts.inputName ?? session.inputNames[0];
    if (!inputName || !session.inputNames.includes(inputName)) {
      await session.release();
      throw new ModelError(
        `ONNX model has no input "${inputName}" (inputs: ${session.inputNames.join(', ')})`,
      );
    }
    const outputNames = opts.outputNames?.length ? opts.outputNames : session.outputNames.slice(0, 1);
    const missing = outputNames.filter((n) => !session.outputNames.includes(n));
    if (missing.length) {
      await session.release();
      throw new ModelError(
        `ONNX model has no output ${missing.join(', ')} (outputs: ${session.outputNames.join(', ')})`,
      );
    }
    // The version names the exact weights, so a stored score can be traced to the model that produced it.
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    return new OnnxEngine(session, `onnx-${digest}`, inputName, outputNames, opts);
  }

  async analyze(audio: Float32Array, ctx: AnalysisContext): Promise<EngineResult | null> {
    const { sampleRate, windowS, hopS, normalise, mapping } = this.opts;
    const signal = sampleRate === INPUT_RATE ? audio : resample(audio, INPUT_RATE, sampleRate);
    const size = Math.round(windowS * sampleRate);
    const hop = Math.round(hopS * sampleRate);
    const scored: ScoredWindow[] = [];
    for (const w of planWindows(signal.length, size, hop)) {
      const startMs = (w.start / sampleRate) * 1000;
      const endMs = (w.end / sampleRate) * 1000;
      // Windows without speech would only teach us what the model thinks of silence: skip them.
      const weight = speechOverlapMs(startMs, endMs, ctx.segments);
      if (weight <= 0) continue;
      const values = await this.infer(normalisedWindow(signal, w, size, normalise));
      scored.push({ ...mapOutput(values, mapping), startMs, endMs, weight });
    }
    if (scored.length === 0) return null;
    return summarise(this.name, this.version, scored, mapping);
  }

  private async infer(window: Float32Array): Promise<Float32Array> {
    const feeds = { [this.inputName]: new ort.Tensor('float32', window, [1, window.length]) };
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds, this.outputNames);
    } catch (err) {
      // Almost always a shape mismatch: the model's fixed input length disagrees with ONNX_WINDOW_S × ONNX_SAMPLE_RATE.
      throw new ModelError(
        `ONNX inference failed on a [1, ${window.length}] window: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const parts = this.outputNames.map((n) => out[n]!.data as Float32Array);
    const values = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      values.set(p, at);
      at += p.length;
    }
    const expected = expectedOutputSize(this.opts.mapping);
    if (values.length !== expected) {
      throw new ModelError(
        `ONNX outputs ${this.outputNames.join(',')} have ${values.length} values; ONNX_LABELS names ${expected}`,
      );
    }
    return values;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Speech-duration-weighted mean over windows. Confidence mirrors the transcript engine: half the
 * model's own certainty (weighted mean), half how much of the speech agrees with the overall label.
 */
function summarise(
  engine: string,
  version: string,
  windows: ScoredWindow[],
  mapping: OnnxMapping,
): EngineResult {
  const total = windows.reduce((n, w) => n + w.weight, 0);
  const mean = (f: (w: ScoredWindow) => number) =>
    windows.reduce((acc, w) => acc + f(w) * w.weight, 0) / total;
  const score = mean((w) => w.score);
  const label = labelFor(score);
  const agreement =
    windows.filter((w) => labelFor(w.score) === label).reduce((n, w) => n + w.weight, 0) / total;
  const certainty =
    mapping.kind === 'categorical'
      ? mean((w) => w.certainty)
      : label === 'neutral'
        ? 1 - Math.abs(score) / 0.05
        : Math.abs(score) / 0.5;
  const withArousal = windows.every((w) => w.arousal !== undefined);
  const timeline: TimelinePoint[] = windows.map((w) => ({
    startMs: Math.round(w.startMs),
    endMs: Math.round(w.endMs),
    score: w.score,
    label: labelFor(w.score),
  }));
  return {
    engine,
    version,
    score,
    label,
    confidence: clamp(0.5 * clamp(certainty) + 0.5 * agreement),
    ...(withArousal ? { arousal: mean((w) => w.arousal!) } : {}),
    timeline,
    details: {
      windows: windows.length,
      ...(mapping.kind === 'categorical' ? { topClasses: windows.map((w) => w.top) } : {}),
    },
  };
}
