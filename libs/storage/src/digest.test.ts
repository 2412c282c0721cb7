import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { digestUpload } from './digest';
import { TooLargeError } from './errors';

const drain = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

describe('digestUpload', () => {
  it('hashes and counts what flows to the sink', async () => {
    const parts = [Buffer.from('hello '), Buffer.from('world')];
    const out = await digestUpload(Readable.from(parts), undefined, (s) => pipeline(s, drain()));
    expect(out.sizeBytes).toBe(11);
    expect(out.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
  });

  it('treats a Buffer as one chunk, not a byte stream', async () => {
    let writes = 0;
    const sink = new Writable({
      write(_c, _e, cb) {
        writes++;
        cb();
      },
    });
    await digestUpload(Buffer.alloc(1000), undefined, (s) => pipeline(s, sink));
    expect(writes).toBe(1);
  });

  it('fails with TooLarge (not the sink error it causes) and stops the sink', async () => {
    let received = 0;
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        received += chunk.length;
        cb();
      },
    });
    const body = Readable.from(Array.from({ length: 100 }, () => Buffer.alloc(1024)));
    await expect(digestUpload(body, 10 * 1024, (s) => pipeline(s, sink))).rejects.toBeInstanceOf(
      TooLargeError,
    );
    expect(received).toBeLessThanOrEqual(10 * 1024);
  });

  it('reports a sink failure as itself and does not hang the source', async () => {
    const boom = new Error('backend down');
    const body = Readable.from(Array.from({ length: 1000 }, () => Buffer.alloc(1024)));
    await expect(digestUpload(body, undefined, async () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('reports a source failure as itself', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('client disconnected'));
      },
    });
    await expect(digestUpload(broken, undefined, (s) => pipeline(s, drain()))).rejects.toThrow(
      'client disconnected',
    );
  });
});
