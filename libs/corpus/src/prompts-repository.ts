import { decodeCursor, type CorpusExportQuery, type NextPrompt, type Prompt, type SentimentLabel } from '@voicepulse/contracts';
import { beforeKeyset, keysetPage, prompts, recordingAnalyses, recordings, utcMicros, type Db } from '@voicepulse/db';
import { and, asc, count, desc, eq, gt, or, sql } from 'drizzle-orm';

type PromptRow = typeof prompts.$inferSelect;

/** One recording made for a prompt, with what a dataset manifest needs about it. */
export interface CorpusRow {
  recordingId: string;
  userId: string;
  status: (typeof recordings.$inferSelect)['status'];
  promptId: string;
  promptText: string;
  actedEmotion: string | null;
  recordedAt: Date | null;
  createdAt: Date;
  durationMs: number | null;
  sampleRate: number | null;
  contentType: string;
  originalKey: string;
  normalizedKey: string | null;
  analysis: {
    talkedTimeMs: number;
    speechRatio: number;
    sentimentScore: number;
    sentimentLabel: SentimentLabel;
    sentimentConfidence: number;
    arousal: number | null;
    transcript: unknown;
  } | null;
}

// Spelled out because drizzle renders selected columns unqualified, which inside this subquery
// would bind "id" to recordings.id.
const recordingCount = sql<number>`(select count(*)::int from recordings r where r.prompt_id = "prompts"."id")`;

function toPrompt(row: PromptRow & { recordings: number }): Prompt {
  return {
    id: row.id,
    text: row.text,
    emotions: row.emotions,
    active: row.active,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    recordings: Number(row.recordings),
  };
}

export class PromptsRepository {
  constructor(private readonly db: Db) {}

  async list(opts: { limit: number; cursor?: string; active?: boolean }): Promise<{ items: Prompt[]; nextCursor: string | null }> {
    const c = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    const rows = await this.db
      .select({ ...columns(), recordings: recordingCount, keysetAt: utcMicros(prompts.createdAt) })
      .from(prompts)
      .where(
        and(
          opts.active === undefined ? undefined : eq(prompts.active, opts.active),
          c ? beforeKeyset(prompts.createdAt, prompts.id, c) : undefined,
        ),
      )
      .orderBy(desc(prompts.createdAt), desc(prompts.id))
      .limit(opts.limit + 1);
    const page = keysetPage(rows, opts.limit, (r) => ({ at: r.keysetAt, id: r.id }));
    return { items: page.items.map(toPrompt), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<Prompt | undefined> {
    const [row] = await this.db
      .select({ ...columns(), recordings: recordingCount })
      .from(prompts)
      .where(eq(prompts.id, id))
      .limit(1);
    return row && toPrompt(row);
  }

  async create(input: { text: string; emotions: string[]; active: boolean; createdBy: string }): Promise<Prompt> {
    const [row] = await this.db.insert(prompts).values(input).returning();
    return toPrompt({ ...row!, recordings: 0 });
  }

  async update(id: string, patch: { text?: string; emotions?: string[]; active?: boolean }): Promise<Prompt | undefined> {
    const [row] = await this.db
      .update(prompts)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(prompts.id, id))
      .returning({ id: prompts.id });
    return row && this.get(row.id);
  }

  /**
   * Deletes a prompt nobody has recorded yet. Once recordings point at it, the prompt text is
   * part of the dataset, so it can only be deactivated.
   */
  async delete(id: string): Promise<'deleted' | 'in_use' | 'not_found'> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select({ id: prompts.id }).from(prompts).where(eq(prompts.id, id)).for('update');
      if (!row) return 'not_found';
      const [used] = await tx.select({ n: count() }).from(recordings).where(eq(recordings.promptId, id));
      if ((used?.n ?? 0) > 0) return 'in_use';
      await tx.delete(prompts).where(eq(prompts.id, id));
      return 'deleted';
    });
  }

  /**
   * The (prompt, emotion) pair this speaker has recorded least, then the one the corpus has least,
   * so that every cell of the prompt × emotion grid fills up evenly. Failed takes do not count.
   */
  async next(userId: string): Promise<NextPrompt | undefined> {
    const { rows } = await this.db.execute<{ id: string; text: string; emotions: string[]; emotion: string }>(sql`
      select p.id, p.text, p.emotions, e.emotion
      from ${prompts} p
      cross join lateral unnest(p.emotions) as e(emotion)
      left join lateral (
        select count(*) filter (where r.user_id = ${userId}) as mine, count(*) as total
        from ${recordings} r
        where r.prompt_id = p.id and r.acted_emotion = e.emotion and r.status <> 'failed'
      ) c on true
      where p.active
      order by c.mine asc, c.total asc, random()
      limit 1`);
    const row = rows[0];
    return row && { prompt: { id: row.id, text: row.text, emotions: row.emotions }, emotion: row.emotion };
  }

  /** The emotions a prompt asks for; `undefined` when there is no such prompt. */
  async emotionsOf(id: string): Promise<string[] | undefined> {
    const [row] = await this.db.select({ emotions: prompts.emotions }).from(prompts).where(eq(prompts.id, id)).limit(1);
    return row?.emotions;
  }

  /**
   * One page of corpus recordings in a stable order (created_at, id ascending), so an export can
   * walk the whole corpus in bounded memory while new uploads keep arriving behind it.
   */
  async corpusPage(
    query: Pick<CorpusExportQuery, 'status' | 'promptId'>,
    after: { createdAt: Date; id: string } | undefined,
    limit: number,
  ): Promise<CorpusRow[]> {
    const rows = await this.db
      .select({
        recordingId: recordings.id,
        userId: recordings.userId,
        status: recordings.status,
        promptId: prompts.id,
        promptText: prompts.text,
        actedEmotion: recordings.actedEmotion,
        recordedAt: recordings.recordedAt,
        createdAt: recordings.createdAt,
        durationMs: recordings.durationMs,
        sampleRate: recordings.sampleRate,
        contentType: recordings.contentType,
        originalKey: recordings.originalKey,
        normalizedKey: recordings.normalizedKey,
        talkedTimeMs: recordingAnalyses.talkedTimeMs,
        speechRatio: recordingAnalyses.speechRatio,
        sentimentScore: recordingAnalyses.sentimentScore,
        sentimentLabel: recordingAnalyses.sentimentLabel,
        sentimentConfidence: recordingAnalyses.sentimentConfidence,
        arousal: recordingAnalyses.arousal,
        transcript: recordingAnalyses.transcript,
      })
      .from(recordings)
      .innerJoin(prompts, eq(prompts.id, recordings.promptId))
      .leftJoin(recordingAnalyses, eq(recordingAnalyses.recordingId, recordings.id))
      .where(
        and(
          eq(recordings.uploadState, 'complete'),
          query.status === 'scored' ? eq(recordings.status, 'scored') : undefined,
          query.promptId ? eq(recordings.promptId, query.promptId) : undefined,
          after
            ? or(gt(recordings.createdAt, after.createdAt), and(eq(recordings.createdAt, after.createdAt), gt(recordings.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(recordings.createdAt), asc(recordings.id))
      .limit(limit);
    return rows.map(({ talkedTimeMs, speechRatio, sentimentScore, sentimentLabel, sentimentConfidence, arousal, transcript, ...r }) => ({
      ...r,
      analysis:
        talkedTimeMs === null || speechRatio === null || sentimentScore === null || sentimentLabel === null || sentimentConfidence === null
          ? null
          : { talkedTimeMs, speechRatio, sentimentScore, sentimentLabel, sentimentConfidence, arousal, transcript },
    }));
  }
}

function columns() {
  return {
    id: prompts.id,
    text: prompts.text,
    emotions: prompts.emotions,
    active: prompts.active,
    createdBy: prompts.createdBy,
    createdAt: prompts.createdAt,
    updatedAt: prompts.updatedAt,
  };
}
