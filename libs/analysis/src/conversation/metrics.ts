import type {
  AttributionSource,
  Conversation,
  Interruption,
  Participant,
  SpeakerSentence,
} from '@voicepulse/contracts';
import { MIN_OVERLAP_MS, overlapSpans, unionSpans as union } from '@voicepulse/contracts';
import { labelFor } from '../label';
import { transcriptConfidence } from '../engines/transcript';

export interface Span {
  startMs: number;
  endMs: number;
}

/** A scored sentence with what aggregating needs: its word count and the recogniser's confidence. */
export type ScoredSentence = SpeakerSentence & { words: number; sttConfidence: number };

export interface ParticipantInput {
  speaker: string;
  channel: number | null;
  /** This participant's speech (VAD on their channel, or the diarizer's segments). */
  speech: readonly Span[];
  sentences: readonly ScoredSentence[];
  /** Words this participant said, when there is a transcript for them; undefined otherwise. */
  words?: number;
}

export interface ConversationInput {
  source: AttributionSource;
  durationMs: number;
  participants: readonly ParticipantInput[];
}

/**
 * The thresholds the definitions below are built on; every figure in the README is measured with
 * the defaults.
 */
export interface ConversationOptions {
  /** A speaker's pause shorter than this, with nobody else talking in it, stays inside one turn. */
  maxPauseMs: number;
  /** Simultaneous speech shorter than this is not an overlap (see MIN_OVERLAP_MS). */
  minOverlapMs: number;
  /** A turn must last this long to count as an interruption (shorter is a backchannel). */
  interruptionMinMs: number;
  /** Silences between speech longer than this are counted in `gapsOver5s`. */
  longGapMs: number;
}

export const CONVERSATION_DEFAULTS: ConversationOptions = {
  maxPauseMs: 1500,
  minOverlapMs: MIN_OVERLAP_MS,
  interruptionMinMs: 1000,
  longGapMs: 5000,
};

interface Turn extends Span {
  speaker: string;
}

/**
 * Conversation figures from per-speaker speech, all on half-open [startMs, endMs) spans:
 *
 * - **talk time**: the union of a participant's speech. **talk share**: talk time / the sum of every
 *   participant's talk time (overlapping speech counts for each speaker, so shares add up to 1).
 * - **turn**: a maximal run of one participant's speech in which every pause is shorter than
 *   `maxPauseMs` and nobody else talks during the pause. Another speaker talking *over* the run
 *   (a backchannel) does not end it; another speaker talking *in a pause* does.
 * - **longest monologue**: the longest turn, first word to last (its short pauses included).
 * - **overlap**: a maximal stretch where two or more participants talk at once, counted when at
 *   least `minOverlapMs` long.
 * - **interruption**: a turn that starts while another participant is talking — strictly after
 *   that speaker started, so a simultaneous start interrupts nobody — with that speaker still
 *   talking at least `minOverlapMs` after it, and that lasts at least `interruptionMinMs`. A
 *   shorter turn over someone (a backchannel, "mm-hm") is an overlap but not an interruption.
 * - **floor turn**: a turn not contained within another speaker's turn; a contained one (a
 *   backchannel, or an interruption the first speaker talked through) never held the floor.
 *   A **speaker switch** is two consecutive floor turns (by start) of different speakers;
 *   **interactivity** = switches per minute of recording.
 * - **gap before a reply** (patience): at a switch, the new floor turn's start minus the previous
 *   floor turn's end, 0 when the reply started before the other finished. Conversation patience is
 *   the mean over all switches; a participant's, the mean over the switches to them.
 * - **silence**: recording time where nobody talks; `gapsOver5s` counts silences longer than
 *   `longGapMs` between the first and last speech (lead-in and tail are not conversational gaps).
 * - **words per minute**: words / talk time, when there is a transcript for the participant.
 * - **participant sentiment**: word-weighted mean of their sentence scores, with the lexical
 *   engine's confidence rule (transcriptConfidence) over those sentences × the recogniser's
 *   word-weighted confidence.
 */
export function computeConversation(
  input: ConversationInput,
  options: Partial<ConversationOptions> = {},
): Conversation {
  const opt = { ...CONVERSATION_DEFAULTS, ...options };
  const durationMs = Math.max(0, input.durationMs);
  const speech = new Map(input.participants.map((p) => [p.speaker, union(p.speech)]));
  const all = input.participants.flatMap((p) => speech.get(p.speaker)!.map((s) => ({ ...s, speaker: p.speaker })));
  const turns = input.participants.flatMap((p) => turnsOf(p.speaker, speech, opt.maxPauseMs));
  const overlaps = overlapSpans(all, opt.minOverlapMs);
  const interruptions = findInterruptions(turns, speech, opt);
  const { switches, gaps } = floorSwitches(turns);
  const talk = new Map([...speech].map(([k, v]) => [k, total(v)]));
  const talkSum = [...talk.values()].reduce((a, b) => a + b, 0);

  const anyone = union(all);
  const silenceMs = Math.max(0, durationMs - total(anyone));
  let gapsOver = 0;
  for (let i = 1; i < anyone.length; i++) {
    if (anyone[i]!.startMs - anyone[i - 1]!.endMs > opt.longGapMs) gapsOver++;
  }

  const participants: Participant[] = input.participants.map((p) => {
    const own = turns.filter((t) => t.speaker === p.speaker);
    const talkMs = talk.get(p.speaker)!;
    const replies = gaps.filter((g) => g.speaker === p.speaker).map((g) => g.gapMs);
    return {
      speaker: p.speaker,
      channel: p.channel,
      talkTimeMs: talkMs,
      talkShare: talkSum > 0 ? talkMs / talkSum : 0,
      longestMonologueMs: Math.max(0, ...own.map((t) => t.endMs - t.startMs)),
      turns: own.length,
      interruptions: interruptions.filter((i) => i.speaker === p.speaker).length,
      patienceMs: mean(replies),
      wordsPerMinute: p.words === undefined || talkMs === 0 ? null : p.words / (talkMs / 60_000),
      sentiment: speakerSentiment(p.sentences),
    };
  });

  return {
    source: input.source,
    durationMs,
    participants,
    silence: { totalMs: silenceMs, share: durationMs > 0 ? silenceMs / durationMs : 0, gapsOver5s: gapsOver },
    overlap: { totalMs: total(overlaps), count: overlaps.length },
    interruptions,
    interactivityPerMin: durationMs > 0 ? switches / (durationMs / 60_000) : 0,
    patienceMs: mean(gaps.map((g) => g.gapMs)),
    sentences: input.participants
      .flatMap((p) => p.sentences)
      .map(({ words: _w, sttConfidence: _c, ...s }) => s)
      .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs),
    speakerSegments: all.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs),
  };
}

export { union };

const total = (spans: readonly Span[]) => spans.reduce((a, s) => a + (s.endMs - s.startMs), 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

function othersTalkIn(speaker: string, speech: Map<string, Span[]>, from: number, to: number): boolean {
  for (const [other, spans] of speech) {
    if (other !== speaker && spans.some((s) => s.startMs < to && s.endMs > from)) return true;
  }
  return false;
}

function turnsOf(speaker: string, speech: Map<string, Span[]>, maxPauseMs: number): Turn[] {
  const turns: Turn[] = [];
  for (const s of speech.get(speaker)!) {
    const last = turns[turns.length - 1];
    if (last && s.startMs - last.endMs < maxPauseMs && !othersTalkIn(speaker, speech, last.endMs, s.startMs)) {
      last.endMs = s.endMs;
    } else {
      turns.push({ speaker, startMs: s.startMs, endMs: s.endMs });
    }
  }
  return turns;
}

function findInterruptions(
  turns: readonly Turn[],
  speech: Map<string, Span[]>,
  opt: ConversationOptions,
): Interruption[] {
  const out: Interruption[] = [];
  for (const t of turns) {
    if (t.endMs - t.startMs < opt.interruptionMinMs) continue;
    for (const [other, spans] of speech) {
      if (other === t.speaker) continue;
      const talking = spans.find((s) => s.startMs < t.startMs && s.endMs - t.startMs >= opt.minOverlapMs);
      if (talking) {
        out.push({ speaker: t.speaker, interrupted: other, atMs: t.startMs, durationMs: t.endMs - t.startMs });
        break;
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

function floorSwitches(turns: readonly Turn[]): { switches: number; gaps: { speaker: string; gapMs: number }[] } {
  const floor = turns
    .filter((t) => !turns.some((u) => u.speaker !== t.speaker && covers(u, t)))
    .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const gaps: { speaker: string; gapMs: number }[] = [];
  for (let i = 1; i < floor.length; i++) {
    const prev = floor[i - 1]!;
    const cur = floor[i]!;
    if (cur.speaker !== prev.speaker) gaps.push({ speaker: cur.speaker, gapMs: Math.max(0, cur.startMs - prev.endMs) });
  }
  return { switches: gaps.length, gaps };
}

/** `outer` spans `inner` and is longer: identical turns (both started and stopped together) both keep the floor. */
const covers = (outer: Span, inner: Span) =>
  outer.startMs <= inner.startMs &&
  outer.endMs >= inner.endMs &&
  outer.endMs - outer.startMs > inner.endMs - inner.startMs;

function speakerSentiment(sentences: readonly ScoredSentence[]): Participant['sentiment'] {
  const words = sentences.reduce((n, s) => n + s.words, 0);
  if (words === 0) return null;
  const score = sentences.reduce((a, s) => a + s.score * s.words, 0) / words;
  const stt = sentences.reduce((a, s) => a + s.sttConfidence * s.words, 0) / words;
  const confidence = transcriptConfidence({
    score,
    sentences: sentences.map((s) => ({ text: s.text, score: s.score, label: s.sentiment, words: s.words })),
  });
  return { score, label: labelFor(score), confidence: confidence * stt };
}
