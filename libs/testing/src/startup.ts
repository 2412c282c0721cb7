import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Starts a service entry point with the given environment and expects it to refuse to start
 * because of its configuration. Returns the exit code and stderr for the caller's assertions.
 */
export async function startExpectingConfigError(entry: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const err = await run(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, timeout: 120_000 }).then(
    () => {
      throw new Error(`${entry} started although its configuration is invalid`);
    },
    (e: { code: number; stderr: string }) => e,
  );
  return { code: err.code, stderr: err.stderr };
}
