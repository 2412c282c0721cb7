import { Readable } from 'node:stream';

/**
 * Reads the first `n` bytes of a stream (fewer if it ends first) and returns them together with a
 * stream that replays them followed by the rest — so magic bytes can be sniffed before anything is
 * stored, without buffering the body.
 */
export async function peekHead(source: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  while (size < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  const buffered = Buffer.concat(chunks);
  async function* replay() {
    if (buffered.length) yield buffered;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head: buffered.subarray(0, n), stream: Readable.from(replay(), { objectMode: false }) };
}
