import { webhookEndpoints, users, type Db } from '@voicepulse/db';
import type { WebhookEndpoint, WebhookEvent } from '@voicepulse/contracts';
import { and, arrayContains, asc, count, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

/** Bounds the fan-out of one event (and the outbound traffic one account can cause). */
export const MAX_ENDPOINTS_PER_USER = 10;

export class WebhookLimitError extends Error {
  override readonly name = 'WebhookLimitError';
  constructor(readonly limit: number) {
    super(`a user may register at most ${limit} webhook endpoints`);
  }
}

export interface NewEndpoint {
  userId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  authHeader?: { name: string; value: string };
}

/** The API's view of a row: no secret, no auth header value. */
export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    authHeaderName: row.authHeaderName,
    createdAt: row.createdAt.toISOString(),
  };
}

export class WebhookEndpointsRepository {
  constructor(private readonly db: Db) {}

  /** Refuses beyond the per-user limit; the count and insert share a lock on the user's row. */
  async create(input: NewEndpoint): Promise<WebhookEndpointRow> {
    return this.db.transaction(async (tx) => {
      await tx
        .insert(users)
        .values({ id: input.userId })
        .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: sql`now()` } });
      await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
      const [existing] = await tx
        .select({ n: count() })
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.userId, input.userId));
      if ((existing?.n ?? 0) >= MAX_ENDPOINTS_PER_USER) throw new WebhookLimitError(MAX_ENDPOINTS_PER_USER);
      const [row] = await tx
        .insert(webhookEndpoints)
        .values({
          id: randomUUID(),
          userId: input.userId,
          url: input.url,
          events: input.events,
          secret: input.secret,
          authHeaderName: input.authHeader?.name ?? null,
          authHeaderValue: input.authHeader?.value ?? null,
        })
        .returning();
      return row!;
    });
  }

  list(userId: string): Promise<WebhookEndpointRow[]> {
    return this.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.userId, userId))
      .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  }

  /** Only the owner's endpoint: another user's id answers as not found. */
  async delete(userId: string, id: string): Promise<boolean> {
    const gone = await this.db
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)))
      .returning({ id: webhookEndpoints.id });
    return gone.length > 0;
  }

  /** The endpoints an event fans out to. */
  subscribed(userId: string, event: WebhookEvent): Promise<WebhookEndpointRow[]> {
    return this.db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.userId, userId), arrayContains(webhookEndpoints.events, [event])));
  }

  /** With its secrets: for the delivery worker only. */
  async get(id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = await this.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    return row;
  }
}
