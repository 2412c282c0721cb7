import { parseConfig } from '@voicepulse/config';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../../apps/gateway/src/config';
import { localSecrets } from './local-secrets';

describe('localSecrets (npm start)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes random secrets per checkout, keeps them across restarts, owner-readable only', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vp-secrets-'));
    const first = localSecrets(path.join(dir, '.data'));
    expect(localSecrets(path.join(dir, '.data'))).toEqual(first);
    expect((await stat(path.join(dir, '.data/secrets.json'))).mode & 0o777).toBe(0o600);
    const other = await mkdtemp(path.join(tmpdir(), 'vp-secrets-'));
    try {
      expect(localSecrets(other).AUTH_JWT_SECRET).not.toBe(first.AUTH_JWT_SECRET);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    // Strong enough that even production would take them.
    expect(() =>
      parseConfig('gateway', gatewayConfigSchema, { NODE_ENV: 'production', STORAGE_DRIVER: 'fs', ...first }),
    ).not.toThrow();
  });
});
