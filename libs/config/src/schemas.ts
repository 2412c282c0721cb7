import { z } from 'zod';
import { DEFAULT_FS_SIGNING_SECRET } from './secrets';

/** Booleans in env vars: accept the spellings operators actually type. */
export const envBool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const envInt = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.join(' or ')}`,
  );

export const commonSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('`production` refuses dev tokens and every secret written in the repository'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino level'),
  HEALTH_PORT: envInt(9090, 0, 65535).describe(
    '`/healthz`, `/readyz`, `/metrics` (the gateway\'s API port has the health routes, never `/metrics`)',
  ),
  HOST: z.string().default('0.0.0.0').describe('interface of every HTTP port of the service (`127.0.0.1` under `npm start`)'),
  SHUTDOWN_TIMEOUT_MS: envInt(25_000, 0).describe('drain budget on SIGTERM'),
});

export const databaseSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'])
    .default('postgres://postgres@127.0.0.1:5432/voicepulse')
    .describe('Postgres'),
  DATABASE_POOL_MAX: envInt(10, 1, 200).describe('pool size per process'),
});

export const redisSchema = z.object({
  REDIS_URL: url(['redis:', 'rediss:'])
    .default('redis://127.0.0.1:6379')
    .describe('BullMQ and status pub/sub (needs `maxmemory-policy noeviction`; AOF in production)'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/)
    .default('voicepulse')
    .describe('BullMQ key prefix (tests and shared Redis instances use their own)'),
});

/** What every service of the pipeline starts from: the common settings, its Postgres and its Redis. */
export const serviceBaseSchema = commonSchema.extend(databaseSchema.shape).extend(redisSchema.shape);

export const storageSchema = z
  .object({
    STORAGE_DRIVER: z.enum(['fs', 's3', 'gcs']).default('fs').describe('`fs`, `s3` or `gcs`'),
    STORAGE_BUCKET: z.string().min(3).default('voicepulse').describe('bucket name'),
    STORAGE_FS_ROOT: z.string().default('./.data/blobs').describe('fs store root'),
    // The fs store signs its own URLs; s3/gcs sign natively.
    STORAGE_FS_SIGNING_SECRET: z
      .string()
      .min(16)
      .default(DEFAULT_FS_SIGNING_SECRET)
      .describe(
        'HMAC key of fs-store signed URLs (random per checkout under `npm start`); with `NODE_ENV=production` and the fs driver the gateway refuses the default, any secret written in the repo, and < 32 characters',
      ),
    STORAGE_FS_PUBLIC_URL: z
      .string()
      .url()
      .default('http://127.0.0.1:8080/v1/blobs')
      .describe('where the gateway serves fs signed URLs'),
    S3_ENDPOINT: z.string().url().optional().describe('S3 API / MinIO endpoint'),
    S3_REGION: z.string().default('us-east-1').describe('S3 region'),
    S3_ACCESS_KEY_ID: z.string().optional().describe('static S3 key (optional: unset, the default credential chain applies)'),
    S3_SECRET_ACCESS_KEY: z.string().optional().describe('its secret, set together with `S3_ACCESS_KEY_ID`'),
    S3_FORCE_PATH_STYLE: envBool(true).describe('path-style bucket URLs (MinIO)'),
    GCS_PROJECT_ID: z.string().optional().describe('GCS project (ADC / Workload Identity supply credentials)'),
    GCS_API_ENDPOINT: z.string().url().optional().describe('GCS endpoint override (fake-gcs-server)'),
    GCS_CREDENTIALS_FILE: z
      .string()
      .optional()
      .describe('service-account JSON key file; unset in production, where ADC / Workload Identity apply'),
  })
  .superRefine((v, ctx) => {
    if (v.STORAGE_DRIVER === 's3' && !v.S3_ENDPOINT && !v.S3_REGION) {
      ctx.addIssue({ code: 'custom', path: ['S3_ENDPOINT'], message: 'required when STORAGE_DRIVER=s3' });
    }
    // Half a static key pair silently falls back to the default chain: almost certainly a typo.
    if (Boolean(v.S3_ACCESS_KEY_ID) !== Boolean(v.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_SECRET_ACCESS_KEY'],
        message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together',
      });
    }
  });

/** How long metric events are kept; the ingestor drops older partitions and the gateway refuses older events. */
export const retentionSchema = z.object({
  RETENTION_DAYS: envInt(400, 1, 3_650).describe('older events are refused and their partitions dropped'),
});

/** Where webhooks may be sent: checked by the gateway at registration and the transcoder at delivery. */
export const webhooksSchema = z.object({
  // Off, a user cannot make the server fetch internal services (SSRF).
  WEBHOOK_ALLOW_PRIVATE_DESTINATIONS: envBool(false).describe(
    'let webhook URLs reach private, loopback, link-local, unique-local and CGNAT addresses (on-premises receivers); off, registration answers 422 and delivery refuses them. Cloud metadata addresses are refused either way ([docs/webhooks.md](docs/webhooks.md))',
  ),
});

export type CommonConfig = z.output<typeof commonSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type RedisConfig = z.output<typeof redisSchema>;
export type StorageConfig = z.output<typeof storageSchema>;
export type WebhooksConfig = z.output<typeof webhooksSchema>;
