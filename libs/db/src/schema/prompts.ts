import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Emotion-corpus prompts: a sentence and the emotions speakers are asked to act it in. Recordings
 * made for a prompt carry `prompt_id` + `acted_emotion` (see recordings).
 */
export const prompts = pgTable(
  'prompts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    text: text('text').notNull(),
    emotions: text('emotions').array().notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('prompts_active_idx').on(t.active, sql`${t.createdAt} desc`)],
);
