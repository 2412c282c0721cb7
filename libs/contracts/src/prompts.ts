import { z } from 'zod';
import { recordingStatusSchema } from './recording-status';
import { sentimentLabelSchema } from './recordings';

/**
 * Emotion names are free-form so researchers can use their own taxonomy, but they are compared
 * exactly (uploads must name one of the prompt's emotions), hence trimmed and lower-cased.
 */
export const emotionSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9 _-]*$/, 'letters, digits, spaces, _ and - only, starting with a letter');

const emotionsSchema = z
  .array(emotionSchema)
  .min(1, 'name at least one emotion')
  .max(20)
  .transform((list) => [...new Set(list)]);

const promptTextSchema = z.string().trim().min(1, 'the sentence is empty').max(1000);

export const promptCreateSchema = z.strictObject({
  text: promptTextSchema,
  emotions: emotionsSchema,
  active: z.boolean().default(true),
});
export type PromptCreate = z.input<typeof promptCreateSchema>;

export const promptUpdateSchema = z
  .strictObject({ text: promptTextSchema, emotions: emotionsSchema, active: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to update');
export type PromptUpdate = z.input<typeof promptUpdateSchema>;

export const promptSchema = z.object({
  id: z.uuid(),
  text: z.string(),
  emotions: z.array(z.string()),
  active: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** How many uploads were recorded for this prompt so far (any emotion, any speaker). */
  recordings: z.number().int(),
});
export type Prompt = z.infer<typeof promptSchema>;

export const promptListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const promptListSchema = z.object({ items: z.array(promptSchema), nextCursor: z.string().nullable() });
export type PromptList = z.infer<typeof promptListSchema>;

/** What a speaker is asked to record next: one sentence, acted in one emotion. */
export const nextPromptSchema = z.object({
  prompt: z.object({ id: z.uuid(), text: z.string(), emotions: z.array(z.string()) }),
  emotion: z.string(),
});
export type NextPrompt = z.infer<typeof nextPromptSchema>;

export const corpusExportQuerySchema = z.strictObject({
  /** `jsonl`: the manifest alone; `tar.gz`: manifest.jsonl plus every audio file, streamed. */
  format: z.enum(['jsonl', 'tar.gz']).default('jsonl'),
  /** In a JSONL manifest, reference audio by storage key or by a short-lived signed URL. */
  audio: z.enum(['key', 'signed-url']).default('key'),
  /** Originals keep the full recording quality; normalized is the 16 kHz mono WAV the scorer used. */
  variant: z.enum(['original', 'normalized']).default('original'),
  /** Only scored recordings by default: failed or in-flight ones have no usable analysis. */
  status: z.enum(['scored', 'all']).default('scored'),
  promptId: z.uuid().optional(),
}).refine((q) => !(q.format === 'tar.gz' && q.audio === 'signed-url'), {
  path: ['audio'],
  message: 'signed URLs only apply to the JSONL manifest; the archive carries the audio itself',
});
export type CorpusExportQuery = z.output<typeof corpusExportQuerySchema>;

/** One line of the corpus manifest. */
export const corpusEntrySchema = z.object({
  recordingId: z.uuid(),
  speaker: z.string(),
  promptId: z.uuid(),
  promptText: z.string(),
  actedEmotion: z.string().nullable(),
  status: recordingStatusSchema,
  recordedAt: z.string().nullable(),
  createdAt: z.string(),
  durationMs: z.number().nullable(),
  sampleRate: z.number().nullable(),
  contentType: z.string(),
  /** Storage key of the exported variant; `null` when that variant does not exist (yet). */
  audioKey: z.string().nullable(),
  audioUrl: z.string().optional(),
  /** Path inside the .tar.gz archive. */
  audioFile: z.string().optional(),
  analysis: z
    .object({
      talkedTimeMs: z.number(),
      speechRatio: z.number(),
      sentiment: z.object({ score: z.number(), label: sentimentLabelSchema, confidence: z.number() }),
      arousal: z.number().nullable(),
      transcript: z.string().nullable(),
    })
    .nullable(),
});
export type CorpusEntry = z.infer<typeof corpusEntrySchema>;
