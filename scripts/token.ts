// `npm run -s token -- --user alice`: the gateway owns token minting; this only applies the secret
// `npm start` uses (this checkout's .data/secrets.json) before the gateway's config is parsed on import.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { localSecrets } from './lib/local-secrets';

process.env.AUTH_JWT_SECRET ??= localSecrets(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.data'),
).AUTH_JWT_SECRET;
await import('../apps/gateway/src/token');

export {};
