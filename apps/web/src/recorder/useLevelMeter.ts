import { useEffect, useState } from 'react';
import { levelMeter } from './capture';
import type { Mic } from './useMicrophone';

/** Milliseconds between readings: ~15 Hz, since every animation frame would re-render needlessly. */
const INTERVAL_MS = 66;

/** The live microphone's input level in [0, 1], 0 while no microphone is live. */
export function useLevelMeter(mic: Mic): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (mic.state !== 'live') return;
    const meter = levelMeter(mic.stream, mic.context);
    let frame = 0;
    let last = 0;
    const tick = (t: number) => {
      if (t - last > INTERVAL_MS) {
        last = t;
        setLevel(meter.read());
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      meter.close();
    };
  }, [mic]);
  return mic.state === 'live' ? level : 0;
}
