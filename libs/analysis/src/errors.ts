/** Base class so callers can tell analysis failures from I/O failures elsewhere in a job. */
export class AnalysisError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configured transcriber cannot run here (binary or model missing); raised at start-up. */
export class TranscriberUnavailableError extends AnalysisError {
  constructor(
    readonly transcriber: string,
    readonly reason: string,
  ) {
    super(`transcriber ${transcriber} is unavailable: ${reason}`);
  }
}

/** A transcriber process ran but failed or produced output we could not read. */
export class TranscriptionError extends AnalysisError {}

/** The ONNX model could not be loaded, or its inputs/outputs do not match the configuration. */
export class ModelError extends AnalysisError {}

/** A recording that cannot be analysed at all (not a WAV, empty). Retrying will not help. */
export class InvalidAudioError extends AnalysisError {}
