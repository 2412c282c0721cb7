import {
  analyzeLevels,
  analyzeProsody,
  decodeWav,
  downmix,
  encodeWavPcm16,
  resample,
  talkedTimeMs,
  type SpeechSegment,
} from '@voicepulse/audio';
import { combine } from './combine';
import { crossFieldIssues, onnxMappingOf, type AnalysisConfig, type EngineName } from './config';
import { AcousticEngine } from './engines/acoustic';
import { scoreText } from './engines/lexicon';
import { OnnxEngine } from './engines/onnx';
import { TranscriptEngine } from './engines/transcript';
import { AnalysisError, InvalidAudioError, TranscriberUnavailableError } from './errors';
import { createTranscriber, gateToSpeech, ungate } from './transcribers';
import type {
  AnalysisContext,
  AnalysisLogger,
  Analyzer,
  EngineResult,
  RecordingAnalysis,
  SentimentEngine,
  SpeechAnalysis,
  Transcriber,
  TranscriptSource,
} from './types';
import { createVad, type VoiceActivityDetector } from './vad';
import { analyzeConversation, type ConversationRequest } from './conversation/analyze';
import { createDiarizer, type Diarizer } from './diarizer';
import type { Conversation } from '@voicepulse/contracts';

const RATE = 16_000;

export interface AnalyzerDeps {
  logger?: AnalysisLogger;
  /** Fetches the ONNX model when ONNX_MODEL_PATH is a storage key rather than a local file. */
  loadModel?: (location: string) => Promise<Uint8Array>;
  /** Overrides the Silero model file (tests of the WebRTC fallback). */
  sileroModelPath?: string;
}

/** Invalid combinations of otherwise valid variables, reported together like ConfigError does. */
export class AnalysisConfigError extends AnalysisError {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`invalid analysis configuration — ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
  }
}

/**
 * Builds the analysis pipeline once per process. Everything that can be wrong with the deployment —
 * a transcriber without its binary or model, an ONNX model that does not load or does not match its
 * configuration — fails here, at start-up, rather than on the first job.
 */
export async function createAnalyzer(config: AnalysisConfig, deps: AnalyzerDeps = {}): Promise<Analyzer> {
  const issues = crossFieldIssues(config);
  if (issues.length) throw new AnalysisConfigError(issues);

  let transcriber = createTranscriber(config);
  if (transcriber) {
    const availability = await transcriber.available();
    if (!availability.ok) {
      if (config.TRANSCRIBER !== 'auto')
        throw new TranscriberUnavailableError(transcriber.name, availability.reason);
      // The default must start everywhere; an operator who wants STT or nothing names the transcriber.
      deps.logger?.warn(
        { transcriber: transcriber.name, reason: availability.reason },
        'TRANSCRIBER=auto: no speech recognition here; uploads without a transcript get no valence',
      );
      transcriber = null;
    }
  }

  const vad = await createVad(config, {
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.sileroModelPath ? { silero: { modelPath: deps.sileroModelPath } } : {}),
  });
  const engines: SentimentEngine[] = [];
  let diarizer: Diarizer | null = null;
  try {
    for (const name of config.SENTIMENT_ENGINES) engines.push(await buildEngine(name, config, deps));
    diarizer = await createDiarizer(config);
  } catch (err) {
    await Promise.all([vad.close?.(), ...engines.map((e) => e.close?.())]);
    throw err;
  }
  deps.logger?.info(
    {
      engines: engines.map((e) => `${e.name}@${e.version}`),
      transcriber: transcriber?.name ?? 'none',
      vad: `${vad.name}@${vad.version}`,
      diarizer: diarizer ? `${diarizer.name}@${diarizer.version}` : 'none',
    },
    'analysis pipeline ready',
  );
  return new Pipeline(config, engines, transcriber, vad, diarizer, deps.logger);
}

async function buildEngine(
  name: EngineName,
  config: AnalysisConfig,
  deps: AnalyzerDeps,
): Promise<SentimentEngine> {
  switch (name) {
    case 'transcript':
      return new TranscriptEngine();
    case 'acoustic':
      return new AcousticEngine();
    case 'onnx':
      return OnnxEngine.create({
        modelLocation: config.ONNX_MODEL_PATH!,
        ...(deps.loadModel ? { loadModel: deps.loadModel } : {}),
        ...(config.ONNX_INPUT_NAME ? { inputName: config.ONNX_INPUT_NAME } : {}),
        outputNames: config.ONNX_OUTPUT_NAMES,
        sampleRate: config.ONNX_SAMPLE_RATE,
        windowS: config.ONNX_WINDOW_S,
        hopS: config.ONNX_HOP_S,
        normalise: config.ONNX_NORMALIZE,
        mapping: onnxMappingOf(config),
      });
  }
}

class Pipeline implements Analyzer {
  readonly engines: { name: string; version: string }[];
  readonly vad: { name: string; version: string };
  readonly transcriber: string;
  readonly diarizer: string;
  private readonly arousalOnly: ReadonlySet<string>;

  constructor(
    private readonly config: AnalysisConfig,
    private readonly engineList: SentimentEngine[],
    private readonly stt: Transcriber | null,
    private readonly detector: VoiceActivityDetector,
    private readonly speakers: Diarizer | null,
    private readonly logger?: AnalysisLogger,
  ) {
    this.engines = engineList.map((e) => ({ name: e.name, version: e.version }));
    this.vad = { name: detector.name, version: detector.version };
    this.transcriber = stt?.name ?? 'none';
    this.diarizer = speakers ? `${speakers.name}@${speakers.version}` : 'none';
    this.arousalOnly = new Set(engineList.filter((e) => e.providesValence === false).map((e) => e.name));
  }

  async speech(wav16k: Buffer, input: { transcript?: string; stt?: boolean }): Promise<SpeechAnalysis> {
    const samples = toMono16k(wav16k);
    const segments = await this.detector.detect(samples);
    const transcript = await this.transcript(samples, input.transcript, segments, input.stt ?? true);
    return { samples, durationMs: (samples.length / RATE) * 1000, segments, transcript };
  }

  conversation(request: ConversationRequest): Promise<Conversation> {
    return analyzeConversation(this, this.speakers, request);
  }

  async analyze(wav16k: Buffer, input: { transcript?: string }): Promise<RecordingAnalysis> {
    const { samples, durationMs, segments, transcript } = await this.speech(wav16k, input);
    const talked = talkedTimeMs(segments);
    const levels = analyzeLevels(samples, RATE, segments);
    const prosody = analyzeProsody(samples, segments);

    const ctx: AnalysisContext = {
      segments,
      prosody,
      levels,
      ...(transcript ? { transcript: transcript.text } : {}),
      ...(transcript?.segments.length ? { transcriptSegments: transcript.segments } : {}),
      ...(transcript?.confidence === undefined ? {} : { transcriptConfidence: transcript.confidence }),
    };

    const results: EngineResult[] = [];
    // Sequential on purpose: engines are CPU-bound, and a scorer pod runs several jobs in parallel anyway.
    for (const engine of this.engineList) {
      const r = await engine.analyze(samples, ctx);
      if (r) results.push(r);
    }
    const combined = combine(results, {
      mode: this.config.SENTIMENT_COMBINE,
      weights: this.config.SENTIMENT_WEIGHTS,
      arousalOnly: this.arousalOnly,
    });

    return {
      talkedTimeMs: talked,
      speechRatio: durationMs > 0 ? talked / durationMs : 0,
      durationMs,
      segments,
      sentiment: {
        score: combined.score,
        label: combined.label,
        confidence: combined.confidence,
        engines: results,
      },
      ...(combined.arousal === undefined ? {} : { arousal: combined.arousal }),
      ...(combined.timeline ? { timeline: combined.timeline } : {}),
      ...(transcript
        ? {
            transcript: {
              text: transcript.text,
              source: transcript.source,
              sentences: scoreText(transcript.text).sentences.map(({ text, score, label }) => ({
                text,
                score,
                label,
              })),
              ...(transcript.confidence === undefined ? {} : { confidence: transcript.confidence }),
              ...(transcript.source === 'client' ? {} : { segments: transcript.segments }),
            },
          }
        : {}),
      levels,
      prosody,
    };
  }

  /** A client transcript always wins: the caller knows what was said better than any offline STT. */
  private async transcript(
    samples: Float32Array,
    client: string | undefined,
    speech: SpeechSegment[],
    allowStt: boolean,
  ): Promise<SpeechAnalysis['transcript']> {
    const text = client?.trim();
    if (text) return { text, source: 'client', segments: [] };
    // No speech, nothing to transcribe — and STT on silence tends to hallucinate words.
    if (!allowStt || !this.stt || talkedTimeMs(speech) === 0) return null;
    const gated = gateToSpeech(samples, speech, RATE);
    const t = ungate(await this.stt.transcribe(encodeWavPcm16(gated.samples, RATE)), gated, speech);
    this.logger?.info(
      {
        transcriber: this.stt.name,
        words: t.text.split(/\s+/).filter(Boolean).length,
        gatedMs: Math.round((gated.samples.length / RATE) * 1000),
        ...(t.confidence === undefined ? {} : { confidence: t.confidence }),
      },
      'transcribed',
    );
    return t.text.trim()
      ? {
          text: t.text.trim(),
          source: this.stt.name as TranscriptSource,
          segments: t.segments,
          ...(t.confidence === undefined ? {} : { confidence: t.confidence }),
        }
      : null;
  }

  async close(): Promise<void> {
    await Promise.all([
      this.detector.close?.(),
      this.speakers?.close?.(),
      ...this.engineList.map((e) => e.close?.()),
    ]);
  }
}

function toMono16k(wav: Buffer): Float32Array {
  let pcm;
  try {
    pcm = decodeWav(wav);
  } catch (err) {
    throw new InvalidAudioError(`not a readable WAV: ${(err as Error).message}`, { cause: err });
  }
  const mono = downmix(pcm);
  if (mono.length === 0) throw new InvalidAudioError('the recording has no samples');
  // The transcoder already delivers 16 kHz mono; converting here keeps the analyzer correct for any WAV.
  return pcm.sampleRate === RATE ? mono : resample(mono, pcm.sampleRate, RATE);
}
