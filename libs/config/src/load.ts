import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly issues: { variable: string; message: string }[],
  ) {
    super(
      `${service}: invalid configuration — ` +
        issues.map((i) => `${i.variable}: ${i.message}`).join('; '),
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses the environment once. Every offending variable is reported in a single error so an operator
 * fixes them all in one deploy instead of discovering them one crash at a time.
 */
export function parseConfig<S extends z.ZodType>(service: string, schema: S, env: Env = process.env): z.output<S> {
  // Empty strings mean "unset" for env vars; otherwise `FOO=` would bypass defaults.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    variable: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
  throw new ConfigError(service, issues);
}

/** Parses config or prints one clear line and exits: the start-up contract for every service. */
export function loadConfigOrExit<S extends z.ZodType>(service: string, schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(service, schema, env);
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
}

/**
 * Stops a service whose configuration parsed but does not work (FFMPEG_PATH names no usable
 * ffmpeg, …) the same way as a malformed variable: one line naming it, exit code 78.
 */
export function exitOnConfigError(err: ConfigError): never {
  console.error(err.message);
  process.exit(78); // EX_CONFIG
}
