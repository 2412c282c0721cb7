CREATE TYPE "public"."failure_code" AS ENUM('unsupported_audio', 'corrupt_audio', 'too_long', 'internal');--> statement-breakpoint
CREATE TYPE "public"."recording_status" AS ENUM('uploaded', 'transcoding', 'transcoded', 'scoring', 'scored', 'failed');--> statement-breakpoint
CREATE TYPE "public"."sentiment_label" AS ENUM('negative', 'neutral', 'positive');--> statement-breakpoint
CREATE TABLE "devices" (
	"user_id" text NOT NULL,
	"device_id" text NOT NULL,
	"platform" text,
	"app_version" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_user_id_device_id_pk" PRIMARY KEY("user_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "session_participants" (
	"session_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"device_id" text DEFAULT '' NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone,
	"timezone" text,
	CONSTRAINT "session_participants_session_id_user_id_device_id_pk" PRIMARY KEY("session_id","user_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"first_event_at" timestamp with time zone NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recording_analyses" (
	"recording_id" uuid PRIMARY KEY NOT NULL,
	"talked_time_ms" integer NOT NULL,
	"speech_ratio" real NOT NULL,
	"duration_ms" integer NOT NULL,
	"sentiment_score" double precision NOT NULL,
	"sentiment_label" "sentiment_label" NOT NULL,
	"sentiment_confidence" real NOT NULL,
	"arousal" real,
	"engines" jsonb NOT NULL,
	"transcript" jsonb,
	"levels" jsonb,
	"prosody" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recordings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"status" "recording_status" NOT NULL,
	"upload_state" text DEFAULT 'complete' NOT NULL,
	"session_id" uuid,
	"device_id" text,
	"microphone_used" boolean DEFAULT true NOT NULL,
	"speaker_used" boolean DEFAULT false NOT NULL,
	"client_transcript" text,
	"recorded_at" timestamp with time zone,
	"prompt_id" uuid,
	"acted_emotion" text,
	"original_key" text NOT NULL,
	"normalized_key" text,
	"content_type" text NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"sha256" text DEFAULT '' NOT NULL,
	"duration_ms" integer,
	"sample_rate" integer,
	"channels" integer,
	"codec" text,
	"failure_code" "failure_code",
	"failure_message" text,
	"correlation_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sentiment_timeline" (
	"recording_id" uuid NOT NULL,
	"idx" integer NOT NULL,
	"start_ms" integer NOT NULL,
	"end_ms" integer NOT NULL,
	"score" double precision NOT NULL,
	"label" "sentiment_label" NOT NULL,
	CONSTRAINT "sentiment_timeline_recording_id_idx_pk" PRIMARY KEY("recording_id","idx")
);
--> statement-breakpoint
CREATE TABLE "speech_segments" (
	"recording_id" uuid NOT NULL,
	"idx" integer NOT NULL,
	"start_ms" integer NOT NULL,
	"end_ms" integer NOT NULL,
	CONSTRAINT "speech_segments_recording_id_idx_pk" PRIMARY KEY("recording_id","idx")
);
--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_participants" ADD CONSTRAINT "session_participants_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_participants" ADD CONSTRAINT "session_participants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_analyses" ADD CONSTRAINT "recording_analyses_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sentiment_timeline" ADD CONSTRAINT "sentiment_timeline_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speech_segments" ADD CONSTRAINT "speech_segments_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_participants_user_idx" ON "session_participants" USING btree ("user_id","joined_at" desc);--> statement-breakpoint
CREATE INDEX "sessions_last_event_idx" ON "sessions" USING btree ("last_event_at");--> statement-breakpoint
CREATE INDEX "recordings_user_created_idx" ON "recordings" USING btree ("user_id","created_at" desc,"id" desc);--> statement-breakpoint
CREATE INDEX "recordings_prompt_idx" ON "recordings" USING btree ("prompt_id") WHERE "recordings"."prompt_id" is not null;