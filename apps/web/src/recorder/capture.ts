import { encodeWav } from './wav';

export const MAX_RECORDING_MS = 5 * 60_000;

export interface Capture {
  stop(): Promise<{ audio: Blob; filename: string }>;
  /** Stops without producing a take (page left, recording abandoned). */
  abort(): void;
}

/** Raw input for analysis and research: browser voice processing alters pitch, level and noise floor. */
export function audioConstraints(deviceId?: string): MediaTrackConstraints {
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    channelCount: 1,
  };
}

const OPUS = 'audio/webm;codecs=opus';

export function supportsMediaRecorder(): boolean {
  return typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(OPUS);
}

/** WebM/Opus through MediaRecorder where the browser has it, otherwise PCM WAV via an AudioWorklet. */
export async function startCapture(stream: MediaStream, context: AudioContext): Promise<Capture> {
  return supportsMediaRecorder() ? startMediaRecorder(stream) : startWavCapture(stream, context);
}

function startMediaRecorder(stream: MediaStream): Capture {
  const recorder = new MediaRecorder(stream, { mimeType: OPUS, audioBitsPerSecond: 64_000 });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  // One-second slices bound what is lost if the tab crashes and keep memory chunked.
  recorder.start(1000);
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        recorder.onstop = () => resolve({ audio: new Blob(chunks, { type: 'audio/webm' }), filename: 'recording.webm' });
        recorder.onerror = () => reject(new Error('the recorder stopped unexpectedly'));
        recorder.stop();
      }),
    abort: () => {
      if (recorder.state !== 'inactive') recorder.stop();
    },
  };
}

// Runs on the audio thread: copies each 128-frame block of channel 0 to the main thread.
const WORKLET = `
class PcmTap extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) this.port.postMessage(ch.slice(0));
    return true;
  }
}
registerProcessor('voicepulse-pcm-tap', PcmTap);
`;

async function startWavCapture(stream: MediaStream, context: AudioContext): Promise<Capture> {
  const url = URL.createObjectURL(new Blob([WORKLET], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const source = context.createMediaStreamSource(stream);
  const tap = new AudioWorkletNode(context, 'voicepulse-pcm-tap', { numberOfOutputs: 0 });
  const chunks: Float32Array[] = [];
  tap.port.onmessage = (e: MessageEvent<Float32Array>) => chunks.push(e.data);
  source.connect(tap);
  const release = () => {
    source.disconnect();
    tap.port.onmessage = null;
  };
  return {
    async stop() {
      release();
      return { audio: encodeWav(chunks, context.sampleRate), filename: 'recording.wav' };
    },
    abort: release,
  };
}

/** RMS input level in [0, 1], sampled by the caller (requestAnimationFrame). */
export function levelMeter(stream: MediaStream, context: AudioContext): { read(): number; close(): void } {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const buf = new Float32Array(analyser.fftSize);
  return {
    read() {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i]! * buf[i]!;
      // Speech RMS sits around 0.05–0.2; scale so normal speech fills most of the meter.
      return Math.min(1, Math.sqrt(sum / buf.length) * 4);
    },
    close() {
      source.disconnect();
    },
  };
}
