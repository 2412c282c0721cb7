import { Readable } from 'node:stream';

export interface PeekedStream {
  head: Buffer;
  /** The head followed by the rest of the source. */
  stream: Readable;
  /**
   * Gives up on the body: lets the source flow into nothing. A source that is being iterated
   * ignores `resume()`, so without this a refused multipart file part was never drained and
   * the parser — and the request — waited forever. Idempotent.
   */
  discard(): void;
}

/**
 * Reads the first `n` bytes of a stream (fewer if it ends first) and returns them together with a
 * stream that replays them followed by the rest — so magic bytes can be sniffed before anything is
 * stored, without buffering the body.
 */
export async function peekHead(source: Readable, n: number): Promise<PeekedStream> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed on return: the caller decides between reading on and discarding the rest.
  const iterator = source.iterator({ destroyOnReturn: false });
  let done = false;
  while (size < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
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
  const stream = Readable.from(replay(), { objectMode: false });
  let discarded = false;
  return {
    head: buffered.subarray(0, n),
    stream,
    discard() {
      if (discarded) return;
      discarded = true;
      stream.destroy();
      void iterator.return?.().finally(() => source.resume());
    },
  };
}
