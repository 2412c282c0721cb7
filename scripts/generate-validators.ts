/** `npm run generate:validators`: rewrites every generated validator module from its zod schemas. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VALIDATOR_MODULES, renderValidatorModule } from './lib/validators';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// In order: a later module's schemas may import an earlier generated one (queues → contracts).
for (const mod of VALIDATOR_MODULES) {
  for (const [file, text] of Object.entries(await renderValidatorModule(mod, root))) {
    await writeFile(path.join(root, file), text);
    console.error(`wrote ${file}`);
  }
}
