import { render, screen, within } from '@testing-library/react';
import { conversationSchema, type Conversation, type SpeakerSegment } from '@voicepulse/contracts';
import { describe, expect, it } from 'vitest';
import { ConversationView, SpeakerLanes } from './ConversationView';

const DURATION = 60_000;
const agent: SpeakerSegment[] = [
  { speaker: 'agent', startMs: 0, endMs: 10_000 },
  { speaker: 'agent', startMs: 20_000, endMs: 30_000 },
  { speaker: 'agent', startMs: 40_000, endMs: 45_000 },
];
const customer: SpeakerSegment[] = [
  { speaker: 'customer', startMs: 9_000, endMs: 15_000 },
  { speaker: 'customer', startMs: 32_000, endMs: 41_500 },
];

/** Where the two speakers' segments intersect, pair by pair: what the overlap lane must show. */
function intersections(a: SpeakerSegment[], b: SpeakerSegment[]) {
  return a.flatMap((x) =>
    b.flatMap((y) => {
      const startMs = Math.max(x.startMs, y.startMs);
      const endMs = Math.min(x.endMs, y.endMs);
      return endMs > startMs ? [{ startMs, endMs }] : [];
    }),
  );
}

// Parsed with the API's own schema, so the fixture is a shape the detail endpoint can return.
const conversation: Conversation = conversationSchema.parse({
  source: 'channel',
  durationMs: DURATION,
  participants: [
    {
      speaker: 'agent',
      channel: 0,
      talkTimeMs: 25_000,
      talkShare: 25 / 40.5,
      longestMonologueMs: 10_000,
      turns: 3,
      interruptions: 0,
      patienceMs: 5_000,
      wordsPerMinute: 151.6,
      sentiment: { score: 0.42, label: 'positive', confidence: 0.8 },
    },
    {
      speaker: 'customer',
      channel: 1,
      talkTimeMs: 15_500,
      talkShare: 15.5 / 40.5,
      longestMonologueMs: 9_500,
      turns: 2,
      interruptions: 1,
      patienceMs: null,
      wordsPerMinute: null,
      sentiment: { score: -0.3, label: 'negative', confidence: 0.6 },
    },
  ],
  silence: { totalMs: 21_000, share: 0.35, gapsOver5s: 2 },
  overlap: { totalMs: 2_500, count: 2 },
  interruptions: [{ speaker: 'customer', interrupted: 'agent', atMs: 9_000, durationMs: 6_000 }],
  interactivityPerMin: 4,
  patienceMs: 2_250,
  sentences: [
    { text: 'Thanks for calling.', startMs: 0, endMs: 2_000, sentiment: 'positive', score: 0.6, confidence: 0.9, speaker: 'agent', channel: 0 },
    { text: 'This is broken again.', startMs: 9_000, endMs: 12_000, sentiment: 'negative', score: -0.5, confidence: 0.8, speaker: 'customer', channel: 1 },
  ],
  speakerSegments: [...agent, ...customer].sort((a, b) => a.startMs - b.startMs),
});

const pct = (ms: number) => `${(ms / DURATION) * 100}%`;

describe('SpeakerLanes', () => {
  it('draws one labelled lane per speaker with a bar per segment, and hatches where both talk', () => {
    const { container } = render(<SpeakerLanes conversation={conversation} />);
    const agentLane = screen.getByRole('img', { name: /^agent: 3 speech segments, 25\.0 s of talk/ });
    const customerLane = screen.getByRole('img', { name: /^customer: 2 speech segments, 15\.5 s of talk/ });
    expect(agentLane.querySelectorAll('.lane-bar')).toHaveLength(3);
    expect(customerLane.querySelectorAll('.lane-bar')).toHaveLength(2);
    expect(screen.getByText('agent')).toBeTruthy();

    const [second] = [...agentLane.querySelectorAll<HTMLElement>('.lane-bar')].slice(1);
    expect(second!.style.left).toBe(pct(20_000));
    expect(second!.style.width).toBe(pct(10_000));

    const expected = intersections(agent, customer);
    expect(expected).toHaveLength(2); // the fixture must exercise more than one overlap
    const overlapLane = screen.getByRole('img', { name: /^Overlap: 2 stretches/ });
    const bands = [...overlapLane.querySelectorAll<HTMLElement>('.lane-overlap')];
    expect(bands.map((b) => [b.style.left, b.style.width])).toEqual(
      expected.map((s) => [pct(s.startMs), pct(s.endMs - s.startMs)]),
    );
    expect(container.querySelectorAll('.lane-overlap')).toHaveLength(expected.length);
  });

  it('keeps a single-speaker recording to one lane, without an overlap lane', () => {
    const single = conversationSchema.parse({
      ...conversation,
      source: 'single',
      participants: [{ ...conversation.participants[0], channel: null }],
      speakerSegments: agent,
    });
    render(<SpeakerLanes conversation={single} />);
    expect(screen.getAllByRole('img')).toHaveLength(1);
    expect(screen.queryByRole('img', { name: /^Overlap/ })).toBeNull();
  });
});

describe('ConversationView', () => {
  it('formats the per-speaker table, the summary and the sentence timeline', () => {
    render(<ConversationView conversation={conversation} />);
    expect(screen.getByTestId('attribution').textContent).toBe('Speakers: from channels');

    const cells = (speaker: string) =>
      within(screen.getByRole('row', { name: new RegExp(`^${speaker}`) }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells('agent')).toEqual(['1', '25.0 s', '62%', '10.0 s', '3', '0', '5.0 s', '152', 'Positive (0.42)']);
    expect(cells('customer')).toEqual(['2', '15.5 s', '38%', '9.5 s', '2', '1', '—', '—', 'Negative (-0.30)']);

    expect(screen.getByTestId('silence').textContent).toBe('21.0 s (35%), 2 gaps over 5 s');
    expect(screen.getByTestId('overlap').textContent).toBe('2.5 s in 2 stretches');
    expect(screen.getByTestId('interactivity').textContent).toBe('4.0 switches/min');
    expect(screen.getByTestId('patience').textContent).toBe('2.3 s');

    const items = within(screen.getByRole('list')).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      '00:00–00:02 agent Positive (0.60) Thanks for calling.',
      '00:09–00:12 customer Negative (-0.50) This is broken again.',
    ]);
  });

  it('names the diarizer and single-speaker sources and drops the table for one speaker', () => {
    const { unmount } = render(<ConversationView conversation={{ ...conversation, source: 'diarizer' }} />);
    expect(screen.getByTestId('attribution').textContent).toBe('Speakers: diarizer');
    unmount();
    render(<ConversationView conversation={{ ...conversation, source: 'single', participants: [conversation.participants[0]!] }} />);
    expect(screen.getByTestId('attribution').textContent).toBe('Speakers: single speaker');
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByTestId('overlap')).toBeNull();
  });
});
