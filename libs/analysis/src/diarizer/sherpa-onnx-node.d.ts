// sherpa-onnx-node ships plain JavaScript with JSDoc types (types.js); this is the slice we rely on.
declare module 'sherpa-onnx-node' {
  export interface OfflineSpeakerDiarizationConfig {
    segmentation: { pyannote: { model: string }; numThreads?: number; debug?: boolean | number; provider?: string };
    embedding: { model: string; numThreads?: number; debug?: boolean | number; provider?: string };
    /** numClusters > 0 fixes the speaker count; otherwise `threshold` decides (smaller → more speakers). */
    clustering: { numClusters?: number; threshold?: number };
    minDurationOn?: number;
    minDurationOff?: number;
  }
  /** One stretch of one speaker: seconds, and a 0-based speaker id. */
  export interface SpeakerDiarizationSegment {
    start: number;
    end: number;
    speaker: number;
  }
  export class OfflineSpeakerDiarization {
    constructor(config: OfflineSpeakerDiarizationConfig);
    readonly sampleRate: number;
    process(samples: Float32Array): SpeakerDiarizationSegment[];
  }
}
