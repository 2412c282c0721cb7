/**
 * README.md's configuration table is generated from the service manifests (the schemas' own
 * descriptions and defaults): it drifted from the code while hand-written (batch size, flush
 * concurrency). This fails when README.md differs from what `npm run gen:config-docs` would write.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineService } from '@voicepulse/services';
import { configTable, withConfigTable } from './lib/config-docs';
import { MANIFESTS, root } from './lib/services';

describe('README configuration table', () => {
  it('is what gen:config-docs writes from the manifests', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme, 'README.md is out of date: run npm run gen:config-docs').toBe(
      withConfigTable(readme, configTable(MANIFESTS)),
    );
  });

  it('states the default each service parses', () => {
    const table = configTable(MANIFESTS);
    let checked = 0;
    for (const m of MANIFESTS) {
      // Parsed from an environment holding only what is required: the defaults the service runs with.
      const required = { AUTH_JWT_SECRET: 'x'.repeat(40) };
      const parsed = m.config.parse(required) as Record<string, unknown>;
      for (const [name, value] of Object.entries(parsed)) {
        if (name in required || !['string', 'number', 'boolean'].includes(typeof value)) continue;
        checked++;
        const row = new RegExp(
          `^\\| \`${name}\` \\| (all|[^|]*\\b${m.name}\\b[^|]*) \\| \`([^\`]*)\` \\|`,
          'm',
        );
        expect(row.exec(table)?.[2], `${m.name} ${name}`).toBe(String(value));
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('refuses a variable without a description', () => {
    const bare = defineService({
      name: 'x',
      entry: 'x.mjs',
      config: z.object({ NEW_VARIABLE: z.string().default('a') }),
      alsoReads: [],
      consumes: [],
      produces: [],
      ports: {},
    });
    expect(() => configTable([...MANIFESTS, bare])).toThrow(/x: NEW_VARIABLE/);
  });
});
