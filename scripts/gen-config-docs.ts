/** Writes README.md's configuration table from the service manifests (`npm run gen:config-docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configTable, withConfigTable } from './lib/config-docs';
import { MANIFESTS, root } from './lib/services';

const file = path.join(root, 'README.md');
const before = readFileSync(file, 'utf8');
const after = withConfigTable(before, configTable(MANIFESTS));
if (after !== before) writeFileSync(file, after);
console.log(
  after === before ? 'README.md configuration table is current' : 'README.md configuration table updated',
);
