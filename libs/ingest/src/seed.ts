import { sentimentLabelOf, type NormalizedMetricEvent } from '@voicepulse/contracts';
import { contentUuid } from '@voicepulse/queues';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface SeedOptions {
  users: number;
  days: number;
  events: number;
  /** Same seed → same events (ids included), so re-running a seed never duplicates rows. */
  seed?: number;
  /** Events fall in the `days` before this instant. */
  end?: Date;
}

/** Seeded uniform [0, 1) numbers (pure-rand's xoroshiro128+): fast, and reproducible across runs. */
function rng(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

interface SyntheticDevice {
  id: string;
  platform: string;
  appVersion: string;
  micProbability: number;
  speakerProbability: number;
}

interface SyntheticUser {
  id: string;
  timezone: string;
  devices: SyntheticDevice[];
  /** Per-day sentiment baseline: a random walk, so a user's mood drifts rather than jumps. */
  moodByDay: number[];
  /** Median talk time of this user's reports (log-normal around it). */
  talkMedianMs: number;
}

const PLATFORMS = [
  // Desktop apps almost always use the microphone and rarely the loudspeaker (headsets); phones vary more.
  { platform: 'windows', mic: 0.97, speaker: 0.25 },
  { platform: 'macos', mic: 0.96, speaker: 0.3 },
  { platform: 'ios', mic: 0.85, speaker: 0.55 },
  { platform: 'android', mic: 0.83, speaker: 0.6 },
];
const TIMEZONES = [
  'Europe/Paris',
  'America/New_York',
  'Asia/Tokyo',
  'Europe/London',
  'America/Sao_Paulo',
  'Australia/Sydney',
];

function makeUsers(opts: Required<Omit<SeedOptions, 'end'>>, rand: () => number): SyntheticUser[] {
  return Array.from({ length: opts.users }, (_, u) => {
    const deviceCount = 1 + Math.floor(rand() * 3);
    const devices = Array.from({ length: deviceCount }, (_, d) => {
      const p = PLATFORMS[Math.floor(rand() * PLATFORMS.length)]!;
      return {
        id: `${p.platform}-${u}-${d}`,
        platform: p.platform,
        appVersion: `3.${Math.floor(rand() * 5)}.${Math.floor(rand() * 10)}`,
        micProbability: clamp(p.mic + gaussian(rand) * 0.03, 0, 1),
        speakerProbability: clamp(p.speaker + gaussian(rand) * 0.1, 0, 1),
      };
    });
    let mood = clamp(0.1 + gaussian(rand) * 0.3, -0.9, 0.9);
    const moodByDay = Array.from(
      { length: opts.days },
      () => (mood = clamp(mood + gaussian(rand) * 0.08, -0.95, 0.95)),
    );
    return {
      id: `seed-user-${u}`,
      timezone: TIMEZONES[Math.floor(rand() * TIMEZONES.length)]!,
      devices,
      moodByDay,
      talkMedianMs: Math.exp(Math.log(90_000) + gaussian(rand) * 0.5),
    };
  });
}

/**
 * Synthetic client metrics in batches: sessions of a few to a few dozen reports, talk time
 * log-normal per user, sentiment drifting per user around a daily baseline, microphone and speaker
 * usage drawn per device. Exactly `events` events, ids deterministic from the seed.
 */
export function* generateSeedEvents(
  options: SeedOptions,
  batchSize = 5_000,
): Generator<NormalizedMetricEvent[]> {
  const opts = { seed: 42, ...options };
  const rand = rng(opts.seed);
  const users = makeUsers({ users: opts.users, days: opts.days, events: opts.events, seed: opts.seed }, rand);
  const end = (opts.end ?? new Date()).getTime() - 60_000;
  const start = end - opts.days * 86_400_000;
  let batch: NormalizedMetricEvent[] = [];
  let produced = 0;
  let sessionNo = 0;
  while (produced < opts.events) {
    const user = users[Math.floor(rand() * users.length)]!;
    const device = user.devices[Math.floor(rand() * user.devices.length)]!;
    const sessionId = contentUuid('voicepulse.seed-session.v1', [opts.seed, sessionNo++]);
    const length = Math.min(opts.events - produced, 1 + Math.floor(-Math.log(1 - rand()) * 12));
    let at = start + rand() * (end - start - 3_600_000);
    for (let i = 0; i < length; i++) {
      at += 5_000 + rand() * 60_000;
      const day = clamp(Math.floor((at - start) / 86_400_000), 0, opts.days - 1);
      const voiceSentiment =
        Math.round(clamp(user.moodByDay[day]! + gaussian(rand) * 0.25, -1, 1) * 1000) / 1000;
      batch.push({
        eventId: contentUuid('voicepulse.seed-event.v1', [opts.seed, produced]),
        userId: user.id,
        sessionId,
        deviceId: device.id,
        talkedTimeMs: Math.round(clamp(user.talkMedianMs * Math.exp(gaussian(rand) * 0.9), 0, 86_400_000)),
        microphoneUsed: rand() < device.micProbability,
        speakerUsed: rand() < device.speakerProbability,
        voiceSentiment,
        voiceSentimentLabel: sentimentLabelOf(voiceSentiment),
        recordedAt: new Date(Math.min(at, end)).toISOString(),
        timezone: user.timezone,
        platform: device.platform,
        appVersion: device.appVersion,
        source: 'api',
        recordingId: null,
        participant: null,
        counterpart: false,
      });
      produced++;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
