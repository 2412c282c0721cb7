import { HttpError } from './errors';

export interface StreamLimits {
  perUser: number;
  maxLifetimeMs: number;
}

/**
 * The open Server-Sent-Event streams of this process: at most `perUser` per user (one token
 * could otherwise hold every connection on uploads that never complete), each closed after
 * `maxLifetimeMs` (EventSource reconnects and gets the current state at once), and all of them
 * closed at shutdown, which would otherwise wait out its whole timeout for streams that never end.
 */
export class StreamRegistry {
  private readonly perUser = new Map<string, number>();
  private readonly open = new Set<() => void>();
  private closing = false;

  constructor(readonly limits: StreamLimits) {}

  get size(): number {
    return this.open.size;
  }

  /**
   * Registers a stream for `userId`, to be ended by `end`; throws 429 over the per-user cap and
   * 503 once shutting down. Returns the release to call when the stream has ended by itself.
   */
  admit(userId: string, end: () => void): () => void {
    if (this.closing)
      throw new HttpError(503, 'unavailable', 'shutting down', undefined, { 'Retry-After': '1' });
    const count = this.perUser.get(userId) ?? 0;
    if (count >= this.limits.perUser) {
      throw new HttpError(
        429,
        'too_many_streams',
        `at most ${this.limits.perUser} open status streams per user`,
        undefined,
        {
          'Retry-After': '5',
        },
      );
    }
    this.perUser.set(userId, count + 1);
    const timer = setTimeout(end, this.limits.maxLifetimeMs);
    timer.unref();
    this.open.add(end);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.open.delete(end);
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }

  /** Ends every stream and refuses new ones: the first step of a graceful shutdown. */
  closeAll(): void {
    this.closing = true;
    for (const end of [...this.open]) end();
  }
}
