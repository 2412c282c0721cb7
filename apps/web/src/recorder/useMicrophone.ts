import { useCallback, useEffect, useState } from 'react';
import { audioConstraints } from './capture';

export type Mic =
  | { state: 'opening' }
  | { state: 'live'; stream: MediaStream; context: AudioContext }
  | { state: 'unavailable'; reason: string };

const NO_MEDIA = 'This browser cannot record audio. You can still upload an audio file.';

function micError(err: unknown): string {
  const name = (err as { name?: string })?.name;
  if (name === 'NotAllowedError') return 'Microphone access was denied. Allow it in the browser, or upload a file instead.';
  if (name === 'NotFoundError') return 'No microphone was found. You can still upload an audio file.';
  return 'The microphone could not be opened. You can still upload an audio file.';
}

function release({ stream, context }: { stream: MediaStream; context: AudioContext }) {
  stream.getTracks().forEach((t) => t.stop());
  void context.close();
}

/**
 * The microphone `deviceId` names ('' = the default), opened with raw-audio constraints and
 * released on change or unmount, plus the audio inputs the browser lists once permission is given.
 * Each outcome is stored with the device it belongs to, so a device that is still opening reads as
 * `opening` without a state reset inside the effect.
 */
export function useMicrophone(deviceId: string): {
  mic: Mic;
  devices: MediaDeviceInfo[];
  /** The open stream cannot record after all (e.g. no capture path in this browser). */
  markUnavailable(reason: string): void;
} {
  const supported = typeof navigator !== 'undefined' && Boolean(navigator.mediaDevices?.getUserMedia);
  const [outcome, setOutcome] = useState<{ deviceId: string; mic: Mic } | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);

  useEffect(() => {
    if (!supported) return;
    let cancelled = false;
    let opened: { stream: MediaStream; context: AudioContext } | undefined;
    navigator.mediaDevices.getUserMedia({ audio: audioConstraints(deviceId || undefined) }).then(
      async (stream) => {
        const context = new AudioContext();
        opened = { stream, context };
        if (cancelled) return release(opened);
        setOutcome({ deviceId, mic: { state: 'live', stream, context } });
        // Labels are only exposed once permission is granted, so list devices now.
        const all = await navigator.mediaDevices.enumerateDevices();
        if (!cancelled) setDevices(all.filter((d) => d.kind === 'audioinput'));
      },
      (err) => {
        if (!cancelled) setOutcome({ deviceId, mic: { state: 'unavailable', reason: micError(err) } });
      },
    );
    return () => {
      cancelled = true;
      if (opened) release(opened);
    };
  }, [deviceId, supported]);

  const markUnavailable = useCallback(
    (reason: string) => setOutcome({ deviceId, mic: { state: 'unavailable', reason } }),
    [deviceId],
  );
  const mic: Mic = !supported
    ? { state: 'unavailable', reason: NO_MEDIA }
    : outcome?.deviceId === deviceId
      ? outcome.mic
      : { state: 'opening' };
  return { mic, devices, markUnavailable };
}
