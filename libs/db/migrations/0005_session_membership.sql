-- Session membership is granted by the server (issue 12, item 2). Hand-edited after generate: the
-- key for legacy session ids is generated here (pg_strong_random via gen_random_uuid), so every
-- installation has its own and none is in the repository; existing participants become members
-- and the earliest one the owner, so nobody loses access to what they could read before.
CREATE TABLE "server_keys" (
	"name" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_members" (
	"session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"admitted_by" text NOT NULL,
	"admitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_members_session_id_user_id_pk" PRIMARY KEY("session_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "owner_id" text;--> statement-breakpoint
ALTER TABLE "session_members" ADD CONSTRAINT "session_members_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_members_user_idx" ON "session_members" USING btree ("user_id");--> statement-breakpoint
INSERT INTO "server_keys" ("name", "key")
VALUES ('legacy-session-ids', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));--> statement-breakpoint
INSERT INTO "session_members" ("session_id", "user_id", "admitted_by")
SELECT DISTINCT "session_id", "user_id", 'migration' FROM "session_participants";--> statement-breakpoint
UPDATE "sessions" s SET "owner_id" = (
	SELECT p."user_id" FROM "session_participants" p WHERE p."session_id" = s."id" ORDER BY p."joined_at", p."user_id" LIMIT 1
);
