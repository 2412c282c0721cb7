import type { SentimentLabel } from '@voicepulse/contracts';

export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function talkTime(ms: number): string {
  if (ms < 60_000) return seconds(ms);
  const minutes = ms / 60_000;
  return minutes < 60 ? `${minutes.toFixed(1)} min` : `${(minutes / 60).toFixed(1)} h`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function percent(ratio: number | null | undefined): string {
  return ratio == null ? '—' : `${Math.round(ratio * 100)}%`;
}

export function sentimentWord(score: number): string {
  if (score >= 0.05) return 'Positive';
  if (score <= -0.05) return 'Negative';
  return 'Neutral';
}

/** A talk-to-listen ratio as people quote it ("1.4 : 1"); a dash when nobody else was heard. */
export function ratio(r: number | null | undefined): string {
  return r == null ? '—' : `${r.toFixed(1)} : 1`;
}

/** How a sentiment label reads next to its colour (the colour is never the only cue). */
export const LABEL_WORDS: Record<SentimentLabel, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' };
