import { detectSpeech, type SpeechSegment } from '@voicepulse/audio';
import type { AnalysisConfig } from '../config';
import type { AnalysisLogger } from '../types';
import { SileroVad, type SileroOptions } from './silero';
import type { VoiceActivityDetector } from './types';

export { SileroVad, SILERO_MODEL_PATH, type SileroOptions } from './silero';
export type { VoiceActivityDetector } from './types';

/** WebRTC's GMM VAD behind an energy gate (libs/audio): no model, fast, weak in noise. */
export class WebRtcVad implements VoiceActivityDetector {
  readonly name = 'webrtc';
  readonly version: string;

  constructor(private readonly mode: 0 | 1 | 2 | 3) {
    this.version = `fvad-mode${mode}`;
  }

  detect(samples16k: Float32Array): Promise<SpeechSegment[]> {
    return detectSpeech(samples16k, { mode: this.mode });
  }
}

/**
 * The configured VAD. Silero's model ships in an npm dependency, so failing to load it means a broken
 * install; the scorer then keeps working on WebRTC, says so loudly, and stored analyses name the VAD
 * that produced them.
 */
export async function createVad(
  config: Pick<AnalysisConfig, 'VAD_ENGINE' | 'VAD_MODE'>,
  opts: { logger?: AnalysisLogger; silero?: SileroOptions } = {},
): Promise<VoiceActivityDetector> {
  const webrtc = new WebRtcVad(config.VAD_MODE);
  if (config.VAD_ENGINE === 'webrtc') return webrtc;
  try {
    return await SileroVad.create(opts.silero);
  } catch (err) {
    opts.logger?.warn(
      { err: (err as Error).message, fallback: webrtc.name },
      'Silero VAD unavailable; falling back to the WebRTC VAD',
    );
    return webrtc;
  }
}
