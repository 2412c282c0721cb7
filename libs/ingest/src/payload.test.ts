import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonDepthScanner, PayloadError, readLimited } from './payload';

const depthOk = (text: string, max: number, lineDelimited = false) => {
  const scanner = new JsonDepthScanner(max, lineDelimited);
  // One byte at a time: state must carry across chunk boundaries.
  return [...Buffer.from(text)].every((b) => scanner.push(Buffer.from([b])));
};

describe('JsonDepthScanner', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(depthOk('{"events":[{"a":1}]}', 3)).toBe(true);
    expect(depthOk('{"events":[{"a":{}}]}', 3)).toBe(false);
    expect(depthOk('{"s":"[[[[{{{{\\"[[[["}', 1)).toBe(true);
    expect(depthOk('{"s":"\\\\"}[[', 1)).toBe(false);
    expect(depthOk('[1,[2],[3],{"x":[4]}]', 3)).toBe(true);
  });

  it('starts each NDJSON line at depth 0, but not pretty-printed JSON', () => {
    expect(depthOk('{"a":{"b":\n{"c":1}\n', 2, true)).toBe(true);
    expect(depthOk('{"a":{"b":\n{"c":1}\n', 2, false)).toBe(false);
  });
});

describe('readLimited', () => {
  it('refuses a deeply nested body as soon as the depth is exceeded', async () => {
    let pulled = 0;
    const body = new Readable({
      read() {
        pulled++;
        this.push(pulled > 5_000 ? null : Buffer.from('{"a":'.repeat(1_000)));
      },
    });
    const err = await readLimited(body, { limit: 50 * 1024 * 1024, maxDepth: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadError);
    expect(err).toMatchObject({ status: 400, code: 'json_too_deep' });
    expect(pulled).toBeLessThan(10);
  });

  it('still refuses oversized bodies with 413', async () => {
    const err = await readLimited(Readable.from([Buffer.alloc(2_000)]), { limit: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ status: 413, code: 'payload_too_large' });
  });
});
