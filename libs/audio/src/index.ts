export * from './errors';
export * from './sniff';
export { decodeWav, downmix, encodeWavPcm16, type PcmAudio } from './wav';
export { resample, StreamingResampler } from './resample';
export { transcodeToCanonical, type TranscodeOptions, type TranscodeResult } from './transcode';
export { FfmpegNotFoundError } from './ffmpeg';
export { detectSpeech, talkedTimeMs, mergeSegments, VAD_SAMPLE_RATE, type SpeechSegment, type VadOptions } from './vad';
export { DB_FLOOR } from './dsp';
