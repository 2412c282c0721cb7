import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatcherClosedError, MicroBatcher } from './batcher';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A flush function whose calls the test completes by hand, recording what each call received. */
function manualFlush() {
  const calls: { items: number[]; done: ReturnType<typeof deferred> }[] = [];
  const flush = (items: number[]) => {
    const done = deferred();
    calls.push({ items: [...items], done });
    return done.promise;
  };
  return { calls, flush };
}

function settled(p: Promise<unknown>) {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  return () => state;
}

describe('MicroBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('flushes when maxItems are buffered, without waiting for the timer', async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 4, maxWaitMs: 10_000, maxPendingItems: 100, flush });
    const p1 = b.submit([1, 2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(0);
    const p2 = b.submit([3, 4]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3, 4]]);
    calls[0]!.done.resolve();
    await expect(Promise.all([p1, p2])).resolves.toBeDefined();
  });

  it('flushes a partial batch after maxWaitMs', async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 100, maxWaitMs: 200, maxPendingItems: 1000, flush });
    void b.submit([1]);
    await vi.advanceTimersByTimeAsync(199);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.items)).toEqual([[1]]);
  });

  it("settles each caller only after its own batch's flush, and rejects callers of a failed flush", async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 2, maxWaitMs: 50, maxPendingItems: 100, flush });
    const first = settled(b.submit([1, 2]));
    await vi.advanceTimersByTimeAsync(0);
    const second = b.submit([3, 4]);
    const secondState = settled(second);
    await vi.advanceTimersByTimeAsync(0);
    // One flush at a time: the second batch waits for the first to finish.
    expect(calls).toHaveLength(1);
    expect(first()).toBe('pending');
    calls[0]!.done.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(first()).toBe('resolved');
    expect(calls).toHaveLength(2);
    expect(secondState()).toBe('pending');
    calls[1]!.done.reject(new Error('db down'));
    await expect(second).rejects.toThrow('db down');
  });

  it('never splits one submission across flushes', async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 3, maxWaitMs: 50, maxPendingItems: 100, flush });
    void b.submit([1, 2]);
    void b.submit([3, 4]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    calls[0]!.done.resolve();
    await vi.advanceTimersByTimeAsync(50);
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('applies backpressure: submit waits while maxPendingItems are held', async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 2, maxWaitMs: 10, maxPendingItems: 4, flush });
    void b.submit([1, 2]);
    void b.submit([3, 4]);
    const third = b.submit([5]);
    const thirdState = settled(third);
    await vi.advanceTimersByTimeAsync(100);
    expect(b.pendingItems).toBe(4);
    expect(calls).toHaveLength(1);
    calls[0]!.done.resolve();
    await vi.advanceTimersByTimeAsync(0);
    // Room freed by the first flush admits the waiting submission.
    expect(b.pendingItems).toBe(3);
    calls[1]!.done.resolve();
    await vi.advanceTimersByTimeAsync(100);
    calls[2]!.done.resolve();
    await third;
    expect(thirdState()).toBe('resolved');
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('drain flushes at once; close rejects later submissions', async () => {
    const { calls, flush } = manualFlush();
    const b = new MicroBatcher<number>({ maxItems: 100, maxWaitMs: 60_000, maxPendingItems: 1000, flush });
    const p = b.submit([7]);
    const closing = b.close();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.items)).toEqual([[7]]);
    calls[0]!.done.resolve();
    await closing;
    await p;
    await expect(b.submit([8])).rejects.toBeInstanceOf(BatcherClosedError);
  });
});
