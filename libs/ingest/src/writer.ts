import type { NormalizedMetricEvent } from '@voicepulse/contracts';
import { isTransientDbError } from '@voicepulse/db';
import type { Logger } from '@voicepulse/logger';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { copyChunks } from './copy-text';
import { ensureMonthPartitions, monthOf } from './partitions';
import {
  COPY_STAGE,
  CREATE_STAGE,
  INSERT_EVENTS,
  INSERT_FAILURES,
  UPSERT_DIMENSIONS,
  UPSERT_ROLLUPS,
} from './writer-sql';

const DAY_MS = 86_400_000;

/**
 * A unique violation on metric_events: another writer committed one of our new events first. The
 * insert's ON CONFLICT DO NOTHING makes this unexpected; should it happen, retrying the batch is right.
 */
export class ConcurrentInsertError extends Error {
  readonly retryable = true;
  constructor(override readonly cause: unknown) {
    super('a concurrent writer stored some of these events first; retry the batch');
    this.name = 'ConcurrentInsertError';
  }
}

function isConcurrentDuplicate(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (e.constraint ?? '').startsWith('metric_events_');
}

/** Postgres text and jsonb cannot hold NUL: the failure record must store even the event that had one. */
function stripNul(s: string): string {
  return s.replace(/\u0000/g, '\ufffd');
}

/**
 * In-batch duplicates (a retried request merged with its original) are dropped before COPY. The key
 * is (userId, eventId, recordedAt), like the table's: ids are client-chosen, so another user's id
 * must never drop yours. Keyed by id alone first, because building a composite string per event
 * showed in profiles and the same id twice with a different user or instant is rare.
 */
function dropBatchDuplicates(events: NormalizedMetricEvent[]): NormalizedMetricEvent[] {
  const first = new Map<string, NormalizedMetricEvent>();
  let others: Set<string> | undefined;
  return events.filter((e) => {
    const seen = first.get(e.eventId);
    if (seen === undefined) {
      first.set(e.eventId, e);
      return true;
    }
    if (seen.recordedAt === e.recordedAt && seen.userId === e.userId) return false;
    others ??= new Set();
    const key = `${e.eventId}|${e.recordedAt}|${e.userId}`;
    if (others.has(key)) return false;
    others.add(key);
    return true;
  });
}

export interface WriteResult {
  /** New rows in metric_events. */
  inserted: number;
  /** Events already stored (retries, duplicates within the batch). */
  duplicates: number;
  /** Events recorded in metric_event_failures instead of being stored. */
  failed: number;
}

export interface FailedEvent {
  event: NormalizedMetricEvent;
  reason: string;
}

export interface MetricsWriterOptions {
  retentionDays: number;
  logger?: Logger;
  now?: () => Date;
}

/**
 * Writes batches of metric events: COPY into a per-connection staging table, an insert with
 * ON CONFLICT DO NOTHING that keeps exactly the new rows aside, then bulk upserts of
 * users/devices/sessions and of the rollups fed by the new rows — all in one transaction. Transient database errors are
 * thrown (the caller retries the whole batch); a data error is narrowed down by bisection so one
 * bad event is recorded as failed and the rest are stored.
 */
export class MetricsWriter {
  private readonly knownMonths = new Set<string>();
  private readonly stagedClients = new WeakSet<pg.PoolClient>();
  private readonly now: () => Date;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: MetricsWriterOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  async write(events: readonly NormalizedMetricEvent[]): Promise<WriteResult> {
    const cutoff = this.now().getTime() - this.opts.retentionDays * DAY_MS;
    const fresh: NormalizedMetricEvent[] = [];
    const expired: FailedEvent[] = [];
    for (const e of events) {
      if (Date.parse(e.recordedAt) < cutoff)
        expired.push({ event: e, reason: 'expired: older than the retention window' });
      else fresh.push(e);
    }
    const unique = dropBatchDuplicates(fresh);
    await this.ensurePartitions(unique);
    const result = await this.writeOrBisect(unique, expired);
    return { ...result, duplicates: result.duplicates + fresh.length - unique.length };
  }

  private async ensurePartitions(events: readonly NormalizedMetricEvent[]): Promise<void> {
    const missing = new Set<string>();
    for (const e of events) {
      const m = monthOf(e.recordedAt);
      if (!this.knownMonths.has(m)) missing.add(m);
    }
    if (!missing.size) return;
    // Outside the batch transaction: partition DDL takes strong locks that should not be held long.
    await ensureMonthPartitions(this.pool, missing);
    for (const m of missing) this.knownMonths.add(m);
  }

  private async writeOrBisect(
    events: NormalizedMetricEvent[],
    failures: FailedEvent[],
  ): Promise<WriteResult> {
    try {
      return await this.transaction(events, failures);
    } catch (err) {
      if (isTransientDbError(err)) throw err;
      if (isConcurrentDuplicate(err)) throw new ConcurrentInsertError(err);
      if ((err as { code?: string }).code === '23514') {
        // "no partition for row": a partition we believed in was dropped; forget and recreate.
        this.knownMonths.clear();
        await this.ensurePartitions(events);
      }
      if (events.length <= 1) {
        const reason = `rejected by database: ${(err as Error).message}`;
        this.opts.logger?.warn({ err, eventId: events[0]?.eventId }, 'metric event failed');
        return this.transaction([], [...failures, ...events.map((event) => ({ event, reason }))]);
      }
      const mid = events.length >> 1;
      const left = await this.writeOrBisect(events.slice(0, mid), failures);
      const right = await this.writeOrBisect(events.slice(mid), []);
      return {
        inserted: left.inserted + right.inserted,
        duplicates: left.duplicates + right.duplicates,
        failed: left.failed + right.failed,
      };
    }
  }

  private async transaction(events: NormalizedMetricEvent[], failures: FailedEvent[]): Promise<WriteResult> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      if (!this.stagedClients.has(client)) {
        await client.query(CREATE_STAGE);
        this.stagedClients.add(client);
      }
      await client.query('begin');
      let inserted = 0;
      if (events.length) {
        await pipeline(Readable.from(copyChunks(events)), client.query(copyFrom(COPY_STAGE)));
        // Uncontended work first, row locks shared with concurrent batches last (writer-sql.ts).
        inserted = (await client.query(INSERT_EVENTS)).rowCount ?? 0;
        for (const sql of UPSERT_DIMENSIONS) await client.query(sql);
        if (inserted) await client.query(UPSERT_ROLLUPS);
      }
      if (failures.length) {
        await client.query(INSERT_FAILURES, [
          failures.map((f) => f.event.eventId),
          failures.map((f) => stripNul(f.event.userId)),
          failures.map((f) => stripNul(f.reason)),
          failures.map((f) => JSON.stringify(f.event).replace(/\\u0000/g, '\\ufffd')),
        ]);
      }
      await client.query('commit');
      return { inserted, duplicates: events.length - inserted, failed: failures.length };
    } catch (err) {
      await client.query('rollback').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection that failed mid-COPY or cannot roll back is discarded, not reused.
      client.release(broken ? true : undefined);
    }
  }
}
