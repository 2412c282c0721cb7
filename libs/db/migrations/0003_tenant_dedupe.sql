-- Event ids are chosen by clients, so deduplication is per user (issue 12, item 17): the old keys
-- let one user's (event_id, recorded_at) silently discard another user's accepted event. The new
-- metric_events key leads with user_id and so also serves the per-user time-range index it replaces.
-- session_events' key was written inline in 0000/0001, hence Postgres' default name.
ALTER TABLE "metric_events" DROP CONSTRAINT "metric_events_event_id_recorded_at_pk";--> statement-breakpoint
ALTER TABLE "metric_events" ADD CONSTRAINT "metric_events_user_id_recorded_at_event_id_pk" PRIMARY KEY("user_id","recorded_at","event_id");--> statement-breakpoint
DROP INDEX "metric_events_user_time_idx";--> statement-breakpoint
ALTER TABLE "session_events" DROP CONSTRAINT "session_events_pkey";--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_user_id_event_id_pk" PRIMARY KEY("session_id","user_id","event_id");
