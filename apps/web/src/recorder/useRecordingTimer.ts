import { useEffect, useRef, useState } from 'react';

const TICK_MS = 200;

/**
 * Milliseconds since `startedAt` (null: not recording → 0), refreshed every 200 ms, calling
 * `onLimit` once the elapsed time reaches `limitMs` (the hard stop at the maximum duration).
 */
export function useRecordingTimer(startedAt: number | null, limitMs: number, onLimit: () => void): number {
  const [now, setNow] = useState(() => Date.now());
  // The latest callback, so a new one (it changes with the recorder's state) does not restart the clock.
  const limit = useRef(onLimit);
  useEffect(() => {
    limit.current = onLimit;
  }, [onLimit]);
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t - startedAt >= limitMs) limit.current();
    }, TICK_MS);
    return () => clearInterval(timer);
  }, [startedAt, limitMs]);
  // Before the first tick `now` may predate this recording: never show a negative or stale time.
  return startedAt === null ? 0 : Math.max(0, now - startedAt);
}
