import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VALIDATOR_MODULES, renderValidatorModule } from './lib/validators';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('generated validators', () => {
  for (const mod of VALIDATOR_MODULES) {
    it(`${mod.file} is what its schemas generate today (else: npm run generate:validators)`, async () => {
      for (const [file, text] of Object.entries(await renderValidatorModule(mod, root))) {
        expect(await readFile(path.join(root, file), 'utf8'), file).toBe(text);
      }
    });
  }
});
