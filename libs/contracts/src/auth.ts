import { z } from 'zod';

export const roleSchema = z.enum(['user', 'admin', 'ingest']);
export type Role = z.infer<typeof roleSchema>;

export const userIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@:-]+$/, 'letters, digits and . _ @ : - only');

export const devTokenRequestSchema = z.strictObject({
  userId: userIdSchema,
  role: roleSchema.optional(),
});
export type DevTokenRequest = z.infer<typeof devTokenRequestSchema>;

export const devTokenResponseSchema = z.object({ token: z.string(), expiresAt: z.string() });
export type DevTokenResponse = z.infer<typeof devTokenResponseSchema>;
