import {
  envBool,
  envInt,
  productionSecretProblem,
  retentionSchema,
  serviceBaseSchema,
  storageSchema,
  webhooksSchema,
} from '@voicepulse/config';
import { roleSchema } from '@voicepulse/contracts';
import { z } from 'zod';

export const gatewayConfigSchema = serviceBaseSchema
  .extend(retentionSchema.shape)
  .extend(webhooksSchema.shape)
  .and(storageSchema)
  .and(
    z
      .object({
        PORT: envInt(8080, 0, 65535).describe('the API'),
        AUTH_MODE: z
          .enum(['hs256', 'jwks'])
          .default('hs256')
          .describe('`hs256` (shared secret) or `jwks` (RS256/ES256 via JWKS)'),
        AUTH_JWT_SECRET: z
          .string()
          .min(32, 'must be at least 32 characters')
          .optional()
          .describe(
            'required for hs256 (random per checkout under `npm start`, kept in `.data/secrets.json`); ≥ 32 characters; with `NODE_ENV=production` any secret written in the repo is refused. Tokens must carry `exp`',
          ),
        AUTH_JWKS_URL: z.string().url().optional().describe('required for jwks'),
        AUTH_ISSUER: z.string().default('voicepulse').describe('checked on every token'),
        AUTH_AUDIENCE: z.string().default('voicepulse-api').describe('checked on every token'),
        AUTH_DEV_TOKENS: envBool(false).describe(
          'enables `POST /v1/dev/token` for loopback callers (`true` under `npm start`); refused with `NODE_ENV=production`',
        ),
        // More than `user` only when someone asked for it.
        AUTH_DEV_TOKEN_ROLES: z
          .string()
          .default('user')
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          )
          .pipe(z.array(roleSchema).min(1))
          .describe('roles a dev token may carry (`user`, `admin`, `ingest`; `user,admin` under `npm start`)'),
        MAX_UPLOAD_BYTES: envInt(200 * 1024 * 1024, 1).describe('upload limit (413 beyond)'),
        SIGNED_URL_TTL_S: envInt(600, 1, 900).describe('signed URL lifetime (capped at 900)'),
        UPLOAD_MAX_PENDING_PER_USER: envInt(10, 1, 1_000).describe(
          'direct uploads signed but not completed, per user (429 beyond; abandoned ones expire after `PENDING_UPLOAD_EXPIRY_S`)',
        ),
        CORS_ORIGINS: z
          .string()
          .default('http://127.0.0.1:3000,http://localhost:3000')
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          )
          .describe('browser origins allowed (comma-separated)'),
        TRUST_PROXY: envBool(false).describe('honour `X-Forwarded-*` (behind an ingress)'),
        // Generous enough for a busy UI.
        RATE_LIMIT_PER_MINUTE: envInt(1_200, 0).describe(
          'requests per minute per user/admin token (Redis-backed, 429 + `Retry-After`; 0 = off)',
        ),
        // An ingest service token forwards many clients' batches.
        RATE_LIMIT_INGEST_PER_MINUTE: envInt(30_000, 0).describe('requests per minute per ingest token (0 = off)'),
        MAX_RECORDINGS_IN_FLIGHT_PER_USER: envInt(20, 0).describe(
          "a user's recordings in the pipeline (not yet scored or failed); more uploads get 429 `pipeline_quota_exceeded` (0 = off)",
        ),
        BODY_BYTES_IN_FLIGHT_MAX: envInt(64 * 1024 * 1024, 1024 * 1024).describe(
          'JSON body bytes held at once per process (503 + `Retry-After` beyond)',
        ),
        SSE_STREAMS_PER_USER: envInt(8, 1).describe('open status streams per user (429 beyond)'),
        SSE_MAX_LIFETIME_S: envInt(900, 1).describe('a status stream is closed after this long (EventSource reconnects)'),
        CSV_EXPORTS_MAX: envInt(2, 1).describe(
          'CSV exports at once (each holds a database connection; 503 beyond, keep it below `DATABASE_POOL_MAX`)',
        ),
        CSV_EXPORT_STALL_S: envInt(30, 1).describe('a CSV reader that reads nothing for this long is cut'),
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
