import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, commonSchema, databaseSchema, envBool, envInt, parseConfig, redisSchema } from './index';

const schema = commonSchema.extend(databaseSchema.shape).extend(redisSchema.shape).extend({
  PORT: envInt(8080, 1, 65535),
  FEATURE: envBool(false),
});

describe('parseConfig', () => {
  it('applies local defaults', () => {
    const c = parseConfig('svc', schema, {});
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/voicepulse');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.PORT).toBe(8080);
    expect(c.FEATURE).toBe(false);
  });

  it('treats empty strings as unset and coerces types', () => {
    const c = parseConfig('svc', schema, { PORT: '', FEATURE: 'yes', DATABASE_POOL_MAX: '3' });
    expect(c.PORT).toBe(8080);
    expect(c.FEATURE).toBe(true);
    expect(c.DATABASE_POOL_MAX).toBe(3);
  });

  it('lists every offending variable in one error', () => {
    let err: unknown;
    try {
      parseConfig('gateway', schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const names = (err as ConfigError).issues.map((i) => i.variable).sort();
    expect(names).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    expect((err as Error).message).toMatch(/^gateway: invalid configuration/);
  });

  it('reports required variables by name', () => {
    expect(() => parseConfig('x', z.object({ SECRET: z.string().min(1) }), {})).toThrow(/SECRET/);
  });
});
