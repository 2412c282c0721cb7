import { labelFor } from '../label';
import { alignByWordCount } from '../engines/align';
import { scoreSentence } from '../engines/lexicon';
import { splitSentences, wordCount } from '../engines/sentences';
import { transcriptConfidence } from '../engines/transcript';
import type { TimedText } from '../types';
import type { ScoredSentence, Span } from './metrics';

interface Who {
  speaker: string;
  channel: number | null;
}

function scored(text: string, span: Span, who: Who, sttConfidence: number): ScoredSentence {
  const score = scoreSentence(text);
  const words = Math.max(1, wordCount(text));
  const label = labelFor(score);
  return {
    text,
    startMs: Math.round(span.startMs),
    endMs: Math.round(span.endMs),
    sentiment: label,
    score,
    // The lexical engine's rule on one sentence, scaled by how well the recogniser heard it.
    confidence: transcriptConfidence({ score, sentences: [{ text, score, label, words }] }) * sttConfidence,
    speaker: who.speaker,
    channel: who.channel,
    words,
    sttConfidence,
  };
}

/**
 * A participant's sentences, scored one by one with VADER (as the transcript engine does):
 *  - timed text (a recogniser's segments): each segment's sentences share its span by word count;
 *  - untimed text (a client transcript): its sentences are spread over the participant's speech by
 *    word count (alignByWordCount), so a sentence never lands in one of their pauses.
 */
export function speakerSentences(
  who: Who,
  source: { timed: readonly TimedText[] } | { text: string; speech: readonly Span[] },
): ScoredSentence[] {
  if ('timed' in source) {
    return source.timed.flatMap((seg) => {
      const parts = splitSentences(seg.text);
      const spans = alignByWordCount(
        parts.map((p) => Math.max(1, wordCount(p))),
        [{ startMs: seg.startMs, endMs: seg.endMs }],
      );
      return parts.map((p, i) => scored(p, spans[i] ?? seg, who, seg.confidence ?? 1));
    });
  }
  const parts = splitSentences(source.text);
  const spans = alignByWordCount(
    parts.map((p) => Math.max(1, wordCount(p))),
    [...source.speech],
  );
  // No speech to place them on: the sentences are still the participant's, at the recording's start.
  return parts.map((p, i) => scored(p, spans[i] ?? { startMs: 0, endMs: 0 }, who, 1));
}

/**
 * Splits a client transcript whose lines name their speaker (`agent: Hello.`) into one text per
 * participant. A line without a known name continues the previous speaker's text. Returns null when
 * no line names a participant: an unattributed transcript is then the whole recording's only.
 */
export function transcriptBySpeaker(text: string, speakers: readonly string[]): Map<string, string> | null {
  const known = new Set(speakers.map((s) => s.toLowerCase()));
  const out = new Map<string, string[]>();
  let current: string | null = null;
  let labelled = false;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^:\s]{1,32})\s*:\s*(.*)$/.exec(line);
    const name = m?.[1]?.toLowerCase();
    let body = line;
    if (m && name && known.has(name)) {
      current = name;
      labelled = true;
      body = m[2] ?? '';
    }
    if (current === null || !body.trim()) continue;
    out.set(current, [...(out.get(current) ?? []), body.trim()]);
  }
  return labelled ? new Map([...out].map(([k, v]) => [k, v.join('\n')])) : null;
}

export const wordsIn = (sentences: readonly ScoredSentence[]) =>
  sentences.reduce((n, s) => n + wordCount(s.text), 0);
