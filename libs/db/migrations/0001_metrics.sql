-- Hand-edited after `drizzle-kit generate`: metric_events is RANGE-partitioned by recorded_at, which
-- Drizzle cannot express. The snapshot still matches libs/db/src/schema/metrics.ts, so later
-- `drizzle-kit generate` runs produce no diff for these tables.
CREATE TABLE "metric_daily_rollups" (
	"user_id" text NOT NULL,
	"day" date NOT NULL,
	"events" bigint NOT NULL,
	"sessions" integer NOT NULL,
	"talked_time_ms" bigint NOT NULL,
	"microphone_used_events" bigint NOT NULL,
	"speaker_used_events" bigint NOT NULL,
	"sentiment_sum" double precision NOT NULL,
	"sentiment_min" double precision NOT NULL,
	"sentiment_max" double precision NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_daily_rollups_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
CREATE TABLE "metric_daily_sessions" (
	"user_id" text NOT NULL,
	"day" date NOT NULL,
	"session_id" uuid NOT NULL,
	CONSTRAINT "metric_daily_sessions_user_id_day_session_id_pk" PRIMARY KEY("user_id","day","session_id")
);
--> statement-breakpoint
CREATE TABLE "metric_event_failures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "metric_event_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"reason" text NOT NULL,
	"event" jsonb NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_events" (
	"event_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"session_id" uuid,
	"device_id" text,
	"talked_time_ms" integer NOT NULL,
	"microphone_used" boolean NOT NULL,
	"speaker_used" boolean NOT NULL,
	"voice_sentiment" double precision NOT NULL,
	"voice_sentiment_label" "sentiment_label" NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"timezone" text,
	"platform" text,
	"app_version" text,
	"source" text NOT NULL,
	"recording_id" uuid,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_events_event_id_recorded_at_pk" PRIMARY KEY("event_id","recorded_at")
) PARTITION BY RANGE ("recorded_at");
--> statement-breakpoint
CREATE TABLE "sentiment_samples" (
	"session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"samples" integer NOT NULL,
	"sentiment_sum" double precision NOT NULL,
	"sentiment_min" double precision NOT NULL,
	"sentiment_max" double precision NOT NULL,
	CONSTRAINT "sentiment_samples_session_id_user_id_bucket_start_pk" PRIMARY KEY("session_id","user_id","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_event_failures_failed_at_idx" ON "metric_event_failures" USING btree ("failed_at");--> statement-breakpoint
CREATE INDEX "metric_events_user_time_idx" ON "metric_events" USING btree ("user_id","recorded_at","event_id");--> statement-breakpoint
CREATE INDEX "metric_events_session_idx" ON "metric_events" USING btree ("session_id","recorded_at") WHERE "metric_events"."session_id" is not null;--> statement-breakpoint
CREATE INDEX "session_events_session_time_idx" ON "session_events" USING btree ("session_id","occurred_at");;--> statement-breakpoint
-- Monthly partitions (UTC months) are created ahead by the ingestor's maintenance job and on demand
-- by the writer; one function so both paths name and bound partitions identically. The advisory
-- lock serialises concurrent creators (several ingestor replicas seeing a new month at once).
CREATE FUNCTION "metric_events_ensure_partition"(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	start_month date := date_trunc('month', p_month)::date;
	part_name text := format('metric_events_p%s', to_char(start_month, 'YYYYMM'));
BEGIN
	IF to_regclass(format('public.%I', part_name)) IS NOT NULL THEN
		RETURN part_name;
	END IF;
	PERFORM pg_advisory_xact_lock(727275);
	IF to_regclass(format('public.%I', part_name)) IS NULL THEN
		EXECUTE format(
			'CREATE TABLE public.%I PARTITION OF public.metric_events FOR VALUES FROM (%L) TO (%L)',
			part_name,
			(start_month::timestamp AT TIME ZONE 'UTC'),
			((start_month + interval '1 month')::timestamp AT TIME ZONE 'UTC')
		);
	END IF;
	RETURN part_name;
END
$$;--> statement-breakpoint
SELECT "metric_events_ensure_partition"((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
FROM generate_series(-1, 3) AS m;