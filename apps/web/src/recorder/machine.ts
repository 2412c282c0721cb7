/**
 * The life of one take, from recording (or picking a file) to an accepted upload. Pure, so every
 * transition is testable without a browser; the Recorder component only dispatches events and
 * renders the state.
 */
export interface Take {
  audio: Blob;
  filename: string;
  durationMs: number | null;
  source: 'microphone' | 'file';
  recordedAt: string;
}

export type RecorderState =
  | { kind: 'idle'; notice?: string }
  | { kind: 'recording'; startedAt: number }
  | { kind: 'recorded'; take: Take; notice?: string }
  | { kind: 'uploading'; take: Take; loaded: number; total: number }
  | { kind: 'uploaded'; take: Take; recordingId: string }
  | { kind: 'failed'; take: Take; error: string; retryable: boolean };

export type RecorderEvent =
  | { type: 'start'; at: number }
  | { type: 'stop'; take: Take }
  | { type: 'capture-failed'; error: string }
  | { type: 'file'; take: Take }
  | { type: 'upload' }
  | { type: 'progress'; loaded: number; total: number }
  | { type: 'uploaded'; recordingId: string }
  | { type: 'upload-failed'; error: string; retryable: boolean }
  | { type: 'cancelled' }
  | { type: 'discard' };

export const initialRecorderState: RecorderState = { kind: 'idle' };

export function recorderReducer(state: RecorderState, event: RecorderEvent): RecorderState {
  switch (event.type) {
    case 'start':
      // A new take replaces an unsent one; never while an upload is in flight.
      return state.kind === 'recording' || state.kind === 'uploading' ? state : { kind: 'recording', startedAt: event.at };
    case 'stop':
      return state.kind === 'recording' ? { kind: 'recorded', take: event.take } : state;
    case 'capture-failed':
      return state.kind === 'recording' ? { kind: 'idle', notice: event.error } : state;
    case 'file':
      return state.kind === 'recording' || state.kind === 'uploading' ? state : { kind: 'recorded', take: event.take };
    case 'upload':
      return state.kind === 'recorded' || (state.kind === 'failed' && state.retryable)
        ? { kind: 'uploading', take: state.take, loaded: 0, total: state.take.audio.size }
        : state;
    case 'progress':
      return state.kind === 'uploading' ? { ...state, loaded: event.loaded, total: event.total } : state;
    case 'uploaded':
      return state.kind === 'uploading' ? { kind: 'uploaded', take: state.take, recordingId: event.recordingId } : state;
    case 'upload-failed':
      return state.kind === 'uploading'
        ? { kind: 'failed', take: state.take, error: event.error, retryable: event.retryable }
        : state;
    case 'cancelled':
      return state.kind === 'uploading' ? { kind: 'recorded', take: state.take, notice: 'Upload cancelled. The take is kept; you can upload it again.' } : state;
    case 'discard':
      return state.kind === 'uploading' || state.kind === 'recording' ? state : { kind: 'idle' };
  }
}

/** Which buttons make sense in a state (the component disables the rest). */
export function controlsFor(state: RecorderState) {
  return {
    canStart: state.kind !== 'recording' && state.kind !== 'uploading',
    canStop: state.kind === 'recording',
    canUpload: state.kind === 'recorded' || (state.kind === 'failed' && state.retryable),
    canCancel: state.kind === 'uploading',
    canPickFile: state.kind !== 'recording' && state.kind !== 'uploading',
  };
}
