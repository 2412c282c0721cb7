import type { AnalysisConfig } from '../config';
import type { Transcriber } from '../types';
import { PocketsphinxTranscriber } from './pocketsphinx';
import { WhisperTranscriber } from './whisper';

export { PocketsphinxTranscriber, parsePocketsphinx, meanConfidence } from './pocketsphinx';
export { gateToSpeech, toRecordingMs, ungate, type GatedAudio, type GateOptions } from './gate';
export { WhisperTranscriber, parseWhisperJson, type WhisperOptions } from './whisper';

export function createTranscriber(config: AnalysisConfig): Transcriber | null {
  switch (config.TRANSCRIBER) {
    case 'none':
      return null;
    // auto tries pocketsphinx; createAnalyzer drops it (with a warning) if it cannot run here.
    case 'auto':
    case 'pocketsphinx':
      return new PocketsphinxTranscriber(config.POCKETSPHINX_BIN, config.TRANSCRIBER_TIMEOUT_MS);
    case 'whisper':
      return new WhisperTranscriber({
        bin: config.WHISPER_BIN,
        ...(config.WHISPER_MODEL_PATH ? { modelPath: config.WHISPER_MODEL_PATH } : {}),
        language: config.WHISPER_LANGUAGE,
        threads: config.WHISPER_THREADS,
        timeoutMs: config.TRANSCRIBER_TIMEOUT_MS,
      });
  }
}
