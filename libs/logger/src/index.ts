import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths whose values must never reach a log line, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'DATABASE_URL',
  'REDIS_URL',
  'AUTH_JWT_SECRET',
  'S3_SECRET_ACCESS_KEY',
  'STORAGE_FS_SIGNING_SECRET',
  'config.DATABASE_URL',
  'config.REDIS_URL',
  'config.AUTH_JWT_SECRET',
  'config.S3_SECRET_ACCESS_KEY',
  'config.STORAGE_FS_SIGNING_SECRET',
];

export interface CreateLoggerOptions {
  service: string;
  level?: string;
  /** Test hook: write somewhere other than stdout. */
  destination?: NodeJS.WritableStream;
}

export function createLogger({ service, level = 'info', destination }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/**
 * The correlation id is the request id of the HTTP call that started the work; it travels in every job
 * payload so one grep follows an upload through all services.
 */
export function withCorrelation(logger: Logger, correlationId: string, bindings: Record<string, unknown> = {}): Logger {
  return logger.child({ correlationId, ...bindings });
}

/** Strips credentials from connection URLs before they are logged or shown in errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
