import {
  canTransition,
  decodeCursor,
  TERMINAL_STATUSES,
  statusesLeadingTo,
  type FailureCode,
  type RecordingStatus,
  type Conversation,
  type RecordingView,
  type SentimentLabel,
} from '@voicepulse/contracts';
import {
  recordingAnalyses,
  recordings,
  sentimentTimeline,
  speechSegments,
  users,
  beforeKeyset,
  keysetPage,
  utcMicros,
  type Db,
} from '@voicepulse/db';
import { and, count, desc, eq, getTableColumns, inArray, lt, notInArray, sql } from 'drizzle-orm';
import { toRecordingView } from './view';

/** A caller asked for a move the recording state machine does not allow: a bug, not bad input. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(from: RecordingStatus, to: RecordingStatus) {
    super(`a recording cannot move from ${from} to ${to}`);
  }
}

export type RecordingRow = typeof recordings.$inferSelect;
export type NewRecording = typeof recordings.$inferInsert;

export interface AnalysisInput {
  talkedTimeMs: number;
  speechRatio: number;
  durationMs: number;
  segments: { startMs: number; endMs: number }[];
  sentiment: { score: number; label: SentimentLabel; confidence: number; engines: unknown[] };
  arousal?: number;
  timeline?: { startMs: number; endMs: number; score: number; label: SentimentLabel }[];
  transcript?: unknown;
  levels?: unknown;
  prosody?: unknown;
  conversation?: Conversation;
}

/**
 * A user already has as many recordings in the pipeline (uploaded, not yet scored or failed) as
 * the quota allows. Transcoding is the expensive part of the system; without a bound per user one
 * account could keep every transcoder busy with recordings that are each within the limits.
 */
export class PipelineQuotaError extends Error {
  constructor(readonly limit: number) {
    super(`${limit} recordings are already being processed for this user; retry when one has finished`);
    this.name = 'PipelineQuotaError';
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Who may see a recording: its owner, or anyone when `owner` is null (admin). */
function ownedBy(owner: string | null) {
  return owner === null ? undefined : eq(recordings.userId, owner);
}

async function insertOnce(tx: Tx, input: NewRecording): Promise<RecordingRow & { created: boolean }> {
  const [row] = await tx
    .insert(recordings)
    .values(input)
    .onConflictDoNothing({
      target: [recordings.userId, recordings.idempotencyKey],
      where: sql`${recordings.idempotencyKey} is not null`,
    })
    .returning();
  if (row) return { ...row, created: true };
  const [prior] = await tx
    .select()
    .from(recordings)
    .where(and(eq(recordings.userId, input.userId), eq(recordings.idempotencyKey, input.idempotencyKey!)));
  return { ...prior!, created: false };
}

export class RecordingsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts a recording; with an idempotency key already used by its owner, inserts nothing and
   * returns the earlier row with `created: false` (a concurrent twin waits for the first to commit).
   * `pipelineQuota` (0 = none): refuse with PipelineQuotaError when the user already has that many
   * recordings in flight. A pending direct upload is not in the pipeline yet, so it is not checked.
   */
  async create(
    input: NewRecording,
    opts: { pipelineQuota?: number } = {},
  ): Promise<RecordingRow & { created: boolean }> {
    return this.db.transaction(async (tx) => {
      if (input.uploadState !== 'pending') await this.admit(tx, input.userId, opts.pipelineQuota);
      await tx
        .insert(users)
        .values({ id: input.userId })
        .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: sql`now()` } });
      return insertOnce(tx, input);
    });
  }

  async byIdempotencyKey(owner: string, key: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .select()
      .from(recordings)
      .where(and(eq(recordings.userId, owner), eq(recordings.idempotencyKey, key)))
      .limit(1);
    return row;
  }

  /**
   * Creates a pending direct upload unless its owner already has `maxPending` of them; the check
   * and the insert run under a per-user advisory lock so concurrent requests cannot both squeeze in.
   */
  async createPending(
    input: NewRecording,
    maxPending: number,
  ): Promise<(RecordingRow & { created: boolean }) | 'too_many_pending'> {
    return this.db.transaction(async (tx) => {
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${'pending-uploads:' + input.userId}, 0))`,
      );
      if (input.idempotencyKey) {
        // A retry is answered with its upload even at the cap: it takes no new slot.
        const [prior] = await tx
          .select()
          .from(recordings)
          .where(
            and(eq(recordings.userId, input.userId), eq(recordings.idempotencyKey, input.idempotencyKey)),
          );
        if (prior) return { ...prior, created: false };
      }
      const [{ n } = { n: 0 }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(recordings)
        .where(and(eq(recordings.userId, input.userId), eq(recordings.uploadState, 'pending')));
      if (n >= maxPending) return 'too_many_pending';
      await tx
        .insert(users)
        .values({ id: input.userId })
        .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: sql`now()` } });
      return insertOnce(tx, { ...input, uploadState: 'pending' });
    });
  }

  /** Direct uploads still pending after `olderThanMs`: their signed URLs are long dead. */
  async expiredPending(olderThanMs: number, limit = 500): Promise<RecordingRow[]> {
    return this.db
      .select()
      .from(recordings)
      .where(
        and(
          eq(recordings.uploadState, 'pending'),
          lt(recordings.createdAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
        ),
      )
      .orderBy(recordings.createdAt)
      .limit(limit);
  }

  /**
   * Uploaded recordings that have not moved for `olderThanMs` in a non-terminal state: their job
   * was probably lost (a Redis failover between the 202 and replication, say).
   */
  async stuck(olderThanMs: number, limit = 500): Promise<RecordingRow[]> {
    return this.db
      .select()
      .from(recordings)
      .where(
        and(
          eq(recordings.uploadState, 'complete'),
          inArray(recordings.status, ['uploaded', 'transcoding', 'transcoded', 'scoring']),
          lt(recordings.updatedAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
        ),
      )
      .orderBy(recordings.updatedAt)
      .limit(limit);
  }

  /** Deletes a row only while it is still a pending upload (a concurrent /complete wins). */
  async deletePending(id: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .delete(recordings)
      .where(and(eq(recordings.id, id), eq(recordings.uploadState, 'pending')))
      .returning();
    return row;
  }

  async get(id: string, owner: string | null): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .select()
      .from(recordings)
      .where(and(eq(recordings.id, id), ownedBy(owner)))
      .limit(1);
    return row;
  }

  async view(id: string, owner: string | null): Promise<RecordingView | undefined> {
    const row = await this.get(id, owner);
    if (!row) return undefined;
    return (await this.views([row]))[0];
  }

  async list(
    owner: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<{ items: RecordingView[]; nextCursor: string | null }> {
    const c = cursor ? decodeCursor(cursor) : undefined;
    const rows = await this.db
      .select({ ...getTableColumns(recordings), keysetAt: utcMicros(recordings.createdAt) })
      .from(recordings)
      .where(
        and(
          eq(recordings.userId, owner),
          eq(recordings.uploadState, 'complete'),
          c ? beforeKeyset(recordings.createdAt, recordings.id, c) : undefined,
        ),
      )
      .orderBy(desc(recordings.createdAt), desc(recordings.id))
      .limit(limit + 1);
    const page = keysetPage(rows, limit, (r) => ({ at: r.keysetAt, id: r.id }));
    return { items: await this.views(page.items), nextCursor: page.nextCursor };
  }

  /** Loads analyses, segments and timelines for many rows in three queries, not 3×N. */
  private async views(rows: RecordingRow[]): Promise<RecordingView[]> {
    const ids = rows.map((r) => r.id);
    if (!ids.length) return [];
    const [analyses, segs, tl] = await Promise.all([
      this.db.select().from(recordingAnalyses).where(inArray(recordingAnalyses.recordingId, ids)),
      this.db.select().from(speechSegments).where(inArray(speechSegments.recordingId, ids)),
      this.db.select().from(sentimentTimeline).where(inArray(sentimentTimeline.recordingId, ids)),
    ]);
    return rows.map((r) =>
      toRecordingView(
        r,
        analyses.find((a) => a.recordingId === r.id),
        segs.filter((s) => s.recordingId === r.id),
        tl.filter((t) => t.recordingId === r.id),
      ),
    );
  }

  /**
   * Moves a recording to `to` only from one of `from`: a retried or duplicated job cannot move a
   * recording backwards or revive a deleted/failed one. Returns the row when the move happened.
   */
  async transition(
    id: string,
    from: RecordingStatus[],
    to: RecordingStatus,
    patch: Partial<NewRecording> = {},
  ): Promise<RecordingRow | undefined> {
    // Every move asked for must be one the state machine allows; `undefined` still means the
    // row was not in any of `from` (another attempt moved it on, or it was deleted).
    const illegal = from.find((f) => !canTransition(f, to));
    if (illegal) throw new IllegalTransitionError(illegal, to);
    const [row] = await this.db
      .update(recordings)
      .set({ ...patch, status: to, updatedAt: sql`now()` })
      .where(and(eq(recordings.id, id), inArray(recordings.status, from)))
      .returning();
    return row;
  }

  async fail(id: string, code: FailureCode, message: string): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .update(recordings)
      .set({ status: 'failed', failureCode: code, failureMessage: message.slice(0, 1000), updatedAt: sql`now()` })
      .where(and(eq(recordings.id, id), inArray(recordings.status, statusesLeadingTo('failed'))))
      .returning();
    return row;
  }

  /** Replaces the analysis atomically, so a re-run leaves exactly one set of rows. */
  async saveAnalysis(id: string, a: AnalysisInput): Promise<RecordingRow | undefined> {
    return this.db.transaction(async (tx) => {
      const values = {
        recordingId: id,
        talkedTimeMs: Math.round(a.talkedTimeMs),
        speechRatio: a.speechRatio,
        durationMs: Math.round(a.durationMs),
        sentimentScore: a.sentiment.score,
        sentimentLabel: a.sentiment.label,
        sentimentConfidence: a.sentiment.confidence,
        arousal: a.arousal ?? null,
        engines: a.sentiment.engines,
        transcript: a.transcript ?? null,
        levels: a.levels ?? null,
        prosody: a.prosody ?? null,
        conversation: a.conversation ?? null,
      };
      await tx
        .insert(recordingAnalyses)
        .values(values)
        .onConflictDoUpdate({ target: recordingAnalyses.recordingId, set: values });
      await tx.delete(speechSegments).where(eq(speechSegments.recordingId, id));
      await tx.delete(sentimentTimeline).where(eq(sentimentTimeline.recordingId, id));
      if (a.segments.length) {
        await tx.insert(speechSegments).values(
          a.segments.map((s, idx) => ({
            recordingId: id,
            idx,
            startMs: Math.round(s.startMs),
            endMs: Math.round(s.endMs),
          })),
        );
      }
      if (a.timeline?.length) {
        await tx.insert(sentimentTimeline).values(
          a.timeline.map((t, idx) => ({
            recordingId: id,
            idx,
            startMs: Math.round(t.startMs),
            endMs: Math.round(t.endMs),
            score: t.score,
            label: t.label,
          })),
        );
      }
      const [row] = await tx
        .update(recordings)
        .set({ status: 'scored', updatedAt: sql`now()` })
        .where(and(eq(recordings.id, id), inArray(recordings.status, statusesLeadingTo('scored'))))
        .returning();
      return row;
    });
  }

  /** Completing a direct upload puts it in the pipeline: the same quota as `create` applies. */
  async markUploadComplete(
    id: string,
    facts: { sizeBytes: number; sha256: string; contentType: string },
    opts: { pipelineQuota?: number } = {},
  ): Promise<RecordingRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [owner] = await tx.select({ userId: recordings.userId }).from(recordings).where(eq(recordings.id, id));
      if (!owner) return undefined;
      await this.admit(tx, owner.userId, opts.pipelineQuota);
      const [row] = await tx
        .update(recordings)
        .set({ ...facts, uploadState: 'complete', updatedAt: sql`now()` })
        .where(eq(recordings.id, id))
        .returning();
      return row;
    });
  }

  /** Recordings of `userId` the pipeline has accepted and not yet finished. */
  async inFlight(userId: string, db: Db | Tx = this.db): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(recordings)
      .where(
        and(
          eq(recordings.userId, userId),
          eq(recordings.uploadState, 'complete'),
          notInArray(recordings.status, [...TERMINAL_STATUSES]),
        ),
      );
    return row!.n;
  }

  /**
   * A cheap early refusal, before a client sends a body that would be refused anyway; `create` and
   * `markUploadComplete` check again, atomically, when the recording actually enters the pipeline.
   */
  async checkPipelineQuota(userId: string, quota: number | undefined): Promise<void> {
    if (quota && (await this.inFlight(userId)) >= quota) throw new PipelineQuotaError(quota);
  }

  private async admit(tx: Tx, userId: string, quota: number | undefined): Promise<void> {
    if (!quota) return;
    // Admissions of one user are serialised, so two concurrent uploads cannot both take the last slot.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`pipeline-quota:${userId}`}, 0))`);
    if ((await this.inFlight(userId, tx)) >= quota) throw new PipelineQuotaError(quota);
  }

  async delete(id: string, owner: string | null): Promise<RecordingRow | undefined> {
    const [row] = await this.db
      .delete(recordings)
      .where(and(eq(recordings.id, id), ownedBy(owner)))
      .returning();
    return row;
  }
}
