import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What `npm start` signs with: the JWT secret and the fs store's URL-signing secret. */
export interface LocalSecrets {
  AUTH_JWT_SECRET: string;
  STORAGE_FS_SIGNING_SECRET: string;
}

/**
 * Random secrets for this checkout, made on first use and kept in `.data/secrets.json` (readable by
 * the owner only) so a restart keeps sessions and signed URLs valid. A secret written in the
 * repository would let anyone who read it sign admin tokens for this machine.
 */
export function localSecrets(dataRoot: string): LocalSecrets {
  const file = path.join(dataRoot, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${file} is unreadable: ${(err as Error).message}`);
  }
  const secrets: LocalSecrets = {
    AUTH_JWT_SECRET: stored.AUTH_JWT_SECRET ?? randomBytes(32).toString('base64url'),
    STORAGE_FS_SIGNING_SECRET: stored.STORAGE_FS_SIGNING_SECRET ?? randomBytes(32).toString('base64url'),
  };
  if (
    stored.AUTH_JWT_SECRET !== secrets.AUTH_JWT_SECRET ||
    stored.STORAGE_FS_SIGNING_SECRET !== secrets.STORAGE_FS_SIGNING_SECRET
  ) {
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
