import { z } from 'zod';
import { sentimentLabelSchema } from './sentiment-label';

/**
 * Conversation analytics of a multi-party recording (libs/analysis/src/conversation): the one
 * shape the scorer stores (recording_analyses.conversation), the detail API returns and the web
 * app's speaker lanes read. Definitions of every figure are in libs/analysis/README.md.
 */

/** Participant names: what an upload's `channels` field may call a channel's speaker. */
export const SPEAKER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * An upload's declared channel layout, as sent: `split` (one speaker per channel, named speaker_1,
 * speaker_2, …) or a comma-separated list of names in channel order (`agent,customer`). It is
 * checked against the file's channel count where that count is known: by the gateway for WAV, by
 * the transcoder for every other container.
 */
export const channelLayoutFieldSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .transform((s, ctx): string[] | 'split' => {
    if (s === 'split') return 'split';
    const names = s.split(',').map((n) => n.trim().toLowerCase());
    const bad = names.filter((n) => !SPEAKER_NAME.test(n));
    if (bad.length) {
      ctx.addIssue({
        code: 'custom',
        message: `channel names must match ${SPEAKER_NAME.source} (got ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
      });
      return z.NEVER;
    }
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', message: 'channel names must be distinct' });
      return z.NEVER;
    }
    if (names.length < 2 || names.length > 8) {
      ctx.addIssue({ code: 'custom', message: 'a channel layout names 2 to 8 channels, or is "split"' });
      return z.NEVER;
    }
    return names;
  });
export type ChannelLayoutField = z.output<typeof channelLayoutFieldSchema>;

/** Speaker names per channel once the channel count is known: `split` becomes speaker_1, speaker_2, … */
export function speakersForChannels(layout: ChannelLayoutField, channels: number): string[] {
  return layout === 'split' ? Array.from({ length: channels }, (_, i) => `speaker_${i + 1}`) : layout;
}

/** Why a declared layout does not fit a file with `channels` channels, or null when it fits. */
export function channelLayoutProblem(layout: ChannelLayoutField, channels: number): string | null {
  if (layout === 'split') {
    return channels >= 2 ? null : `channels=split needs a recording with 2 or more channels; this one has ${channels}`;
  }
  return layout.length === channels
    ? null
    : `channels names ${layout.length} speakers (${layout.join(', ')}) but the recording has ${channels} channel${channels === 1 ? '' : 's'}`;
}

/**
 * Where a figure's speaker attribution comes from: `channel` (one speaker per channel of a
 * declared layout — the most reliable), `diarizer` (a speaker-diarization model on mono audio),
 * `single` (a mono recording without a diarizer: one participant).
 */
export const attributionSourceSchema = z.enum(['channel', 'diarizer', 'single']);
export type AttributionSource = z.infer<typeof attributionSourceSchema>;

const msSchema = z.number().nonnegative();

export const speakerSegmentSchema = z.object({ speaker: z.string(), startMs: msSchema, endMs: msSchema });
export type SpeakerSegment = z.infer<typeof speakerSegmentSchema>;

/** A stretch of recording time, [startMs, endMs). */
export interface TimeSpan {
  startMs: number;
  endMs: number;
}

/** Sorted, non-overlapping spans covering the same time; empty and inverted spans dropped. */
export function unionSpans(spans: readonly TimeSpan[]): TimeSpan[] {
  const sorted = spans
    .filter((s) => s.endMs > s.startMs)
    .map((s) => ({ startMs: s.startMs, endMs: s.endMs }))
    .sort((a, b) => a.startMs - b.startMs);
  const out: TimeSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push(s);
  }
  return out;
}

/**
 * Simultaneous speech shorter than this is not an overlap: VAD hangover (90 ms) on both sides of a
 * quick hand-over makes a few tens of ms of "both talking" that nobody heard.
 */
export const MIN_OVERLAP_MS = 200;

/**
 * Maximal stretches with ≥ 2 speakers talking, by a sweep over every speaker's merged speech
 * (`speakerSegments`). Here, not in libs/analysis, because the scorer counts `overlap` with it and
 * the web app draws the same stretches on the speaker lanes: one definition for both.
 */
export function overlapSpans(segments: readonly TimeSpan[], minMs = MIN_OVERLAP_MS): TimeSpan[] {
  const edges = segments.flatMap((s) => [
    { at: s.startMs, d: 1 },
    { at: s.endMs, d: -1 },
  ]);
  // Ends before starts at the same instant: touching spans ([a,b) then [b,c)) do not overlap.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  const out: TimeSpan[] = [];
  let active = 0;
  let from = 0;
  for (const e of edges) {
    const before = active;
    active += e.d;
    if (before < 2 && active >= 2) from = e.at;
    if (before >= 2 && active < 2 && e.at > from) out.push({ startMs: from, endMs: e.at });
  }
  return unionSpans(out).filter((s) => s.endMs - s.startMs >= minMs);
}

/** AssemblyAI's `sentiment_analysis_results` item; `sentiment` is our lower-case label. */
export const speakerSentenceSchema = z.object({
  text: z.string(),
  startMs: msSchema,
  endMs: msSchema,
  sentiment: sentimentLabelSchema,
  score: z.number().min(-1).max(1),
  confidence: z.number().min(0).max(1),
  speaker: z.string(),
  /** Channel index (0-based) for `channel` attribution; null otherwise. */
  channel: z.number().int().nonnegative().nullable(),
});
export type SpeakerSentence = z.infer<typeof speakerSentenceSchema>;

export const interruptionSchema = z.object({
  /** Who started talking over the other. */
  speaker: z.string(),
  /** Who was talking when they did. */
  interrupted: z.string(),
  atMs: msSchema,
  /** How long the interrupting turn lasted. */
  durationMs: msSchema,
});
export type Interruption = z.infer<typeof interruptionSchema>;

export const participantSchema = z.object({
  speaker: z.string(),
  channel: z.number().int().nonnegative().nullable(),
  talkTimeMs: msSchema,
  /** talkTimeMs / Σ talkTimeMs of all participants (overlapping speech counts for each speaker). */
  talkShare: z.number().min(0).max(1),
  longestMonologueMs: msSchema,
  turns: z.number().int().nonnegative(),
  /** Interruptions this participant made. */
  interruptions: z.number().int().nonnegative(),
  /** Mean gap before this participant's replies; null when they never replied. */
  patienceMs: msSchema.nullable(),
  /** Null without a transcript for this participant. */
  wordsPerMinute: z.number().nonnegative().nullable(),
  /** Word-weighted mean of the participant's sentences; null without sentences. */
  sentiment: z
    .object({ score: z.number().min(-1).max(1), label: sentimentLabelSchema, confidence: z.number().min(0).max(1) })
    .nullable(),
});
export type Participant = z.infer<typeof participantSchema>;

export const conversationSchema = z.object({
  /** Every figure below is attributed this way. */
  source: attributionSourceSchema,
  durationMs: msSchema,
  participants: z.array(participantSchema),
  silence: z.object({ totalMs: msSchema, share: z.number().min(0).max(1), gapsOver5s: z.number().int().nonnegative() }),
  overlap: z.object({ totalMs: msSchema, count: z.number().int().nonnegative() }),
  interruptions: z.array(interruptionSchema),
  interactivityPerMin: z.number().nonnegative(),
  /** Mean gap before a reply over all speaker switches; null without a switch. */
  patienceMs: msSchema.nullable(),
  sentences: z.array(speakerSentenceSchema),
  /** Each participant's speech, in time order: what the web app draws as speaker lanes. */
  speakerSegments: z.array(speakerSegmentSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;
