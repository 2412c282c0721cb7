/** The fs store's signing secret when none is set: fine on a laptop, forgeable anywhere else. */
export const DEFAULT_FS_SIGNING_SECRET = 'local-dev-fs-signing-secret';

/**
 * Every secret that is, or once was, written in this repository (defaults, compose, kind values, CI
 * fixtures, tests). Anyone who read the repo can sign tokens or URLs with them, so production
 * refuses them. `apps/gateway/test/system/secure-defaults.test.ts` scans the repository for
 * secret-looking literals and fails when one is accepted in production without being listed here.
 */
const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  DEFAULT_FS_SIGNING_SECRET,
  'local-development-secret-change-me-0123456789',
  'compose-dev-only-secret-0123456789abcdef',
  'kind-dev-only-secret-0123456789abcdef0123',
  'ci-only-secret-0123456789abcdef0123456789',
  '0123456789abcdef0123456789abcdef',
  'operator-provided-secret-0123456789abcdef',
  'test-secret-that-is-long-enough-0123456789',
  'another-secret-that-is-long-enough-000000',
  'soak-secret-that-is-long-enough-0123456789',
]);

/** Production secrets are long and unpublished; shorter ones are guessable from a few signed samples. */
export const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** Why `value` must not sign anything in production, or undefined when it may. */
export function productionSecretProblem(value: string): string | undefined {
  if (PUBLISHED_SECRETS.has(value)) {
    return 'is published in the voicepulse repository, so anyone can sign with it: generate one (e.g. openssl rand -hex 32)';
  }
  if (value.length < MIN_PRODUCTION_SECRET_LENGTH) {
    return `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters with NODE_ENV=production`;
  }
  return undefined;
}
