import { createHash } from 'node:crypto';
import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { jobIds, QueueUnavailableError, type Producer } from '@voicepulse/queues';
import { hasLegacySessionIds } from './event-id';
import { normalizeEvent, type NormalizeContext, type RejectedEvent } from './normalize';
import { parseIngestBody, type BodyKind } from './payload';
import type { SessionPrincipal, SessionsRepository } from './sessions';

/** Every event of the request was rejected: nothing was enqueued, `rejected` says why, by index. */
export class EventsRejectedError extends Error {
  constructor(readonly rejected: RejectedEvent[]) {
    super('every event was rejected');
    this.name = 'EventsRejectedError';
  }
}

/**
 * Events name sessions their user was not admitted to: nothing was enqueued. Unlike a write to one
 * session (SessionAccessError), the sender cannot tell which of its sessions failed, so it is told.
 */
export class SessionWritesRefusedError extends Error {
  constructor(readonly sessionIds: string[]) {
    super(`not a member of session ${sessionIds.join(', ')}`);
    this.name = 'SessionWritesRefusedError';
  }
}

export interface MetricsIntakeDeps {
  /** The admission rule (see admitSessionWrites): admits what it may, returns the sessions it refused. */
  sessions: Pick<SessionsRepository, 'admitWrites'>;
  metrics: Pick<Producer<'metrics'>, 'addBulk'>;
  /** Events older than this are refused at the door: their partitions are dropped anyway. */
  retentionDays: number;
  /** The installation's key for legacy (integer) session ids (see legacySessionKey). */
  legacySessionKey: () => Promise<string>;
}

export interface IntakeRequest {
  kind: BodyKind;
  body: Buffer | string;
  principal: SessionPrincipal;
  resolveUser: NormalizeContext['resolveUser'];
  /** Carried by the job to the writer's logs; the batch's digest when the caller has none. */
  correlationId?: string;
}

export interface IntakeResult {
  accepted: number;
  rejected: RejectedEvent[];
}

/**
 * Taking a batch of metric events in: each is normalised (a bad one rejects only itself), the
 * sessions they name are admitted, and the accepted events go to the queue as one job whose id is
 * derived from the events, so a retried request is deduplicated by the queue (and by the event ids
 * in Postgres in any case). Resolves once the job is in Redis.
 */
export class MetricsIntake {
  constructor(private readonly deps: MetricsIntakeDeps) {}

  async accept(req: IntakeRequest): Promise<IntakeResult> {
    const parsed = parseIngestBody(req.kind, req.body);
    const ctx: NormalizeContext = {
      now: new Date(),
      retentionDays: this.deps.retentionDays,
      // Legacy session numbers are the sender's own: scoped to it, keyed so they stay opaque.
      sessionScope: {
        tenant: req.principal.id,
        ...(hasLegacySessionIds(parsed.raws) && { key: await this.deps.legacySessionKey() }),
      },
      resolveUser: req.resolveUser,
    };
    const lineErrors = new Map(parsed.lineErrors.map((e) => [e.index, e]));
    const events: NormalizedMetricEvent[] = [];
    const rejected: RejectedEvent[] = [];
    parsed.raws.forEach((raw, index) => {
      const lineError = lineErrors.get(index);
      if (lineError) return void rejected.push(lineError);
      const outcome = normalizeEvent(raw, ctx);
      if (outcome.ok) events.push(outcome.event);
      else rejected.push({ index, errors: outcome.errors });
    });
    if (!events.length) throw new EventsRejectedError(rejected);
    // Before acknowledging: every session named must be one the event's user was admitted to.
    const writes = events.flatMap((e) =>
      e.sessionId ? [{ sessionId: e.sessionId, userId: e.userId, at: e.recordedAt }] : [],
    );
    const refused = await this.deps.sessions.admitWrites(req.principal, writes);
    if (refused.length) throw new SessionWritesRefusedError(refused);
    const digest = createHash('sha256')
      .update(events.map((e) => e.eventId).join(','))
      .digest('hex')
      .slice(0, 32);
    try {
      await this.deps.metrics.addBulk([
        {
          payload: { events, correlationId: req.correlationId ?? digest },
          jobId: jobIds.metricsBatch(digest),
        },
      ]);
    } catch (err) {
      // A retry is safe: the job id is derived from the events.
      throw new QueueUnavailableError('the ingestion queue', { cause: err });
    }
    return { accepted: events.length, rejected };
  }
}
