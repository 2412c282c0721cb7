import { conversationSchema } from '@voicepulse/contracts';
import { describe, expect, it } from 'vitest';
import {
  computeConversation,
  nameSpeakers,
  speakerSentences,
  transcriptBySpeaker,
  union,
  type ParticipantInput,
  type Span,
} from '../src';
import { fromSherpaSegments } from '../src/diarizer/sherpa-onnx';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const s = (startMs: number, endMs: number): Span => ({ startMs, endMs });
const two = (a: Span[], b: Span[], durationMs = 60_000, extra: Partial<ParticipantInput>[] = []) =>
  computeConversation({
    source: 'channel',
    durationMs,
    participants: [
      { speaker: 'agent', channel: 0, speech: a, sentences: [], ...extra[0] },
      { speaker: 'customer', channel: 1, speech: b, sentences: [], ...extra[1] },
    ],
  });

describe('conversation figures on constructed calls', () => {
  it('a polite call: no overlap, turns alternate, gaps and silence exact', () => {
    // agent 0–4 s, customer 5–9 s, agent 10–12 s + 12.5–14 s (one turn: 0.5 s pause), customer 20–25 s.
    const c = two([s(0, 4000), s(10_000, 12_000), s(12_500, 14_000)], [s(5000, 9000), s(20_000, 25_000)], 30_000);
    expect(conversationSchema.parse(c)).toEqual(c);
    const [agent, customer] = c.participants;
    expect(agent).toMatchObject({ talkTimeMs: 7500, turns: 2, longestMonologueMs: 4000, interruptions: 0 });
    expect(customer).toMatchObject({ talkTimeMs: 9000, turns: 2, longestMonologueMs: 5000, interruptions: 0 });
    expect(agent!.talkShare + customer!.talkShare).toBeCloseTo(1, 12);
    expect(customer!.talkShare).toBeCloseTo(9000 / 16_500, 12);
    expect(c.overlap).toEqual({ totalMs: 0, count: 0 });
    expect(c.interruptions).toEqual([]);
    // 3 switches in 30 s; gaps before replies 1 s, 1 s, 6 s.
    expect(c.interactivityPerMin).toBeCloseTo(6, 12);
    expect(c.patienceMs).toBeCloseTo(8000 / 3, 9);
    expect(customer!.patienceMs).toBeCloseTo(3500, 9);
    expect(agent!.patienceMs).toBe(1000);
    // Silence: 30 s − 16.5 s; one interior gap over 5 s (14 → 20 s); the 5 s tail is not a gap.
    expect(c.silence).toEqual({ totalMs: 13_500, share: 13_500 / 30_000, gapsOver5s: 1 });
    expect(c.speakerSegments.map((x) => x.speaker)).toEqual(['agent', 'customer', 'agent', 'agent', 'customer']);
  });

  it('a backchannel under 1 s is an overlap but not an interruption, and does not break the turn', () => {
    const c = two([s(0, 10_000)], [s(3000, 3600)]);
    expect(c.overlap).toEqual({ totalMs: 600, count: 1 });
    expect(c.interruptions).toEqual([]);
    expect(c.participants[0]).toMatchObject({ turns: 1, longestMonologueMs: 10_000 });
    // The backchannel never held the floor: no speaker switch.
    expect(c.interactivityPerMin).toBe(0);
    expect(c.patienceMs).toBeNull();
  });

  it('a turn of ≥ 1 s started over the other speaker is one interruption', () => {
    // Customer cuts in at 6 s while the agent talks until 7 s, then keeps the floor to 10 s.
    const c = two([s(0, 7000), s(12_000, 15_000)], [s(6000, 10_000)]);
    expect(c.interruptions).toEqual([{ speaker: 'customer', interrupted: 'agent', atMs: 6000, durationMs: 4000 }]);
    expect(c.overlap).toEqual({ totalMs: 1000, count: 1 });
    expect(c.participants[1]!.interruptions).toBe(1);
    // Switches agent→customer (gap 0: it overlapped) and customer→agent (2 s).
    expect(c.patienceMs).toBe(1000);
    expect(c.participants[1]!.patienceMs).toBe(0);
  });

  it('a simultaneous start interrupts nobody; an interruption the other talks through still counts', () => {
    const same = two([s(1000, 4000)], [s(1000, 3000)]);
    expect(same.interruptions).toEqual([]);
    expect(same.overlap).toEqual({ totalMs: 2000, count: 1 });
    const through = two([s(0, 10_000)], [s(2000, 3500)]);
    expect(through.interruptions).toEqual([{ speaker: 'customer', interrupted: 'agent', atMs: 2000, durationMs: 1500 }]);
    expect(through.interactivityPerMin).toBe(0);
  });

  it('touching spans do not overlap; an overlap shorter than 200 ms (VAD hangover) is not counted', () => {
    const touching = two([s(0, 2000)], [s(2000, 4000)]);
    expect(touching.overlap).toEqual({ totalMs: 0, count: 0 });
    expect(touching.patienceMs).toBe(0);
    const hangover = two([s(0, 2000)], [s(1900, 4000)]);
    expect(hangover.overlap).toEqual({ totalMs: 0, count: 0 });
    // Started 100 ms before the agent stopped: that is a quick reply, not an interruption.
    expect(hangover.interruptions).toEqual([]);
  });

  it('the other speaker talking in a pause splits the turn; a long pause does too', () => {
    const c = two([s(0, 2000), s(2800, 5000), s(8000, 9000)], [s(2200, 2600)]);
    expect(c.participants[0]!.turns).toBe(3);
    expect(c.participants[0]!.longestMonologueMs).toBe(2200);
  });

  it('words per minute and per-speaker sentiment come from the sentences', () => {
    const speech = [s(0, 30_000)];
    const sentences = speakerSentences(
      { speaker: 'agent', channel: 0 },
      { text: 'I love this, it is wonderful. Thanks so much for calling.', speech },
    );
    const c = two(speech, [s(40_000, 41_000)], 60_000, [{ sentences, words: 11 }]);
    expect(c.participants[0]!.wordsPerMinute).toBeCloseTo(22, 12);
    expect(c.participants[1]!.wordsPerMinute).toBeNull();
    expect(c.participants[0]!.sentiment).toMatchObject({ label: 'positive' });
    expect(c.participants[1]!.sentiment).toBeNull();
    expect(c.sentences).toHaveLength(2);
    expect(c.sentences[0]).toMatchObject({ speaker: 'agent', channel: 0, sentiment: 'positive', startMs: 0 });
    expect(c.sentences[1]!.endMs).toBe(30_000);
    expect(conversationSchema.parse(c)).toEqual(c);
  });
});

describe('sentences and labelled transcripts', () => {
  it('splits a transcript by named speaker and keeps unlabelled lines with the previous one', () => {
    const m = transcriptBySpeaker('Agent: Hello, how can I help?\ncustomer: My order is late.\nIt is awful.\nnobody: hi', [
      'agent',
      'customer',
    ]);
    expect(m).toEqual(
      new Map([
        ['agent', 'Hello, how can I help?'],
        ['customer', 'My order is late.\nIt is awful.\nnobody: hi'],
      ]),
    );
    expect(transcriptBySpeaker('just text: no speaker names', ['agent'])).toBeNull();
  });

  it('timed segments keep their times, scaled by the recogniser confidence', () => {
    const out = speakerSentences(
      { speaker: 'customer', channel: 1 },
      { timed: [{ startMs: 1000, endMs: 3000, text: 'this is terrible', confidence: 0.5 }] },
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ startMs: 1000, endMs: 3000, sentiment: 'negative', speaker: 'customer' });
    expect(out[0]!.confidence).toBeLessThanOrEqual(0.5);
  });
});

describe('diarizer output mapping', () => {
  it("names sherpa-onnx's numeric speakers by first appearance, in ms", () => {
    // The addon's real output type: { start, end } in seconds and an integer speaker id.
    const out = fromSherpaSegments([
      { start: 2.5, end: 4.0, speaker: 0 },
      { start: 0.25, end: 2.0, speaker: 1 },
      { start: 4.5, end: 4.5, speaker: 0 },
    ]);
    expect(out).toEqual([
      { speaker: 'speaker_1', startMs: 250, endMs: 2000 },
      { speaker: 'speaker_2', startMs: 2500, endMs: 4000 },
    ]);
    expect(nameSpeakers([])).toEqual([]);
  });
});

/** Seeded uniform [0, 1) numbers (pure-rand), so a failing case can be replayed from the printed seed. */
function rng(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

describe('properties on random calls', () => {
  const SEED = 20261202;
  it(`hold for 300 random two-party calls (seed ${SEED})`, () => {
    console.log(`conversation property test seed: ${SEED}`);
    const next = rng(SEED);
    const randomSpeech = (dur: number) => {
      const out: Span[] = [];
      for (let t = Math.floor(next() * 3000); t < dur; ) {
        const len = 100 + Math.floor(next() * 6000);
        out.push(s(t, Math.min(dur, t + len)));
        t += len + Math.floor(next() * 6000);
      }
      return out;
    };
    for (let i = 0; i < 300; i++) {
      const dur = 10_000 + Math.floor(next() * 170_000);
      const a = randomSpeech(dur);
      const b = randomSpeech(dur);
      const c = two(a, b, dur);
      const ua = union(a);
      const ub = union(b);
      const len = (x: Span[]) => x.reduce((n, y) => n + y.endMs - y.startMs, 0);
      // Inclusion–exclusion on a 1 ms grid: talk(a) + talk(b) − both + silence = duration.
      let both = 0;
      for (const x of ua) for (const y of ub) both += Math.max(0, Math.min(x.endMs, y.endMs) - Math.max(x.startMs, y.startMs));
      expect(c.participants[0]!.talkTimeMs).toBe(len(ua));
      expect(c.participants[1]!.talkTimeMs).toBe(len(ub));
      expect(len(ua) + len(ub) - both + c.silence.totalMs).toBe(dur);
      // Counted overlaps are a subset of all simultaneous speech.
      expect(c.overlap.totalMs).toBeLessThanOrEqual(both);
      // Every interruption lasts ≥ 1 s and starts inside the other speaker's speech.
      for (const x of c.interruptions) {
        expect(x.durationMs).toBeGreaterThanOrEqual(1000);
        const other = x.interrupted === 'agent' ? ua : ub;
        expect(other.some((y) => y.startMs < x.atMs && y.endMs - x.atMs >= 200)).toBe(true);
      }
      // A turn count never exceeds segments, and each turn's length bounds the monologue.
      expect(c.participants[0]!.turns).toBeLessThanOrEqual(ua.length);
      expect(c.participants[0]!.longestMonologueMs).toBeLessThanOrEqual(dur);
      expect(conversationSchema.safeParse(c).success).toBe(true);
    }
  });
});
