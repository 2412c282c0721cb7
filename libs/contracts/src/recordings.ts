import { z } from 'zod';
import { channelLayoutFieldSchema, conversationSchema } from './conversation';
import { recordingStatusSchema } from './recording-status';
import { sentimentLabelSchema } from './sentiment-label';
import { freeText, plainText } from './text';

export { sentimentLabelSchema, type SentimentLabel } from './sentiment-label';


export const FAILURE_CODES = [
  'unsupported_audio',
  'corrupt_audio',
  'too_long',
  'internal',
  // The declared `channels` layout does not fit the file (only found out where the channel count is).
  'channel_layout_mismatch',
] as const;
export const failureCodeSchema = z.enum(FAILURE_CODES);
export type FailureCode = z.infer<typeof failureCodeSchema>;


/** Form fields of a multipart upload, or query parameters of a raw-body upload: all arrive as strings. */
const boolField = z
  .enum(['true', 'false', '1', '0', 'on', 'off'])
  .transform((v) => v === 'true' || v === '1' || v === 'on');

export const recordingMetadataSchema = z.strictObject({
  sessionId: z.uuid().optional(),
  deviceId: plainText(1, 128).optional(),
  microphoneUsed: boolField.default(true),
  speakerUsed: boolField.default(false),
  transcript: freeText(100_000).optional(),
  recordedAt: z.iso.datetime({ offset: true }).optional(),
  promptId: z.uuid().optional(),
  actedEmotion: plainText(1, 64).optional(),
  /** `agent,customer` (a speaker name per channel, in order) or `split`: see channelLayoutFieldSchema. */
  channels: channelLayoutFieldSchema.optional(),
});
export type RecordingMetadataInput = z.input<typeof recordingMetadataSchema>;
export type RecordingMetadata = z.output<typeof recordingMetadataSchema>;

export const directUploadRequestSchema = z.strictObject({
  contentType: z
    .string()
    .regex(/^(audio\/[\w.+-]+|video\/webm|application\/octet-stream)(;.*)?$/, 'must be an audio type'),
  sizeBytes: z.number().int().positive(),
  sessionId: z.uuid().optional(),
  deviceId: plainText(1, 128).optional(),
  microphoneUsed: z.boolean().default(true),
  speakerUsed: z.boolean().default(false),
  transcript: freeText(100_000).optional(),
  recordedAt: z.iso.datetime({ offset: true }).optional(),
  promptId: z.uuid().optional(),
  actedEmotion: plainText(1, 64).optional(),
  channels: channelLayoutFieldSchema.optional(),
});
export type DirectUploadRequest = z.input<typeof directUploadRequestSchema>;

export const directUploadResponseSchema = z.object({
  id: z.uuid(),
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});
export type DirectUploadResponse = z.infer<typeof directUploadResponseSchema>;

export const uploadAcceptedSchema = z.object({
  id: z.uuid(),
  status: recordingStatusSchema,
  links: z.object({ self: z.string(), events: z.string() }),
});
export type UploadAccepted = z.infer<typeof uploadAcceptedSchema>;

const segmentSchema = z.object({ startMs: z.number(), endMs: z.number() });

export const engineResultSchema = z.object({
  engine: z.string(),
  version: z.string(),
  score: z.number().min(-1).max(1),
  label: sentimentLabelSchema,
  confidence: z.number().min(0).max(1),
  arousal: z.number().optional(),
});

export const recordingViewSchema = z.object({
  id: z.uuid(),
  userId: z.string(),
  status: recordingStatusSchema,
  failure: z.object({ code: failureCodeSchema, message: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  recordedAt: z.string().optional(),
  sessionId: z.string().optional(),
  deviceId: z.string().optional(),
  microphoneUsed: z.boolean(),
  speakerUsed: z.boolean(),
  input: z.object({ contentType: z.string(), sizeBytes: z.number(), sha256: z.string() }),
  audio: z
    .object({ durationMs: z.number(), sampleRate: z.number(), channels: z.number(), codec: z.string() })
    .optional(),
  analysis: z
    .object({
      talkedTimeMs: z.number(),
      speechRatio: z.number(),
      segments: z.array(segmentSchema),
      sentiment: z.object({
        score: z.number().min(-1).max(1),
        label: sentimentLabelSchema,
        confidence: z.number(),
        engines: z.array(engineResultSchema),
      }),
      arousal: z.number().optional(),
      timeline: z.array(segmentSchema.extend({ score: z.number(), label: sentimentLabelSchema })).optional(),
      transcript: z
        .object({
          text: z.string(),
          source: z.string(),
          sentences: z.array(z.object({ text: z.string(), score: z.number(), label: sentimentLabelSchema })),
        })
        .optional(),
      levels: z.record(z.string(), z.unknown()).optional(),
      prosody: z.record(z.string(), z.unknown()).optional(),
      /** Per-participant and conversation figures; set once scored (mono recordings: source `single`). */
      conversation: conversationSchema.optional(),
    })
    .optional(),
  /** The declared channel layout: one speaker name per channel, in channel order. */
  channelLayout: z.array(z.string()).optional(),
  prompt: z.object({ id: z.string(), actedEmotion: z.string().optional() }).optional(),
});
export type RecordingView = z.infer<typeof recordingViewSchema>;

export const recordingListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  userId: z.string().max(128).optional(),
});

/** Which audio of a recording: as uploaded, or the normalized WAV the transcoder made. */
export const recordingAudioQuerySchema = z.strictObject({
  variant: z.enum(['original', 'normalized']).default('original'),
});

export const recordingListSchema = z.object({
  items: z.array(recordingViewSchema),
  nextCursor: z.string().nullable(),
});
export type RecordingList = z.infer<typeof recordingListSchema>;

/** One Server-Sent Event on /v1/recordings/:id/events (event name `status`). */
export const recordingStatusEventSchema = z.object({
  id: z.uuid(),
  status: recordingStatusSchema,
  failure: z.object({ code: failureCodeSchema, message: z.string() }).optional(),
  at: z.string(),
});
export type RecordingStatusEvent = z.infer<typeof recordingStatusEventSchema>;
