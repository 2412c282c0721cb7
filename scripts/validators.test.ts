import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  VALIDATOR_MODULES,
  collapseNullable,
  renderValidatorModule,
  type JsonSchema,
} from './lib/validators';

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

describe('collapseNullable', () => {
  const newAjv = () => {
    const ajv = new Ajv({ allowUnionTypes: true, strict: true, strictTypes: false });
    ajv.addKeyword({ keyword: 'isShort', type: 'string', schemaType: 'boolean', validate: () => false });
    return ajv;
  };
  const orNull = (schema: JsonSchema, outer: JsonSchema = {}) => ({
    ...outer,
    anyOf: [schema, { type: 'null' }],
  });
  const probes = [null, undefined, '', 'x', 'xyz', 0, 1, 2.5, -1, true, false, {}, [], { a: null }, [null]];
  const cases: { name: string; schema: JsonSchema; collapses: boolean }[] = [
    {
      name: 'a string with length bounds',
      schema: orNull({ type: 'string', minLength: 1, maxLength: 2 }),
      collapses: true,
    },
    {
      name: 'a string with a refinement keyword',
      schema: orNull({ type: 'string', isShort: true }),
      collapses: true,
    },
    { name: 'an integer with a bound', schema: orNull({ type: 'integer', minimum: 0 }), collapses: true },
    {
      name: 'a boolean beside a default',
      schema: orNull({ type: 'boolean' }, { default: null }),
      collapses: true,
    },
    {
      name: 'a number in an array in an object',
      schema: {
        type: 'object',
        properties: { a: { type: 'array', items: orNull({ type: 'number', maximum: 1 }) } },
      },
      collapses: true,
    },
    // enum and const apply to null too, so a nullable enum must stay an anyOf.
    { name: 'an enum', schema: orNull({ type: 'string', enum: ['x'] }), collapses: false },
    { name: 'a const', schema: orNull({ type: 'number', const: 1 }), collapses: false },
    { name: 'a union of types', schema: orNull({ type: ['string', 'number'] }), collapses: false },
    {
      name: "a keyword of another type than the branch's",
      schema: orNull({ type: 'string', minimum: 1 }),
      collapses: false,
    },
    {
      name: 'a type beside the anyOf',
      schema: orNull({ type: 'string' }, { type: 'string' }),
      collapses: false,
    },
    {
      name: 'three branches',
      schema: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'number' }] },
      collapses: false,
    },
  ];
  for (const { name, schema, collapses } of cases) {
    it(`${collapses ? 'rewrites' : 'leaves'} the nullable anyOf of ${name}, accepting the same values`, () => {
      const ajv = newAjv();
      const collapsed = collapseNullable(schema, ajv);
      expect(JSON.stringify(collapsed).includes('anyOf')).toBe(!collapses);
      const [before, after] = [ajv.compile(schema), newAjv().compile(collapsed)];
      for (const v of [...probes, { a: probes }]) expect({ v, ok: after(v) }).toEqual({ v, ok: before(v) });
    });
  }
});
