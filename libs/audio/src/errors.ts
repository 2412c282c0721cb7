export type AudioErrorCode = 'unsupported_audio' | 'corrupt_audio' | 'too_long';

/**
 * Base class for every failure caused by the audio itself (as opposed to bugs or
 * infrastructure). Callers map `code` straight onto a non-retryable job failure:
 * re-running the same bytes can never succeed.
 */
export class AudioError extends Error {
  readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The container is recognised but its codec / sample layout is not something we decode. */
export class UnsupportedAudioError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unsupported_audio', message, options);
  }
}

/** The bytes are not a valid file of the declared format (truncated, garbage, inconsistent sizes). */
export class CorruptAudioError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('corrupt_audio', message, options);
  }
}

/** The recording is longer than the configured limit; raised before decoding the excess. */
export class TooLongError extends AudioError {
  readonly maxDurationS: number;

  constructor(maxDurationS: number, message = `audio exceeds the ${maxDurationS} s limit`) {
    super('too_long', message);
    this.maxDurationS = maxDurationS;
  }
}

/**
 * Decoding ran past the wall-clock bound. Real recordings within the duration limit decode far
 * faster; a file that does not is built to be expensive (or the limit is set too low), and
 * running it again would burn the same time, so it fails like a too-long recording.
 */
export class DecodeTimeoutError extends AudioError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('too_long', `decoding took longer than the ${timeoutMs / 1000} s limit`);
    this.timeoutMs = timeoutMs;
  }
}
