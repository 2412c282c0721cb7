import type { SpeechSegment } from '@voicepulse/audio';

/** Finds the speech in 16 kHz mono audio. Every engine segments the same way (framesToSegments). */
export interface VoiceActivityDetector {
  readonly name: string;
  readonly version: string;
  detect(samples16k: Float32Array): Promise<SpeechSegment[]>;
  close?(): Promise<void>;
}
