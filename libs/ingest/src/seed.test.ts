import { normalizedMetricEventSchema } from '@voicepulse/contracts';
import { describe, expect, it } from 'vitest';
import { generateSeedEvents } from './seed';

describe('generateSeedEvents', () => {
  const opts = { users: 50, days: 10, events: 20_000, seed: 7, end: new Date('2026-06-01T00:00:00Z') };

  it('produces exactly the requested number of valid events, reproducibly', () => {
    const a = [...generateSeedEvents(opts, 3_000)].flat();
    const b = [...generateSeedEvents(opts, 7_000)].flat();
    expect(a).toHaveLength(20_000);
    expect(b.map((e) => e.eventId)).toEqual(a.map((e) => e.eventId));
    expect(new Set(a.map((e) => e.eventId)).size).toBe(20_000);
    for (const e of a.slice(0, 500)) expect(normalizedMetricEventSchema.safeParse(e).success).toBe(true);
    const first = Date.parse('2026-05-22T00:00:00Z') - 60_000;
    expect(
      a.every((e) => Date.parse(e.recordedAt) >= first && Date.parse(e.recordedAt) < opts.end.getTime()),
    ).toBe(true);
  });

  it('has log-normal talk time (mean well above median) and per-platform microphone usage', () => {
    const events = [...generateSeedEvents(opts)].flat();
    const talk = events.map((e) => e.talkedTimeMs).sort((x, y) => x - y);
    const median = talk[talk.length >> 1]!;
    const mean = talk.reduce((s, v) => s + v, 0) / talk.length;
    expect(mean / median).toBeGreaterThan(1.2);
    const micRate = (platform: string) => {
      const subset = events.filter((e) => e.platform === platform);
      return subset.filter((e) => e.microphoneUsed).length / subset.length;
    };
    expect(micRate('windows')).toBeGreaterThan(micRate('android'));
    expect(new Set(events.map((e) => e.sessionId)).size).toBeLessThan(events.length / 3);
  });
});
