import type { SpeechSegment } from '@voicepulse/audio';

/**
 * Places untimed sentences (a client transcript) on the recording's speech time, each taking a share
 * of the talked time proportional to its word count — speakers hold a roughly steady word rate, so
 * this is a fair estimate of when each sentence was said. Silence between speech segments is
 * skipped, so a sentence never lands in a pause. Returns one [startMs, endMs) span per sentence.
 */
export function alignByWordCount(
  words: readonly number[],
  speech: readonly SpeechSegment[],
): { startMs: number; endMs: number }[] {
  const totalWords = words.reduce((a, b) => a + b, 0);
  const talked = speech.reduce((a, s) => a + (s.endMs - s.startMs), 0);
  if (totalWords <= 0 || talked <= 0) return [];
  // Maps a point on the speech-only clock to wall-clock time within the recording.
  const toWallClock = (speechMs: number): number => {
    let left = speechMs;
    for (const s of speech) {
      const len = s.endMs - s.startMs;
      if (left <= len) return s.startMs + left;
      left -= len;
    }
    return speech[speech.length - 1]!.endMs;
  };
  const spans: { startMs: number; endMs: number }[] = [];
  let spoken = 0;
  for (const w of words) {
    const from = (spoken / totalWords) * talked;
    spoken += w;
    const to = (spoken / totalWords) * talked;
    // A start exactly on a segment boundary belongs to the next segment, not the end of the previous one.
    spans.push({ startMs: Math.round(toWallClock(from + 1e-6)), endMs: Math.round(toWallClock(to)) });
  }
  return spans;
}
