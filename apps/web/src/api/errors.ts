import { errorBodySchema, type FailureCode } from '@voicepulse/contracts';

/** A failed API call, already translated into words a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Network failures and 5xx/429 answers may succeed when tried again; 4xx will not. */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class AbortedError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortedError';
  }
}

const PLAIN: Record<string, string> = {
  unauthorized: 'Your session has expired or is not valid. Please sign in again.',
  forbidden: 'You do not have permission to do that.',
  not_found: 'That item does not exist, or it was deleted.',
  unsupported_media_type: 'That file is not audio we can read. Use WAV, WebM, Ogg, MP3, M4A or FLAC.',
  empty_upload: 'The file is empty.',
  corrupt_audio: 'The audio file is damaged or incomplete, so it cannot be used.',
  rate_limited: 'Too many requests in a short time. Please wait a moment and try again.',
  pipeline_quota_exceeded: 'Your earlier recordings are still being processed. Try this upload again in a minute.',
  payload_too_large: 'The file is too large to upload.',
  invalid_metadata: 'Some details sent with the recording were not valid.',
  unknown_prompt: 'That prompt no longer exists. Fetch a new prompt and try again.',
  invalid_emotion: 'That emotion is not one the prompt asks for.',
  prompt_in_use: 'Recordings were made for this prompt, so it can only be deactivated, not deleted.',
  no_prompts: 'There are no prompts to record right now. An administrator needs to add some.',
  unavailable: 'The service is busy or restarting. Please try again in a moment.',
  internal: 'Something went wrong on our side. Please try again.',
  upload_missing: 'The file did not reach storage. Please try again.',
};

/** Why a recording failed processing, in plain words (the API's failure codes). */
export const FAILURE_REASONS: Record<FailureCode, string> = {
  unsupported_audio: 'The file is not a kind of audio we can process.',
  corrupt_audio: 'The audio file is damaged or incomplete, so it could not be decoded.',
  too_long: 'The recording is longer than the maximum length we accept.',
  internal: 'Processing failed because of a problem on our side.',
  channel_layout_mismatch: 'The declared speakers per channel do not match the number of channels in the file.',
};

/** Builds an ApiError from a response; never shows raw JSON to the user. */
export async function errorFromResponse(res: { status: number; text(): Promise<string> }): Promise<ApiError> {
  let code = `http_${res.status}`;
  let serverMessage = '';
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(await res.text()));
    if (parsed.success) {
      code = parsed.data.error.code;
      serverMessage = parsed.data.error.message;
    }
  } catch {
    // Not our JSON (a proxy's HTML error page, say): fall back to the status.
  }
  return apiError(res.status, code, serverMessage);
}

export function apiError(status: number, code: string, serverMessage = ''): ApiError {
  const retryable = status === 0 || status === 429 || status >= 500;
  const message =
    PLAIN[code] ??
    (status === 0
      ? 'Could not reach the server. Check your connection and try again.'
      : status >= 500
        ? PLAIN.internal!
        : serverMessage
          ? sentence(serverMessage)
          : `The request failed (HTTP ${status}).`);
  // Validation messages carry the specifics (which emotions are allowed, …): keep them visible.
  const detailed = code === 'invalid_emotion' && serverMessage ? sentence(serverMessage) : message;
  return new ApiError(status, code, detailed, retryable);
}

function sentence(s: string): string {
  const t = s.trim();
  return t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.name === 'AbortError') return 'Cancelled.';
  return 'Something unexpected went wrong. Please try again.';
}
