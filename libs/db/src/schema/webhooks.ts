import { WEBHOOK_EVENTS } from '@voicepulse/contracts';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './core';

/**
 * A user's webhook endpoints. `secret` and `auth_header_value` are kept in the clear because the
 * server must sign with the one and send the other (docs/security.md); the API never returns
 * either after creation.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events', { enum: WEBHOOK_EVENTS }).array().notNull(),
    secret: text('secret').notNull(),
    authHeaderName: text('auth_header_name'),
    authHeaderValue: text('auth_header_value'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_user_idx').on(t.userId)],
);
