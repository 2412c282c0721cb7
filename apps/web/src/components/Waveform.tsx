import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '../api/client';
import { messageOf } from '../api/errors';

interface Props {
  audioPath: string;
  token: string;
  segments: { startMs: number; endMs: number }[];
  durationMs?: number;
}

/** Min/max per pixel column: cheap to draw and keeps short peaks visible at any zoom. */
function peaks(samples: Float32Array, columns: number): [number, number][] {
  const per = Math.max(1, Math.floor(samples.length / columns));
  const out: [number, number][] = [];
  for (let c = 0; c < columns; c++) {
    let lo = 0;
    let hi = 0;
    for (let i = c * per; i < Math.min(samples.length, (c + 1) * per); i++) {
      const v = samples[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out.push([lo, hi]);
  }
  return out;
}

/** The recording's waveform on a canvas, with the detected speech segments shaded. */
export function Waveform({ audioPath, token, segments, durationMs }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [samples, setSamples] = useState<{ data: Float32Array; durationMs: number } | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const res = await apiFetch(audioPath, { token, signal: controller.signal });
      const bytes = await res.arrayBuffer();
      // An offline context decodes without touching the audio output device.
      const ctx = new OfflineAudioContext(1, 1, 16_000);
      const buffer = await ctx.decodeAudioData(bytes);
      if (!controller.signal.aborted) setSamples({ data: buffer.getChannelData(0), durationMs: buffer.duration * 1000 });
    })().catch((err) => {
      if (!controller.signal.aborted) setError(`The waveform could not be drawn: ${messageOf(err)}`);
    });
    return () => controller.abort();
  }, [audioPath, token]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !samples) return;
    const ratio = window.devicePixelRatio || 1;
    const width = el.clientWidth * ratio;
    const height = el.clientHeight * ratio;
    el.width = width;
    el.height = height;
    const g = el.getContext('2d');
    if (!g) return;
    const total = durationMs ?? samples.durationMs;
    g.clearRect(0, 0, width, height);
    g.fillStyle = 'rgba(37, 99, 235, 0.16)';
    for (const s of segments) {
      g.fillRect((s.startMs / total) * width, 0, ((s.endMs - s.startMs) / total) * width, height);
    }
    g.fillStyle = '#1e3a8a';
    const mid = height / 2;
    peaks(samples.data, Math.floor(width)).forEach(([lo, hi], x) => {
      g.fillRect(x, mid - hi * mid, 1, Math.max(1, (hi - lo) * mid));
    });
  }, [samples, segments, durationMs]);

  if (error) return <p className="notice">{error}</p>;
  const speech = segments.reduce((n, s) => n + s.endMs - s.startMs, 0);
  return (
    <figure className="waveform">
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Waveform with ${segments.length} speech segment${segments.length === 1 ? '' : 's'} shaded, ${(speech / 1000).toFixed(1)} seconds of speech`}
      />
      {!samples && <p className="muted" role="status">Loading waveform…</p>}
      <figcaption className="hint">
        <span className="swatch" aria-hidden="true" /> Shaded: detected speech
      </figcaption>
    </figure>
  );
}
