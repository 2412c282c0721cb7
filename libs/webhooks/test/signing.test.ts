import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_S, generateWebhookSecret, signWebhook, verifyWebhookSignature } from '../src';

const secret = generateWebhookSecret();
const body = JSON.stringify({
  recordingId: '0b5f1c1e-8c1a-4c7e-9d53-3f1f2a9d6b10',
  status: 'scored',
  eventId: '6d1e0f3a-1b2c-8d4e-9f60-718293a4b5c6',
  occurredAt: '2026-12-02T04:00:00.000Z',
});
const sentAt = new Date('2026-12-02T04:00:00Z');
const t = Math.floor(sentAt.getTime() / 1000);

describe('webhook signatures', () => {
  it('a genuine delivery verifies, within the replay window either side', () => {
    const header = signWebhook(secret, body, t);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, sentAt)).toEqual({ ok: true, timestamp: t });
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), new Date((t + REPLAY_WINDOW_S) * 1000)).ok).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, new Date((t - REPLAY_WINDOW_S) * 1000)).ok).toBe(true);
  });

  it('a forged body, signature, timestamp or secret fails as bad_signature', () => {
    const header = signWebhook(secret, body, t);
    const bad = { ok: false, reason: 'bad_signature' };
    expect(verifyWebhookSignature(secret, header, body.replace('scored', 'failed'), sentAt)).toEqual(bad);
    expect(verifyWebhookSignature(generateWebhookSecret(), header, body, sentAt)).toEqual(bad);
    // A fresh timestamp pasted onto an old signature: the MAC covers the timestamp.
    expect(verifyWebhookSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, sentAt)).toEqual(bad);
    const flipped = header.replace(/v1=(.)/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`);
    expect(verifyWebhookSignature(secret, flipped, body, sentAt)).toEqual(bad);
  });

  it('a genuine delivery replayed after the window fails as outside_replay_window', () => {
    const header = signWebhook(secret, body, t);
    const later = new Date((t + REPLAY_WINDOW_S + 1) * 1000);
    expect(verifyWebhookSignature(secret, header, body, later)).toEqual({ ok: false, reason: 'outside_replay_window' });
    const early = new Date((t - REPLAY_WINDOW_S - 1) * 1000);
    expect(verifyWebhookSignature(secret, header, body, early)).toEqual({ ok: false, reason: 'outside_replay_window' });
  });

  it('a missing or malformed header fails as malformed', () => {
    for (const header of [undefined, '', 'v1=abc', `t=${t}`, `t=soon,v1=${'0'.repeat(64)}`, `t=${t},v1=xyz`])
      expect(verifyWebhookSignature(secret, header, body, sentAt)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts any matching v1 among several', () => {
    const good = signWebhook(secret, body, t).split(',')[1]!;
    const header = `t=${t},v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(secret, header, body, sentAt).ok).toBe(true);
  });

  it('generates distinct, long secrets', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(generateWebhookSecret());
  });
});
