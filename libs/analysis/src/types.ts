import type { Levels, Prosody, SpeechSegment } from '@voicepulse/audio';
import type { Conversation } from '@voicepulse/contracts';
import type { ConversationRequest } from './conversation/analyze';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface TimelinePoint {
  startMs: number;
  endMs: number;
  score: number;
  label: SentimentLabel;
}

export interface TimedText {
  startMs: number;
  endMs: number;
  text: string;
  /** The recogniser's own belief in this text, in [0, 1], when it reports one. */
  confidence?: number;
}

export interface TimedWord {
  word: string;
  startMs: number;
  endMs: number;
  /** Posterior probability of the word, in [0, 1]. */
  confidence: number;
}

export interface EngineResult {
  engine: string;
  version: string;
  /** Valence in [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** How much the engine trusts its own score, in [0, 1]. */
  confidence: number;
  /** Activation in [0, 1] (calm → excited); only engines that can hear it set it. */
  arousal?: number;
  timeline?: TimelinePoint[];
  details?: Record<string, unknown>;
}

export interface AnalysisContext {
  transcript?: string;
  segments: SpeechSegment[];
  prosody: Prosody;
  levels: Levels;
  transcriptSegments?: TimedText[];
  /** Set for machine transcripts: how well the recogniser says it heard, in [0, 1]. */
  transcriptConfidence?: number;
}

export interface SentimentEngine {
  readonly name: string;
  readonly version: string;
  /**
   * False for engines that only measure arousal. The combiner then keeps their neutral score out of the
   * valence mean, so an engine that cannot hear valence never drags a lexical verdict towards neutral.
   */
  readonly providesValence?: boolean;
  /** 16 kHz mono samples. Resolves null when the engine cannot judge (e.g. no transcript, no speech). */
  analyze(audio: Float32Array, ctx: AnalysisContext): Promise<EngineResult | null>;
  close?(): Promise<void>;
}

export type Availability = { ok: true } | { ok: false; reason: string };

export interface Transcription {
  text: string;
  segments: TimedText[];
  /** Word timings and posteriors, for recognisers that report them (pocketsphinx). */
  words?: TimedWord[];
  /** Mean word posterior over the whole transcription, when the recogniser reports one. */
  confidence?: number;
}

export interface Transcriber {
  readonly name: string;
  available(): Promise<Availability>;
  /** Takes a canonical 16 kHz mono 16-bit WAV. */
  transcribe(wav16k: Buffer): Promise<Transcription>;
}

export type TranscriptSource = 'client' | 'pocketsphinx' | 'whisper';

export interface SentenceSentiment {
  text: string;
  score: number;
  label: SentimentLabel;
}

export interface RecordingAnalysis {
  talkedTimeMs: number;
  /** talkedTimeMs / durationMs. */
  speechRatio: number;
  durationMs: number;
  segments: SpeechSegment[];
  sentiment: {
    score: number;
    label: SentimentLabel;
    confidence: number;
    /** Every engine that produced a result, with its version, so stored scores stay attributable. */
    engines: EngineResult[];
  };
  arousal?: number;
  timeline?: TimelinePoint[];
  transcript?: {
    text: string;
    source: TranscriptSource;
    sentences: SentenceSentiment[];
    /** Machine transcripts: the recogniser's confidence, and what it heard in each speech segment. */
    confidence?: number;
    segments?: TimedText[];
  };
  levels: Levels;
  prosody: Prosody;
}

/** VAD and transcript of one signal: what conversation analytics needs of each channel. */
export interface SpeechAnalysis {
  /** 16 kHz mono. */
  samples: Float32Array;
  durationMs: number;
  segments: SpeechSegment[];
  transcript: { text: string; source: TranscriptSource; segments: TimedText[]; confidence?: number } | null;
}

export interface Analyzer {
  analyze(wav16k: Buffer, input: { transcript?: string }): Promise<RecordingAnalysis>;
  /**
   * VAD, then the client transcript or (when `stt` is not false) the transcriber on the speech:
   * the part of `analyze` that one channel of a conversation needs.
   */
  speech(wav16k: Buffer, input: { transcript?: string; stt?: boolean }): Promise<SpeechAnalysis>;
  /** Per-participant and conversation figures (libs/analysis/README.md, "Conversation analytics"). */
  conversation(request: ConversationRequest): Promise<Conversation>;
  /** The diarizer used for mono recordings, or "none". */
  diarizer: string;
  engines: { name: string; version: string }[];
  /** The VAD actually in use (Silero, or WebRTC when configured or fallen back to). */
  vad: { name: string; version: string };
  /** The transcriber in use for uploads without a transcript, or "none". */
  transcriber: string;
  close(): Promise<void>;
}

/** Structural logger so callers can pass pino or nothing at all. */
export interface AnalysisLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
