import { useCallback, useEffect, useId, useReducer, useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { AbortedError, ApiError, messageOf } from '../api/errors';
import { useRecordingStatus } from '../api/hooks';
import { uploadRecording, type UploadFields, type UploadOptions } from '../api/upload';
import { useAuth } from '../auth/auth';
import { clock, bytes } from '../format';
import { MAX_RECORDING_MS, startCapture, type Capture } from '../recorder/capture';
import { controlsFor, initialRecorderState, recorderReducer, type Take } from '../recorder/machine';
import { speechRecognitionAvailable, startLiveTranscript } from '../recorder/speech';
import { useLevelMeter } from '../recorder/useLevelMeter';
import { useMicrophone } from '../recorder/useMicrophone';
import { useRecordingTimer } from '../recorder/useRecordingTimer';
import { StatusBadge } from './StatusBadge';

export interface RecorderProps {
  /** Sent with the upload (corpus takes add promptId + actedEmotion). */
  fields?: Pick<UploadFields, 'promptId' | 'actedEmotion'>;
  initialTranscript?: string;
  maxDurationMs?: number;
  onUploaded?(recordingId: string): void;
  /** Tests inject a fake network; the browser's XMLHttpRequest otherwise. */
  createXhr?: UploadOptions['createXhr'];
}

function deviceId(): string {
  const key = 'voicepulse.deviceId';
  let id = localStorage.getItem(key);
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem(key, id);
  }
  return id;
}

export function Recorder({ fields, initialTranscript = '', maxDurationMs = MAX_RECORDING_MS, onUploaded, createXhr }: RecorderProps) {
  const { session } = useAuth();
  const [state, dispatch] = useReducer(recorderReducer, initialRecorderState);
  const [selectedDevice, setSelectedDevice] = useState('');
  const { mic, devices, markUnavailable } = useMicrophone(selectedDevice);
  const level = useLevelMeter(mic);
  const [transcript, setTranscript] = useState(initialTranscript);
  // A new initialTranscript (another prompt) replaces the text, adjusted during render rather than
  // in an effect so the stale text is never painted.
  const [shownInitial, setShownInitial] = useState(initialTranscript);
  if (initialTranscript !== shownInitial) {
    setShownInitial(initialTranscript);
    setTranscript(initialTranscript);
  }
  const [dragging, setDragging] = useState(false);
  const capture = useRef<Capture | null>(null);
  const speech = useRef<{ stop(): void } | undefined>(undefined);
  const upload = useRef<AbortController | null>(null);
  const controls = controlsFor(state);
  const ids = { mic: useId(), transcript: useId(), file: useId(), level: useId() };

  const stop = useCallback(async () => {
    const running = capture.current;
    if (!running || state.kind !== 'recording') return;
    capture.current = null;
    speech.current?.stop();
    try {
      const { audio, filename } = await running.stop();
      dispatch({
        type: 'stop',
        take: { audio, filename, durationMs: Date.now() - state.startedAt, source: 'microphone', recordedAt: new Date(state.startedAt).toISOString() },
      });
    } catch {
      dispatch({ type: 'capture-failed', error: 'The recording stopped unexpectedly. Please try again.' });
    }
  }, [state]);

  const elapsed = useRecordingTimer(state.kind === 'recording' ? state.startedAt : null, maxDurationMs, () => void stop());

  useEffect(() => () => {
    capture.current?.abort();
    upload.current?.abort();
    speech.current?.stop();
  }, []);

  async function start() {
    if (mic.state !== 'live') return;
    await mic.context.resume();
    try {
      capture.current = await startCapture(mic.stream, mic.context);
    } catch {
      markUnavailable('Recording could not start in this browser. You can still upload an audio file.');
      return;
    }
    dispatch({ type: 'start', at: Date.now() });
    speech.current = startLiveTranscript(setTranscript);
  }

  async function send(take: Take) {
    if (!session) return;
    const controller = new AbortController();
    upload.current = controller;
    dispatch({ type: 'upload' });
    try {
      const accepted = await uploadRecording(
        take.audio,
        take.filename,
        {
          ...fields,
          transcript: transcript.trim() || undefined,
          recordedAt: take.recordedAt,
          deviceId: deviceId(),
          microphoneUsed: take.source === 'microphone',
        },
        {
          token: session.token,
          signal: controller.signal,
          onProgress: (p) => dispatch({ type: 'progress', loaded: p.loaded, total: p.total }),
          createXhr,
        },
      );
      dispatch({ type: 'uploaded', recordingId: accepted.id });
      onUploaded?.(accepted.id);
    } catch (err) {
      if (err instanceof AbortedError) dispatch({ type: 'cancelled' });
      else dispatch({ type: 'upload-failed', error: messageOf(err), retryable: err instanceof ApiError ? err.retryable : true });
    } finally {
      upload.current = null;
    }
  }

  function chooseFile(file: File | undefined) {
    if (!file) return;
    dispatch({
      type: 'file',
      take: { audio: file, filename: file.name, durationMs: null, source: 'file', recordedAt: new Date(file.lastModified || Date.now()).toISOString() },
    });
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    chooseFile(e.dataTransfer.files[0]);
  }

  const take = 'take' in state ? state.take : undefined;
  const pct = state.kind === 'uploading' && state.total > 0 ? Math.round((state.loaded / state.total) * 100) : 0;

  return (
    <div className="recorder">
      <section className="card" aria-labelledby={`${ids.mic}-h`}>
        <h2 id={`${ids.mic}-h`}>Record from a microphone</h2>
        {mic.state === 'unavailable' ? (
          <p className="notice" role="status">
            {mic.reason}
          </p>
        ) : (
          <>
            <div className="field">
              <label htmlFor={ids.mic}>Microphone</label>
              <select
                id={ids.mic}
                value={selectedDevice}
                onChange={(e) => setSelectedDevice(e.target.value)}
                disabled={state.kind === 'recording' || mic.state !== 'live'}
              >
                <option value="">Default microphone</option>
                {devices
                  .filter((d) => d.deviceId && d.deviceId !== 'default')
                  .map((d, i) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {d.label || `Microphone ${i + 1}`}
                    </option>
                  ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.level}>Input level</label>
              <meter id={ids.level} className="level" min={0} max={1} low={0.6} high={0.9} optimum={0.4} value={level} />
            </div>
          </>
        )}
        <div className="row">
          <button type="button" className="primary" onClick={() => void start()} disabled={!controls.canStart || mic.state !== 'live'}>
            Start recording
          </button>
          <button type="button" onClick={() => void stop()} disabled={!controls.canStop}>
            Stop recording
          </button>
          <p className="timer" role="timer" aria-label="Elapsed recording time">
            {clock(state.kind === 'recording' ? elapsed : (take?.durationMs ?? 0))} <span className="muted">/ max {clock(maxDurationMs)}</span>
          </p>
        </div>
        {state.kind === 'recording' && (
          <p className="recording-indicator" role="status">
            <span className="dot" aria-hidden="true" /> Recording…
          </p>
        )}
      </section>

      <section className="card" aria-labelledby={`${ids.file}-h`}>
        <h2 id={`${ids.file}-h`}>Or upload a file</h2>
        <div
          className={`dropzone${dragging ? ' dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p>Drop an audio file here, or</p>
          <label htmlFor={ids.file} className="button-like">
            Choose an audio file
          </label>
          <input
            id={ids.file}
            className="visually-hidden-file"
            type="file"
            accept="audio/*,.wav,.webm,.ogg,.opus,.mp3,.m4a,.flac"
            disabled={!controls.canPickFile}
            onChange={(e) => {
              chooseFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </div>
      </section>

      <section className="card" aria-labelledby={`${ids.transcript}-h`}>
        <h2 id={`${ids.transcript}-h`}>Transcript</h2>
        <div className="field">
          <label htmlFor={ids.transcript}>Transcript (optional)</label>
          <textarea id={ids.transcript} rows={3} value={transcript} onChange={(e) => setTranscript(e.target.value)} />
          <p className="hint">
            {speechRecognitionAvailable()
              ? 'Filled in live while you speak; correct it before uploading if needed.'
              : 'Type what was said to improve sentiment analysis (this browser has no live speech recognition).'}
          </p>
        </div>
      </section>

      <section className="card" aria-labelledby="upload-h" aria-live="polite">
        <h2 id="upload-h">Upload</h2>
        {take ? (
          <p>
            {take.source === 'microphone' ? 'Recorded take' : `File ${take.filename}`} · {bytes(take.audio.size)}
          </p>
        ) : (
          <p className="muted">Record something or choose a file first.</p>
        )}
        {state.kind === 'uploading' && (
          <div className="field">
            <label htmlFor="upload-progress">Upload progress</label>
            <progress id="upload-progress" max={100} value={pct} />
            <span>{pct}%</span>
          </div>
        )}
        {(state.kind === 'recorded' || state.kind === 'idle') && state.notice && <p className="notice">{state.notice}</p>}
        {state.kind === 'failed' && (
          <p className="error" role="alert">
            Upload failed: {state.error}
          </p>
        )}
        <div className="row">
          <button type="button" className="primary" onClick={() => take && void send(take)} disabled={!controls.canUpload}>
            {state.kind === 'failed' && state.retryable ? 'Retry upload' : 'Upload'}
          </button>
          {controls.canCancel && (
            <button type="button" onClick={() => upload.current?.abort()}>
              Cancel upload
            </button>
          )}
          {(state.kind === 'failed' || state.kind === 'recorded') && (
            <button type="button" onClick={() => dispatch({ type: 'discard' })}>
              Discard
            </button>
          )}
        </div>
        {state.kind === 'uploaded' && <UploadedStatus id={state.recordingId} />}
      </section>
    </div>
  );
}

function UploadedStatus({ id }: { id: string }) {
  const live = useRecordingStatus(id, { status: 'uploaded' });
  return (
    <div className="uploaded">
      <p>
        Uploaded. Status: <StatusBadge status={live?.status ?? 'uploaded'} />
      </p>
      <Link to={`/recordings/${id}`}>View recording</Link>
    </div>
  );
}

