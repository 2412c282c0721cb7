import { legacyMetricEventExample, metricEventExample } from '@voicepulse/contracts';
import { describe, expect, it } from 'vitest';
import { hasLegacySessionIds } from './event-id';
import { normalizeEvent, normalizeEvents, type NormalizeContext } from './normalize';
import { parseIngestBody, PayloadError } from './payload';

const now = new Date('2026-06-01T12:00:00Z');
const ctx: NormalizeContext = {
  now,
  retentionDays: 400,
  resolveUser: (requested) =>
    requested === undefined || requested === 'me' || requested === '1'
      ? { userId: requested ?? 'me' }
      : { error: 'not allowed' },
  sessionScope: { tenant: 'me', key: 'k'.repeat(32) },
};

const valid = metricEventExample;

describe('normalizeEvent', () => {
  it('resolves the documented shape, defaulting the user to the caller', () => {
    const out = normalizeEvent(valid, ctx);
    expect(out).toEqual({
      ok: true,
      event: expect.objectContaining({
        userId: 'me',
        recordedAt: '2026-06-01T11:00:00.000Z',
        voiceSentiment: 1,
        voiceSentimentLabel: 'positive',
        source: 'api',
        timezone: null,
      }),
    });
  });

  it('caps the errors reported for one event', () => {
    const junk = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, i]));
    const out = normalizeEvent({ ...valid, ...junk }, ctx);
    expect(out.ok).toBe(false);
    const errors = (out as { errors: { path: string; message: string }[] }).errors;
    expect(errors).toHaveLength(21);
    expect(errors[20]).toEqual({ path: '', message: 'and 9980 more errors in this event' });
  });

  it('rejects unknown fields, another user, and times outside the window with a path each', () => {
    expect(normalizeEvent({ ...valid, colour: 'red' }, ctx)).toEqual({
      ok: false,
      errors: [{ path: 'colour', message: 'unknown field' }],
    });
    expect(normalizeEvent({ ...valid, userId: 'someone-else' }, ctx)).toEqual({
      ok: false,
      errors: [{ path: 'userId', message: 'not allowed' }],
    });
    const future = normalizeEvent({ ...valid, recordedAt: '2026-06-01T12:06:00Z' }, ctx);
    expect(future).toMatchObject({
      ok: false,
      errors: [{ path: 'recordedAt', message: expect.stringMatching(/future/) }],
    });
    const old = normalizeEvent({ ...valid, recordedAt: '2025-01-01T00:00:00Z' }, ctx);
    expect(old).toMatchObject({
      ok: false,
      errors: [{ path: 'recordedAt', message: expect.stringMatching(/retention/) }],
    });
  });

  it('stores every time in toISOString form, whatever form the client sent', () => {
    const at = (recordedAt: string) => {
      const out = normalizeEvent({ ...valid, recordedAt }, ctx);
      if (!out.ok) throw new Error(`expected ${recordedAt} to be valid`);
      return out.event.recordedAt;
    };
    expect(at('2026-06-01T11:00:00.000Z')).toBe('2026-06-01T11:00:00.000Z');
    expect(at('2026-06-01T11:00:00Z')).toBe('2026-06-01T11:00:00.000Z');
    expect(at('2026-06-01T11:00:00.1Z')).toBe('2026-06-01T11:00:00.100Z');
    expect(at('2026-06-01T11:00:00.123456Z')).toBe('2026-06-01T11:00:00.123Z');
    expect(at('2026-06-01T13:00:00.000+02:00')).toBe('2026-06-01T11:00:00.000Z');
  });

  it('maps the legacy shape: seconds, epoch seconds, integer ids, and a content-derived event id', () => {
    const legacy = legacyMetricEventExample;
    const a = normalizeEvent(legacy, ctx);
    const b = normalizeEvent({ ...legacy }, ctx);
    const c = normalizeEvent({ ...legacy, talked_time: 121 }, ctx);
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid legacy events');
    expect(a.event).toMatchObject({
      userId: '1',
      talkedTimeMs: 120_000,
      recordedAt: '2026-06-01T12:00:00.000Z',
      deviceId: null,
    });
    expect(a.event.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.event.eventId).toBe(a.event.eventId);
    expect(c.event.eventId).not.toBe(a.event.eventId);
    // Session "1" is one session within a tenant, and another tenant's "1" is a different one.
    expect(a.event.sessionId).toBe(c.event.sessionId);
    const elsewhere = normalizeEvent(legacy, {
      ...ctx,
      sessionScope: { ...ctx.sessionScope, tenant: 'other' },
    });
    const rekeyed = normalizeEvent(legacy, {
      ...ctx,
      sessionScope: { ...ctx.sessionScope, key: 'x'.repeat(32) },
    });
    if (!elsewhere.ok || !rekeyed.ok) throw new Error('expected valid legacy events');
    expect(elsewhere.event.sessionId).not.toBe(a.event.sessionId);
    expect(rekeyed.event.sessionId).not.toBe(a.event.sessionId);
  });

  it('reports each rejected event by index and keeps the valid ones in order', () => {
    const out = normalizeEvents(
      [
        valid,
        { ...valid, talkedTimeMs: -1 },
        'nope',
        { ...valid, eventId: '00000000-0000-4000-8000-000000000001' },
      ],
      ctx,
    );
    expect(out.events.map((e) => e.eventId)).toEqual([valid.eventId, '00000000-0000-4000-8000-000000000001']);
    expect(out.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(out.rejected[0]!.errors[0]!.path).toBe('talkedTimeMs');
  });
});

describe('parseIngestBody', () => {
  it('accepts one event or an envelope, and NDJSON with a malformed line rejected on its own', () => {
    expect(parseIngestBody('json', JSON.stringify(valid)).raws).toHaveLength(1);
    expect(parseIngestBody('json', JSON.stringify({ events: [valid, valid] })).raws).toHaveLength(2);
    const nd = parseIngestBody('ndjson', `${JSON.stringify(valid)}\n{oops\n\n${JSON.stringify(valid)}\n`);
    expect(nd.raws).toHaveLength(3);
    expect(nd.lineErrors).toEqual([
      { index: 1, errors: [{ path: '', message: expect.stringMatching(/^invalid JSON/) }] },
    ]);
  });

  it('refuses more than 5,000 events and bodies that are not JSON', () => {
    const many = JSON.stringify({ events: Array.from({ length: 5001 }, () => valid) });
    expect(() => parseIngestBody('json', many)).toThrow(PayloadError);
    expect(() => parseIngestBody('json', '{')).toThrow(/not valid JSON/);
  });
});

describe('time zones', () => {
  it('rejects a zone that is not IANA, in either shape, and accepts a real one', () => {
    expect(normalizeEvent({ ...valid, timezone: 'Mars/Olympus' }, ctx)).toEqual({
      ok: false,
      errors: [{ path: 'timezone', message: 'must be an IANA time zone' }],
    });
    expect(normalizeEvent({ ...valid, timezone: 'Asia/Kolkata' }, ctx)).toMatchObject({
      ok: true,
      event: { timezone: 'Asia/Kolkata' },
    });
    const legacy = {
      user_id: 1,
      talked_time: 1,
      microphone_used: true,
      speaker_used: false,
      voice_sentiment: 0,
      timestamp: 1780315200,
    };
    expect(normalizeEvent({ ...legacy, timezone: 'Nowhere/Land' }, ctx)).toMatchObject({
      ok: false,
      errors: [{ path: 'timezone' }],
    });
  });
});

describe('hasLegacySessionIds', () => {
  it('is true only when a legacy event carries a non-uuid session id (the key is then needed)', () => {
    expect(hasLegacySessionIds([{ sessionId: 'x' }, { session_id: valid.sessionId }, null, 'junk'])).toBe(
      false,
    );
    expect(hasLegacySessionIds([{ session_id: valid.sessionId }, { session_id: 42 }])).toBe(true);
    expect(hasLegacySessionIds([{ session_id: 'room-7' }])).toBe(true);
  });
});
