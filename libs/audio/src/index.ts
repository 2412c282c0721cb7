export * from './errors';
export * from './sniff';
export { decodeWav, downmix, encodeWavPcm16, type PcmAudio } from './wav';
export { resample, StreamingResampler } from './resample';
export { CANONICAL_RATE, WavStreamDecoder } from './wav-stream';
export { readWavLayout, type WavLayout } from './wav-layout';
export { transcodeToCanonical, type TranscodeOptions, type TranscodeResult } from './transcode';
export { FFMPEG_REQUIREMENTS, FfmpegNotFoundError, FfmpegUnusableError, checkFfmpeg } from './ffmpeg';
export {
  detectSpeech,
  framesToSegments,
  talkedTimeMs,
  mergeSegments,
  VAD_SAMPLE_RATE,
  type SegmentationOptions,
  type SpeechSegment,
  type VadOptions,
} from './vad';
export { DB_FLOOR } from './dsp';
export { analyzeLevels, estimateSnr, type Levels } from './levels';
export { integratedLoudness } from './loudness';
export { estimateF0, type F0Options, type F0Track } from './yin';
export { analyzeProsody, type Prosody } from './prosody';
