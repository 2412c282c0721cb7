import { UnrecoverableError } from 'bullmq';

/**
 * A failure that retrying cannot fix (corrupt audio, invalid payload). Thrown from a handler it is
 * converted to BullMQ's UnrecoverableError so the job fails at once with its reason recorded.
 */
export class PermanentJobError extends Error {
  constructor(
    message: string,
    readonly code: string = 'permanent',
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * A producer could not enqueue (Redis down or unreachable). Redis errors carry no type to map, so
 * the use case that enqueued names the failure, and `what` names the queue to the caller.
 */
export class QueueUnavailableError extends Error {
  constructor(
    readonly what: string,
    options?: ErrorOptions,
  ) {
    super(`${what} is unavailable`, options);
    this.name = 'QueueUnavailableError';
  }
}

export function toBullError(err: unknown): Error {
  if (err instanceof PermanentJobError) {
    const e = new UnrecoverableError(`${err.code}: ${err.message}`);
    return e;
  }
  return err instanceof Error ? err : new Error(String(err));
}
