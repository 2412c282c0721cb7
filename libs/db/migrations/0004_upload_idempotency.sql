-- Idempotency-Key on uploads (issue 12, item 20): a client retry finds the recording it already made.
ALTER TABLE "recordings" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "recordings_idempotency_idx" ON "recordings" USING btree ("user_id","idempotency_key") WHERE "recordings"."idempotency_key" is not null;