import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

describe('scorer start-up', () => {
  it('refuses bad configuration with one message naming every offending variable', async () => {
    const err = await run(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, DATABASE_URL: 'mysql://nope', WORKER_CONCURRENCY: 'many', STORAGE_DRIVER: 'ftp' },
      timeout: 30_000,
    }).catch((e) => e);
    expect(err.code).toBe(78);
    expect(err.stderr).toMatch(/^scorer: invalid configuration/m);
    for (const v of ['DATABASE_URL', 'WORKER_CONCURRENCY', 'STORAGE_DRIVER']) expect(err.stderr).toContain(v);
  });
});
