export interface MicroBatcherOptions<T> {
  /** Flush as soon as this many items are buffered. */
  maxItems: number;
  /** Flush when the oldest buffered item has waited this long, however few items there are. */
  maxWaitMs: number;
  /**
   * Backpressure bound on items held in memory (buffered + being flushed): `submit` waits for room
   * beyond it, so a slow database slows intake instead of growing the heap.
   */
  maxPendingItems: number;
  /** Flushes run one at a time by default: one transaction at a time keeps lock order trivial. */
  maxConcurrentFlushes?: number;
  flush(items: T[]): Promise<void>;
}

export class BatcherClosedError extends Error {
  constructor() {
    super('micro-batcher is closed');
    this.name = 'BatcherClosedError';
  }
}

interface Entry<T> {
  items: T[];
  at: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Merges many small submissions into few large flushes. Each `submit` promise settles with the
 * outcome of the flush that contained its items — resolving only after that flush succeeded — so
 * a queue job built on it completes only once its rows are committed, and fails (to be retried)
 * when its flush failed. A submission is never split across flushes.
 */
export class MicroBatcher<T> {
  private buffer: Entry<T>[] = [];
  private bufferedItems = 0;
  private inFlightItems = 0;
  private activeFlushes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private draining = 0;
  private readonly waiters: { size: number; go(): void }[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly maxConcurrent: number;

  constructor(private readonly opts: MicroBatcherOptions<T>) {
    if (opts.maxItems < 1 || opts.maxPendingItems < opts.maxItems) {
      throw new RangeError('need maxItems >= 1 and maxPendingItems >= maxItems');
    }
    this.maxConcurrent = opts.maxConcurrentFlushes ?? 1;
  }

  get pendingItems(): number {
    return this.bufferedItems + this.inFlightItems;
  }

  submit(items: T[]): Promise<void> {
    if (this.closed) return Promise.reject(new BatcherClosedError());
    if (!items.length) return Promise.resolve();
    // Enqueue synchronously when there is room, so submit-then-close keeps the submission.
    if (!this.waiters.length && this.fits(items.length)) return this.enqueue(items);
    return new Promise<void>((go) => this.waiters.push({ size: items.length, go })).then(() =>
      this.closed ? Promise.reject(new BatcherClosedError()) : this.enqueue(items),
    );
  }

  private enqueue(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.buffer.push({ items, at: Date.now(), resolve, reject });
      this.bufferedItems += items.length;
      this.schedule();
    });
  }

  /** An oversized submission is admitted when nothing else is pending, otherwise it would wait forever. */
  private fits(size: number): boolean {
    return this.pendingItems === 0 || this.pendingItems + size <= this.opts.maxPendingItems;
  }

  /** Flushes everything buffered now (ignoring the timer) and waits until nothing is pending. */
  async drain(): Promise<void> {
    this.draining += 1;
    try {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      this.schedule();
      await idle;
    } finally {
      this.draining -= 1;
    }
  }

  /** Stops intake (new submissions reject), then flushes what is buffered. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.go();
    await this.drain();
  }

  private releaseWaiters(): void {
    // FIFO: a large waiting submission is not starved by small ones arriving after it.
    let projected = this.pendingItems;
    while (this.waiters.length) {
      const next = this.waiters[0]!;
      if (projected !== 0 && projected + next.size > this.opts.maxPendingItems) break;
      this.waiters.shift();
      projected += next.size;
      next.go();
    }
  }

  private schedule(): void {
    while (this.buffer.length && this.activeFlushes < this.maxConcurrent) {
      const due =
        this.draining > 0 ||
        this.closed ||
        this.bufferedItems >= this.opts.maxItems ||
        Date.now() - this.buffer[0]!.at >= this.opts.maxWaitMs;
      if (!due) break;
      this.startFlush();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length && this.activeFlushes < this.maxConcurrent) {
      const wait = Math.max(0, this.buffer[0]!.at + this.opts.maxWaitMs - Date.now());
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
    }
    if (!this.pendingItems) for (const idle of this.idleWaiters.splice(0)) idle();
  }

  private startFlush(): void {
    const taken: Entry<T>[] = [];
    let count = 0;
    while (
      this.buffer.length &&
      (count === 0 || count + this.buffer[0]!.items.length <= this.opts.maxItems)
    ) {
      const entry = this.buffer.shift()!;
      taken.push(entry);
      count += entry.items.length;
    }
    this.bufferedItems -= count;
    this.inFlightItems += count;
    this.activeFlushes += 1;
    const items = taken.length === 1 ? taken[0]!.items : taken.flatMap((e) => e.items);
    void this.opts.flush(items).then(
      () => this.finish(taken, count, undefined),
      (err: unknown) => this.finish(taken, count, err ?? new Error('flush failed')),
    );
  }

  private finish(taken: Entry<T>[], count: number, err: unknown): void {
    this.inFlightItems -= count;
    this.activeFlushes -= 1;
    for (const e of taken) {
      if (err === undefined) e.resolve();
      else e.reject(err);
    }
    this.releaseWaiters();
    this.schedule();
  }
}
