import { existsSync } from 'node:fs';
import type { AnalysisConfig } from '../config';
import { AnalysisError } from '../errors';
import type { SpeakerSegment } from '@voicepulse/contracts';

/**
 * Tells the speakers of a mono recording apart. Only used when an upload declares no channel
 * layout: one speaker per channel is always the more reliable attribution.
 */
export interface Diarizer {
  readonly name: string;
  readonly version: string;
  /** Mono samples at `sampleRate`; speakers are named speaker_1, speaker_2, … in order of first speech. */
  diarize(samples: Float32Array, sampleRate: number): Promise<SpeakerSegment[]>;
  close?(): Promise<void>;
}

/** The configured diarizer cannot run here (model file missing, native module missing); raised at start-up. */
export class DiarizerUnavailableError extends AnalysisError {
  constructor(
    readonly diarizer: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`diarizer ${diarizer} is unavailable: ${reason}`, options);
  }
}

/**
 * Maps a diarizer's numeric speaker ids (in whatever order its clustering produced them) to
 * speaker_1, speaker_2, … by first appearance, so names are stable for the same audio.
 */
export function nameSpeakers(segments: readonly { startMs: number; endMs: number; id: number }[]): SpeakerSegment[] {
  const sorted = [...segments].filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  const names = new Map<number, string>();
  for (const s of sorted) if (!names.has(s.id)) names.set(s.id, `speaker_${names.size + 1}`);
  return sorted.map((s) => ({ speaker: names.get(s.id)!, startMs: s.startMs, endMs: s.endMs }));
}

/** DIARIZER=none → null; sherpa-onnx → the adapter, with every model file checked before loading. */
export async function createDiarizer(
  config: Pick<
    AnalysisConfig,
    | 'DIARIZER'
    | 'DIARIZER_SEGMENTATION_MODEL'
    | 'DIARIZER_EMBEDDING_MODEL'
    | 'DIARIZER_NUM_SPEAKERS'
    | 'DIARIZER_THRESHOLD'
    | 'DIARIZER_THREADS'
  >,
): Promise<Diarizer | null> {
  if (config.DIARIZER === 'none') return null;
  const missing = (
    [
      ['DIARIZER_SEGMENTATION_MODEL', config.DIARIZER_SEGMENTATION_MODEL],
      ['DIARIZER_EMBEDDING_MODEL', config.DIARIZER_EMBEDDING_MODEL],
    ] as const
  ).flatMap(([name, path]) =>
    !path ? [`${name} is not set`] : existsSync(path) ? [] : [`${name} names ${path}, which does not exist`],
  );
  if (missing.length) throw new DiarizerUnavailableError('sherpa-onnx', missing.join('; '));
  const { SherpaOnnxDiarizer } = await import('./sherpa-onnx');
  return SherpaOnnxDiarizer.create({
    segmentationModel: config.DIARIZER_SEGMENTATION_MODEL!,
    embeddingModel: config.DIARIZER_EMBEDDING_MODEL!,
    numSpeakers: config.DIARIZER_NUM_SPEAKERS,
    threshold: config.DIARIZER_THRESHOLD,
    threads: config.DIARIZER_THREADS,
  });
}
