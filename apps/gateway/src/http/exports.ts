import type { Response } from 'express';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './errors';

/**
 * A non-blocking semaphore for CSV exports: each holds a pooled Postgres connection for as long as
 * its client takes to read, so only a few may run at once and the rest of the API keeps its pool.
 * Over the bound the client hears 503 + Retry-After at once rather than queueing behind them.
 */
export class ExportSlots {
  private used = 0;

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot until `res` closes; throws 503 when none is free. */
  acquireFor(res: Response): void {
    if (this.used >= this.max) {
      throw new HttpError(503, 'busy', 'too many exports are running; retry shortly', undefined, {
        'Retry-After': '10',
      });
    }
    this.used++;
    res.once('close', () => this.used--);
  }
}

/**
 * Streams `source` into `res`, cutting the response when the client has stopped reading for
 * `stallMs`: a slow reader makes progress and is fine, one that reads nothing would hold its
 * export slot and database connection for as long as it liked. `pipe` pauses the monitor
 * whenever `res` is full, and `res` drains when the client reads again.
 */
export async function streamUnlessStalled(source: Readable, res: Response, stallMs: number): Promise<void> {
  const monitor = new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  monitor.on('pause', () => {
    timer ??= setTimeout(() => res.destroy(new Error('export reader stalled')), stallMs);
  });
  res.on('drain', disarm);
  res.once('close', disarm);
  await pipeline(source, monitor, res);
}
