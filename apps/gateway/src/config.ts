import {
  commonSchema,
  databaseSchema,
  envBool,
  envInt,
  productionSecretProblem,
  redisSchema,
  retentionSchema,
  storageSchema,
  webhooksSchema,
} from '@voicepulse/config';
import { roleSchema } from '@voicepulse/contracts';
import { z } from 'zod';

export const gatewayConfigSchema = commonSchema
  .extend(databaseSchema.shape)
  .extend(redisSchema.shape)
  .extend(retentionSchema.shape)
  .extend(webhooksSchema.shape)
  .and(storageSchema)
  .and(
    z
      .object({
        PORT: envInt(8080, 0, 65535),
        AUTH_MODE: z.enum(['hs256', 'jwks']).default('hs256'),
        AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
        AUTH_JWKS_URL: z.string().url().optional(),
        AUTH_ISSUER: z.string().default('voicepulse'),
        AUTH_AUDIENCE: z.string().default('voicepulse-api'),
        AUTH_DEV_TOKENS: envBool(false),
        /** Roles `POST /v1/dev/token` may mint; more than `user` only when someone asked for it. */
        AUTH_DEV_TOKEN_ROLES: z
          .string()
          .default('user')
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          )
          .pipe(z.array(roleSchema).min(1)),
        MAX_UPLOAD_BYTES: envInt(200 * 1024 * 1024, 1),
        SIGNED_URL_TTL_S: envInt(600, 1, 900),
        /** Direct uploads a user may have signed but not completed; beyond it POST /uploads answers 429. */
        UPLOAD_MAX_PENDING_PER_USER: envInt(10, 1, 1_000),
        CORS_ORIGINS: z
          .string()
          .default('http://127.0.0.1:3000,http://localhost:3000')
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          ),
        TRUST_PROXY: envBool(false),
        /** Requests per minute per user/admin subject (0 = off); generous enough for a busy UI. */
        RATE_LIMIT_PER_MINUTE: envInt(1_200, 0),
        /** Per ingest service token, which forwards many clients' batches. */
        RATE_LIMIT_INGEST_PER_MINUTE: envInt(30_000, 0),
        /** Recordings one user may have in the pipeline (not yet scored or failed); beyond it uploads get 429. 0 = off. */
        MAX_RECORDINGS_IN_FLIGHT_PER_USER: envInt(20, 0),
        /** JSON request bodies held in memory at once by this process; beyond it, 503 + Retry-After. */
        BODY_BYTES_IN_FLIGHT_MAX: envInt(64 * 1024 * 1024, 1024 * 1024),
        /** Open status streams (SSE) per user, and how long one may stay open before it is closed. */
        SSE_STREAMS_PER_USER: envInt(8, 1),
        SSE_MAX_LIFETIME_S: envInt(900, 1),
        /** CSV exports running at once (each holds a database connection), and how long one may stall. */
        CSV_EXPORTS_MAX: envInt(2, 1),
        CSV_EXPORT_STALL_S: envInt(30, 1),
      })
      .superRefine((v, ctx) => {
        if (v.AUTH_MODE === 'hs256' && !v.AUTH_JWT_SECRET) {
          ctx.addIssue({
            code: 'custom',
            path: ['AUTH_JWT_SECRET'],
            message: 'required when AUTH_MODE=hs256',
          });
        }
        if (v.AUTH_MODE === 'jwks' && !v.AUTH_JWKS_URL) {
          ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'required when AUTH_MODE=jwks' });
        }
        if (v.AUTH_MODE === 'jwks' && v.AUTH_DEV_TOKENS) {
          ctx.addIssue({
            code: 'custom',
            path: ['AUTH_DEV_TOKENS'],
            message: 'dev tokens need AUTH_MODE=hs256',
          });
        }
      }),
  )
  .superRefine((v, ctx) => {
    // An endpoint that mints tokens has no place where real users are: refuse to start.
    if (v.NODE_ENV === 'production' && v.AUTH_DEV_TOKENS) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_DEV_TOKENS'],
        message: 'must be off with NODE_ENV=production',
      });
    }
    if (v.NODE_ENV !== 'production') return;
    // A secret from the repository (or a default) lets its readers forge admin tokens or blob URLs.
    const secrets = {
      AUTH_JWT_SECRET: v.AUTH_MODE === 'hs256' ? v.AUTH_JWT_SECRET : undefined,
      STORAGE_FS_SIGNING_SECRET: v.STORAGE_DRIVER === 'fs' ? v.STORAGE_FS_SIGNING_SECRET : undefined,
    };
    for (const [name, value] of Object.entries(secrets)) {
      const problem = value === undefined ? undefined : productionSecretProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
