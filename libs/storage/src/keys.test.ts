import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from './errors';
import { assertValidKey, assertValidPrefix, encodeKeySegment, isValidKey } from './keys';

describe('key validation', () => {
  it('accepts ordinary object keys', () => {
    for (const key of [
      'a',
      'recordings/2024/06/abc.wav',
      "odd!-_.*'()=+,@chars",
      'dots.in.names/..hidden-ish',
      'x'.repeat(250),
    ]) {
      expect(isValidKey(key), key).toBe(true);
    }
  });

  it.each([
    ['', 'must not be empty'],
    ['/lead', 'must not start with "/"'],
    ['trail/', 'must not end with "/"'],
    ['a//b', 'empty path segment'],
    ['a/./b', '"." segment'],
    ['..', '".." segment'],
    ['a/../b', '".." segment'],
    ['a\\b', 'backslash'],
    ['a\0b', 'NUL'],
    ['%2e%2e', 'characters outside'],
    ['ünïcode', 'characters outside'],
    ['new\nline', 'characters outside'],
    ['x'.repeat(251), 'segment longer than 250'],
    [Array.from({ length: 5 }, () => 'y'.repeat(250)).join('/'), 'longer than 1024 bytes'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(() => assertValidKey(key)).toThrow(InvalidKeyError);
    expect(() => assertValidKey(key)).toThrow(reason);
  });

  it('allows empty and slash-terminated prefixes but not traversal', () => {
    expect(() => assertValidPrefix('')).not.toThrow();
    expect(() => assertValidPrefix('rec/')).not.toThrow();
    expect(() => assertValidPrefix('rec/2024-')).not.toThrow();
    expect(() => assertValidPrefix('../')).toThrow(InvalidKeyError);
    expect(() => assertValidPrefix('/rec')).toThrow(InvalidKeyError);
  });
});

describe('encodeKeySegment', () => {
  it('keeps safe strings verbatim and encodes the rest injectively into one valid segment', () => {
    const inputs = [
      'alice',
      'a@b.c',
      'a:b',
      'a%2Fb',
      'a/b',
      '.',
      '..',
      '...',
      '=x',
      '=YQ',
      'a',
      'ü',
      'a b',
      '\0',
    ];
    const out = inputs.map(encodeKeySegment);
    for (const [i, seg] of out.entries()) {
      expect(isValidKey(seg), inputs[i]).toBe(true);
      expect(seg.includes('/'), inputs[i]).toBe(false);
    }
    expect(new Set(out).size).toBe(inputs.length);
    expect(out.slice(0, 2)).toEqual(['alice', 'a@b.c']);
    expect(encodeKeySegment('a:b')).toBe('=' + Buffer.from('a:b').toString('base64url'));
  });

  it('refuses what cannot fit in one segment', () => {
    expect(() => encodeKeySegment(':'.repeat(200))).toThrow(InvalidKeyError);
  });
});
