ALTER TABLE "metric_daily_rollups" ALTER COLUMN "sentiment_min" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_daily_rollups" ALTER COLUMN "sentiment_max" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_daily_rollups" ADD COLUMN "listened_time_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_events" ADD COLUMN "participant" text;--> statement-breakpoint
ALTER TABLE "metric_events" ADD COLUMN "counterpart" boolean DEFAULT false NOT NULL;