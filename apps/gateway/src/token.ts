import { loadConfigOrExit } from '@voicepulse/config';
import { parseArgs } from 'node:util';
import { gatewayConfigSchema } from './config';
import { createAuthenticator } from './http/auth';

/** `npm run -s token -- --user alice [--role admin]`: prints just a token, for curl and scripts. */
const { values } = parseArgs({
  options: { user: { type: 'string' }, role: { type: 'string', default: 'user' }, ttl: { type: 'string', default: '43200' } },
});
if (!values.user) {
  console.error('usage: npm run -s token -- --user <id> [--role user|admin|ingest] [--ttl seconds]');
  process.exit(2);
}
const config = loadConfigOrExit('token', gatewayConfigSchema);
const auth = createAuthenticator(config);
if (!auth.sign) {
  console.error('tokens can only be minted locally with AUTH_MODE=hs256');
  process.exit(2);
}
const role = values.role as 'user' | 'admin' | 'ingest';
if (!['user', 'admin', 'ingest'].includes(role)) {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
const { token } = await auth.sign({ userId: values.user, role }, Number(values.ttl));
process.stdout.write(`${token}\n`);
