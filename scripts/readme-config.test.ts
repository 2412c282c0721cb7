/**
 * The README's configuration table against the services' own schemas: every default the table
 * states is the default the service parses. The table drifted from the code before (batch size,
 * flush concurrency); the schema is the source, this test keeps the table honest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { gatewayConfigSchema } from '../apps/gateway/src/config';
import { ingestorConfigSchema } from '../apps/ingestor/src/config';
import { scorerConfigSchema } from '../apps/scorer/src/config';
import { transcoderConfigSchema } from '../apps/transcoder/src/config';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMAS: Record<string, z.ZodType> = {
  gateway: gatewayConfigSchema,
  transcoder: transcoderConfigSchema,
  scorer: scorerConfigSchema,
  ingestor: ingestorConfigSchema,
};
const WORKERS = ['transcoder', 'scorer', 'ingestor'];
/** What a service needs set before it parses at all; the table documents these as required. */
const REQUIRED: Record<string, string> = { AUTH_JWT_SECRET: 'x'.repeat(40) };

/** Each service's parsed defaults, from an environment holding only what is required. */
const defaults = Object.fromEntries(
  Object.entries(SCHEMAS).map(([name, schema]) => [
    name,
    schema.parse({ ...REQUIRED }) as Record<string, unknown>,
  ]),
);

interface Row {
  line: number;
  variables: string[];
  services: string[];
  defaults: (string | null)[];
}

/** Rows of the `| variable | services | default | meaning |` table; `〃` repeats the services above. */
function tableRows(): Row[] {
  const lines = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => /^\| variable \| services \| default \| meaning \|/.test(l));
  expect(start, 'README has the configuration table').toBeGreaterThan(0);
  const rows: Row[] = [];
  let previous: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const [vars, services, dflt] = lines[i]!.split('|')
      .slice(1, 4)
      .map((c) => c.trim());
    const named = services === '〃' ? previous : services!.split(',').map((s) => s.trim());
    previous = named;
    const list = named.flatMap((s) => (s === 'all' ? Object.keys(SCHEMAS) : s === 'workers' ? WORKERS : [s]));
    // A default cell lists one value per variable, comma-separated; its first backticked token (or
    // `–` for none) is the default, anything after it in brackets is commentary.
    const cells = dflt!.split(/,\s*(?![^(]*\))/);
    rows.push({
      line: i + 1,
      variables: [...vars!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!),
      services: list.filter((s) => SCHEMAS[s]),
      defaults: cells.map((c) => /^`([^`]*)`/.exec(c.trim())?.[1] ?? null),
    });
  }
  return rows;
}

const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

describe('README configuration table', () => {
  it('states the defaults each service parses', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const row of tableRows()) {
      row.variables.forEach((variable, k) => {
        const stated =
          row.defaults.length === row.variables.length
            ? row.defaults[k]
            : row.variables.length === 1
              ? row.defaults[0]
              : null;
        if (stated == null) return;
        for (const service of row.services) {
          if (!(variable in defaults[service]!)) continue;
          checked++;
          const actual = defaults[service]![variable];
          if (show(actual) !== stated)
            wrong.push(
              `README.md:${row.line} ${variable} (${service}): table says ${stated}, schema says ${show(actual)}`,
            );
        }
      });
    }
    expect(checked).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });
});
