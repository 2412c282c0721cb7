export * from './types';
export * from './errors';
export {
  analysisConfigSchema,
  crossFieldIssues,
  ENGINE_NAMES,
  type AnalysisConfig,
  type EngineName,
} from './config';
export { createAnalyzer, AnalysisConfigError, type AnalyzerDeps } from './analyzer';
export { combine, type CombineOptions, type CombinedSentiment } from './combine';
export { labelFor, NEUTRAL_BAND } from './label';
export { TranscriptEngine, transcriptConfidence } from './engines/transcript';
export { scoreText, scoreSentence } from './engines/lexicon';
export { splitSentences } from './engines/sentences';
export { AcousticEngine, arousalFeatures, arousalFrom, AROUSAL_CUES } from './engines/acoustic';
export { OnnxEngine, type OnnxEngineOptions } from './engines/onnx';
export type { OnnxMapping } from './onnx/mapping';
export {
  createTranscriber,
  PocketsphinxTranscriber,
  WhisperTranscriber,
  parsePocketsphinx,
  parseWhisperJson,
  gateToSpeech,
  ungate,
} from './transcribers';
export { createVad, SileroVad, WebRtcVad, SILERO_MODEL_PATH, type VoiceActivityDetector } from './vad';
export {
  computeConversation,
  union,
  CONVERSATION_DEFAULTS,
  type ConversationInput,
  type ConversationOptions,
  type ParticipantInput,
  type ScoredSentence,
  type Span,
} from './conversation/metrics';
export { speakerSentences, transcriptBySpeaker } from './conversation/sentences';
export { analyzeConversation, type ConversationRequest } from './conversation/analyze';
export { createDiarizer, DiarizerUnavailableError, nameSpeakers, type Diarizer } from './diarizer';
