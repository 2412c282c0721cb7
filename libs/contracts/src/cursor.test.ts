import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor';

describe('keyset cursor codec', () => {
  it('round-trips a position exactly, microseconds included', () => {
    const p = { at: '2026-01-02T03:04:05.678901Z', id: randomUUID() };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
    const whole = { at: '2026-01-02T03:04:05Z', id: randomUUID() };
    expect(decodeCursor(encodeCursor(whole))).toEqual(whole);
  });

  it('is URL-safe without escaping', () => {
    const c = encodeCursor({ at: '2026-12-31T23:59:59.999999Z', id: randomUUID() });
    expect(encodeURIComponent(c)).toBe(c);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c=='],
    ['not JSON', Buffer.from('2026-01-02|x').toString('base64url')],
    ['the old recordings format', Buffer.from(`2026-01-02T03:04:05.678Z|${randomUUID()}`).toString('base64url')],
    ['an object', Buffer.from(JSON.stringify({ at: '2026-01-02T03:04:05Z', id: randomUUID() })).toString('base64url')],
    ['three items', Buffer.from(JSON.stringify(['2026-01-02T03:04:05Z', randomUUID(), 1])).toString('base64url')],
    ['a date without zone', Buffer.from(JSON.stringify(['2026-01-02T03:04:05', randomUUID()])).toString('base64url')],
    ['an impossible date', Buffer.from(JSON.stringify(['2026-13-45T03:04:05Z', randomUUID()])).toString('base64url')],
    ['nanoseconds', Buffer.from(JSON.stringify(['2026-01-02T03:04:05.123456789Z', randomUUID()])).toString('base64url')],
    ['a non-uuid id', Buffer.from(JSON.stringify(['2026-01-02T03:04:05Z', 'x'.repeat(36)])).toString('base64url')],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s with InvalidCursorError', (_what, raw) => {
    expect(() => decodeCursor(raw)).toThrow(InvalidCursorError);
  });

  it('refuses a cursor with a flipped character', () => {
    const c = encodeCursor({ at: '2026-01-02T03:04:05.678901Z', id: randomUUID() });
    // The first character carries the opening `["`: any change breaks the JSON.
    const tampered = (c[0] === 'W' ? 'X' : 'W') + c.slice(1);
    expect(() => decodeCursor(tampered)).toThrow(InvalidCursorError);
  });
});
