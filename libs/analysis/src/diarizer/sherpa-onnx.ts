// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- workspaces compile this file through tsconfig paths, so the ambient types must travel with it
/// <reference path="./sherpa-onnx-node.d.ts" />
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import type { OfflineSpeakerDiarization, SpeakerDiarizationSegment } from 'sherpa-onnx-node';
import type { SpeakerSegment } from '@voicepulse/contracts';
import { resample } from '@voicepulse/audio';
import { DiarizerUnavailableError, nameSpeakers, type Diarizer } from './index';

export interface SherpaOnnxDiarizerOptions {
  /** pyannote segmentation model (ONNX), e.g. sherpa-onnx-pyannote-segmentation-3-0/model.onnx. */
  segmentationModel: string;
  /** Speaker-embedding model (ONNX), e.g. 3D-Speaker or NeMo TitaNet exports. */
  embeddingModel: string;
  /** Fixed speaker count (2 for two-party calls), or undefined to cluster by `threshold`. */
  numSpeakers?: number | undefined;
  threshold: number;
  threads: number;
}

/** sherpa-onnx's output (seconds, numeric ids) as our speaker segments (ms, speaker_N names). */
export function fromSherpaSegments(segments: readonly SpeakerDiarizationSegment[]): SpeakerSegment[] {
  return nameSpeakers(
    segments.map((s) => ({ startMs: Math.round(s.start * 1000), endMs: Math.round(s.end * 1000), id: s.speaker })),
  );
}

/**
 * Offline speaker diarization by sherpa-onnx (pyannote segmentation + speaker embeddings + clustering),
 * through its npm addon `sherpa-onnx-node`, whose linux-x64 native build ships inside the
 * `sherpa-onnx-linux-x64` package (no download at install or run time). The addon is loaded only
 * when this diarizer is configured. The models are the operator's: none ships with voicepulse.
 */
export class SherpaOnnxDiarizer implements Diarizer {
  readonly name = 'sherpa-onnx';

  private constructor(
    private readonly sd: OfflineSpeakerDiarization,
    readonly version: string,
  ) {}

  static async create(opts: SherpaOnnxDiarizerOptions): Promise<SherpaOnnxDiarizer> {
    let addon: typeof import('sherpa-onnx-node');
    try {
      addon = createRequire(import.meta.url)('sherpa-onnx-node') as typeof import('sherpa-onnx-node');
    } catch (err) {
      throw new DiarizerUnavailableError('sherpa-onnx', `sherpa-onnx-node cannot be loaded: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // The stored version names the models, so an analysis stays attributable after a model swap.
    const digest = createHash('sha256');
    for (const file of [opts.segmentationModel, opts.embeddingModel]) {
      const bytes = await readFile(file);
      digest.update(bytes);
      // sherpa-onnx aborts the whole process (an uncaught C++ exception) on a file that is not an
      // ONNX model; ONNX Runtime's own parser says so as an error we can type.
      try {
        await (await ort.InferenceSession.create(bytes)).release();
      } catch (err) {
        throw new DiarizerUnavailableError('sherpa-onnx', `${file} is not a loadable ONNX model: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    let sd: OfflineSpeakerDiarization;
    try {
      sd = new addon.OfflineSpeakerDiarization({
        segmentation: { pyannote: { model: opts.segmentationModel }, numThreads: opts.threads },
        embedding: { model: opts.embeddingModel, numThreads: opts.threads },
        clustering:
          opts.numSpeakers === undefined ? { numClusters: -1, threshold: opts.threshold } : { numClusters: opts.numSpeakers },
      });
    } catch (err) {
      // The addon only says "Please check your config!" (its reason goes to stderr).
      throw new DiarizerUnavailableError('sherpa-onnx', `the models were refused: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new SherpaOnnxDiarizer(sd, `sherpa-onnx-${digest.digest('hex').slice(0, 12)}`);
  }

  async diarize(samples: Float32Array, sampleRate: number): Promise<SpeakerSegment[]> {
    const input = sampleRate === this.sd.sampleRate ? samples : resample(samples, sampleRate, this.sd.sampleRate);
    return fromSherpaSegments(this.sd.process(input));
  }
}
