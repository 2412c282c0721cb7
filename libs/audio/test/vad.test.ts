import { beforeAll, describe, expect, it } from 'vitest';
import { detectSpeech, mergeSegments, talkedTimeMs } from '../src/vad';
import { noise } from './signals';
import { speechClip, type SpeechClip } from './speech';

describe('detectSpeech', () => {
  let clip: SpeechClip;
  beforeAll(async () => {
    clip = await speechClip('Thanks for calling, I can certainly help you with your order today.', 2, 3);
  });

  it('measures talked time within 15% of the true speech span', async () => {
    const segments = await detectSpeech(clip.samples);
    const truth = clip.speechEndMs - clip.speechStartMs;
    const talked = talkedTimeMs(segments);
    expect(Math.abs(talked - truth) / truth).toBeLessThan(0.15);
    // Speech is found where it is, not in the padding.
    expect(segments[0]!.startMs).toBeGreaterThan(clip.speechStartMs - 200);
    expect(segments[segments.length - 1]!.endMs).toBeLessThan(clip.speechEndMs + 300);
  });

  it('finds nothing in digital silence', async () => {
    expect(await detectSpeech(new Float32Array(16_000 * 5))).toEqual([]);
  });

  it('stays quiet on low-level white noise in mode 3, without relying on the energy gate', async () => {
    const hiss = noise(16_000 * 10, 0.01, 5); // −40 dBFS, above the default gate
    const segments = await detectSpeech(hiss, { mode: 3, energyGateDbfs: -120 });
    expect(talkedTimeMs(segments)).toBeLessThan(0.05 * 10_000);
  });

  it('finds speech in noise at a moderate SNR', async () => {
    const hiss = noise(clip.samples.length, 0.005, 9); // −46 dBFS
    const noisy = clip.samples.map((v, i) => v + hiss[i]!);
    const talked = talkedTimeMs(await detectSpeech(noisy));
    const truth = clip.speechEndMs - clip.speechStartMs;
    expect(Math.abs(talked - truth) / truth).toBeLessThan(0.25);
  });
});

describe('segment helpers', () => {
  it('merges gaps shorter than the limit and sums talked time', () => {
    const merged = mergeSegments(
      [
        { startMs: 0, endMs: 100 },
        { startMs: 150, endMs: 300 },
        { startMs: 900, endMs: 1000 },
      ],
      200,
    );
    expect(merged).toEqual([
      { startMs: 0, endMs: 300 },
      { startMs: 900, endMs: 1000 },
    ]);
    expect(talkedTimeMs(merged)).toBe(400);
  });
});
