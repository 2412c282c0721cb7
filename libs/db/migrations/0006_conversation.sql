ALTER TYPE "public"."failure_code" ADD VALUE 'channel_layout_mismatch';--> statement-breakpoint
ALTER TABLE "recording_analyses" ADD COLUMN "conversation" jsonb;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "channel_layout" text;