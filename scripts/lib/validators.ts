/**
 * Fast validators generated from the zod schemas: `z.toJSONSchema` → ajv standalone code, checked in
 * beside the schemas (`npm run generate:validators`; scripts/validators.test.ts fails when stale).
 *
 * Why generated and checked in rather than compiled at import time: importing ajv and compiling the
 * two schemas took 0.3–1 s of a fresh process on this (shared, loaded) machine against 40–100 ms to
 * import the generated modules (bench/validators prints both), needs `new Function` at run time and
 * ajv in every image; the standalone module needs neither, and esbuild bundles it as any source.
 *
 * Contract of each generated validator: it accepts only what its schema accepts, and only values
 * that equal the schema's output (so the caller may use them as is); anything it refuses the caller
 * sends through the schema, which accepts it (a default to fill, an unknown key to strip) or says
 * field by field why not. It is a predicate only: it reports no errors of its own (no `.errors`).
 */
import { createRequire } from 'node:module';
import Ajv, { _, Name, type KeywordCxt } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';

/**
 * The zod refinements JSON Schema cannot state, by function. The generated code calls the very same
 * function under a keyword of its name; a refinement missing here makes generation fail rather than
 * be silently dropped (toJSONSchema ignores refinements).
 */
export type Refinements = Record<string, (s: string) => boolean>;

export interface ValidatorSpec {
  schema: z.ZodType;
  /**
   * `output` for a schema with defaults or stripped keys: the validator then demands every key and
   * refuses unknown ones, so what it accepts is the schema's output unchanged. `input` only where
   * input and output are the same (strict objects without defaults).
   */
  io: 'input' | 'output';
  /** The type the generated declaration narrows to, and the module it is imported from. */
  type: { name: string; from: string };
  doc: string;
}

export interface ValidatorModule {
  /** Repository-relative path without extension: `<file>.js` and `<file>.d.ts` are written. */
  file: string;
  /** Where the generated module imports each refinement it uses from. */
  refinementImports: Record<string, string>;
  validators: () => Promise<{ refinements: Refinements; specs: Record<string, ValidatorSpec> }>;
}

// Checks toJSONSchema turns into JSON Schema that means the same thing; any other (a transform's
// `overwrite`, a refinement not in Refinements) has no JSON Schema equivalent.
const REPRESENTABLE_CHECKS = new Set([
  'min_length',
  'max_length',
  'length_equals',
  'greater_than',
  'less_than',
  'multiple_of',
  'number_format',
  'string_format',
  'describe',
  'meta',
]);

interface CheckDef {
  check: string;
  fn?: unknown;
  pattern?: RegExp;
}

function jsonSchemaOf(spec: ValidatorSpec, refinements: Refinements, used: Set<string>, where: string) {
  const names = new Map(Object.entries(refinements).map(([name, fn]) => [fn as unknown, name]));
  return z.toJSONSchema(spec.schema, {
    io: spec.io,
    target: 'draft-07',
    override: ({ zodSchema, jsonSchema, path }) => {
      const at = `${where} at /${path.join('/')}`;
      for (const check of (zodSchema._zod.def as { checks?: { _zod: { def: CheckDef } }[] }).checks ?? []) {
        const def = check._zod.def;
        if (def.check === 'custom') {
          const name = names.get(def.fn);
          if (!name) throw new Error(`${at}: a refinement that is not in the generator's refinements`);
          (jsonSchema as Record<string, unknown>)[name] = true;
          used.add(name);
        } else if (!REPRESENTABLE_CHECKS.has(def.check)) {
          throw new Error(`${at}: zod check "${def.check}" has no JSON Schema equivalent`);
        } else if (def.pattern?.flags) {
          throw new Error(
            `${at}: /${def.pattern.source}/${def.pattern.flags}: a JSON Schema pattern has no flags`,
          );
        }
      }
      // Formats are not validated (ajv-formats' uuid and date-time differ from zod's): zod emits the
      // regex it actually runs as `pattern` beside each format, and that is what is checked.
      if (jsonSchema.format !== undefined && jsonSchema.pattern === undefined) {
        throw new Error(`${at}: format "${jsonSchema.format}" without the pattern zod checks it with`);
      }
    },
  });
}

export type JsonSchema = Record<string, unknown>;

const isSchemaObject = (v: unknown): v is JsonSchema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Where a draft-07 schema holds schemas: one, a list, or a map of them.
const SUBSCHEMAS = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const SUBSCHEMA_LISTS = new Set(['items', 'anyOf', 'allOf', 'oneOf']);
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

/**
 * zod writes `T.nullable()` as `anyOf: [<T>, { type: 'null' }]`, for which ajv emits an
 * error-collecting anyOf block per field; `{ type: [<T's type>, 'null'], ...<T's keywords> }` is
 * the same check in one branch. Rewritten only where that is provably so: <T> has a single non-null
 * type and besides it only keywords of that type's group in ajv (`ajv.RULES`: maxLength, pattern,
 * the refinement keywords declared `type: 'string'`…), which ajv applies to values of that type
 * alone, so null passes them as it passed the `null` branch; and the schema holding the anyOf
 * shares no keyword with <T>. Any other anyOf is left as zod wrote it.
 */
export function collapseNullable(schema: JsonSchema, ajv: Ajv): JsonSchema {
  const sub = (v: unknown) => (isSchemaObject(v) ? collapseNullable(v, ajv) : v);
  const out = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => {
      if (SUBSCHEMA_LISTS.has(k) && Array.isArray(v)) return [k, v.map(sub)];
      if (SUBSCHEMA_MAPS.has(k) && isSchemaObject(v))
        return [k, Object.fromEntries(Object.entries(v).map(([p, s]) => [p, sub(s)]))];
      // Values (enum, const, default…) are copied as they are, whatever they look like.
      return [k, SUBSCHEMAS.has(k) ? sub(v) : v];
    }),
  );
  const branches = out.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return out;
  const nullAt = branches.findIndex(
    (b) => isSchemaObject(b) && Object.keys(b).length === 1 && b.type === 'null',
  );
  const other = branches[1 - nullAt];
  if (nullAt < 0 || !isSchemaObject(other) || typeof other.type !== 'string' || other.type === 'null')
    return out;
  const group =
    ajv.RULES.types[other.type === 'integer' ? 'number' : (other.type as keyof typeof ajv.RULES.types)];
  const ofType = new Set(typeof group === 'object' ? group.rules.map((r) => r.keyword) : []);
  const { anyOf: _, ...rest } = out;
  const keywords = Object.keys(other).filter((k) => k !== 'type');
  if ('type' in rest || keywords.some((k) => !ofType.has(k) || k in rest)) return out;
  return { ...rest, ...other, type: [other.type, 'null'] };
}

function newAjv(refinements: Refinements): Ajv {
  const ajv = new Ajv({
    code: { source: true, esm: true },
    strict: true,
    allowUnionTypes: true,
    validateFormats: false,
    messages: false,
    // zod runs its regexes without the `u` flag (jsonSchemaOf refuses any with flags). String
    // lengths need no option: zod counts code points, as ajv's default does (RUNTIME_FUNCTIONS).
    unicodeRegExp: false,
  });
  for (const [name, fn] of Object.entries(refinements)) {
    ajv.addKeyword({
      keyword: name,
      type: 'string',
      schemaType: 'boolean',
      // Emits `const funcN = <name>;` (the module imports <name>) and a call of it per value.
      code(cxt: KeywordCxt) {
        const ref = cxt.gen.scopeValue('func', { ref: fn, code: _`${new Name(name)}` });
        cxt.fail(_`!${ref}(${cxt.data})`);
      },
    });
  }
  return ajv;
}

type ReportError = (
  cxt: KeywordCxt,
  error?: unknown,
  errorPaths?: unknown,
  overrideAllErrors?: boolean,
) => void;
const require = createRequire(import.meta.url);
// The module object itself (an ESM namespace would be a frozen copy): every keyword reports through it.
const ajvErrors = require('ajv/dist/compile/errors') as {
  reportError: ReportError;
  reportExtraError: ReportError;
};
const ERRORS: Name = (require('ajv/dist/compile/names') as { default: { errors: Name } }).default.errors;

/**
 * `standaloneCode` of `ajv` with no error objects in the code: a failed check only returns false
 * (or, inside an anyOf branch, counts). ajv has no option for it, and its error objects (path, schema
 * path, keyword, params per check) are most of the generated code; no caller reads `.errors` (the
 * declarations do not even expose it): what a validator refuses goes through zod for its messages.
 * The validity logic is ajv's, untouched: it decides by that count and by the early returns alone.
 * Done by swapping ajv's two error reporters (compile/errors.js) while it generates; if an ajv
 * release stops reporting through them, the error objects reappear and this throws.
 */
function standaloneCodeWithoutErrors(ajv: Ajv, exports: Record<string, string>, file: string): string {
  const saved = { ...ajvErrors };
  const count = (cxt: KeywordCxt) => cxt.gen.code(_`${ERRORS}++`);
  const fail = (cxt: KeywordCxt) => {
    if (cxt.it.schemaEnv.$async) throw new Error(`${file}: an $async schema reports by throwing its errors`);
    cxt.gen.return(false);
  };
  ajvErrors.reportError = (cxt, _error, _paths, overrideAllErrors) =>
    (overrideAllErrors ?? (cxt.it.compositeRule || cxt.it.allErrors)) ? count(cxt) : fail(cxt);
  ajvErrors.reportExtraError = (cxt) => {
    count(cxt);
    if (!(cxt.it.compositeRule || cxt.it.allErrors)) fail(cxt);
  };
  try {
    const code = standaloneCode(ajv, exports);
    // schemaPath is in every error object.
    if (code.includes('schemaPath:'))
      throw new Error(`${file}: ajv reported an error without the reporters swapped in`);
    // Where a `$ref` is not inlined, the caller counts the errors its callee reports: none now.
    if (/\.errors\b(?!\s*=)/.test(code))
      throw new Error(`${file}: the code reads a called validator's errors, which are no longer reported`);
    return code;
  } finally {
    Object.assign(ajvErrors, saved);
  }
}

/**
 * ajv's standalone code `require`s a few runtime helpers from ajv itself. Each used here is replaced
 * by the function zod runs for the same check (zod/v4/core's `util`), so a generated module needs
 * nothing its lib does not depend on already, and counts exactly as zod does.
 */
const RUNTIME_FUNCTIONS: Record<string, { code: string; importFrom: string }> = {
  // maxLength/minLength in code points; zod's max_length/min_length checks count with this.
  'require("ajv/dist/runtime/ucs2length").default': {
    code: 'zodUtil.codePointLength',
    importFrom: "import { util as zodUtil } from 'zod/v4/core';",
  },
};

const HEADER =
  '// Generated from the zod schemas by scripts/lib/validators.ts. Do not edit: `npm run generate:validators`\n' +
  '// rewrites it, and scripts/validators.test.ts fails when it is stale.\n';

/** The files of one generated module, formatted as the repository formats them. */
export async function renderValidatorModule(
  mod: ValidatorModule,
  root: string,
): Promise<Record<string, string>> {
  const { refinements, specs } = await mod.validators();
  const ajv = newAjv(refinements);
  const used = new Set<string>();
  const exports: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    ajv.addSchema(
      collapseNullable(jsonSchemaOf(spec, refinements, used, `${mod.file}: ${name}`) as JsonSchema, ajv),
      name,
    );
    exports[name] = name;
  }
  const imports = [...used].sort().map((name) => {
    const from = mod.refinementImports[name];
    if (!from) throw new Error(`${mod.file}: uses refinement ${name}; add where to import it from`);
    return `import { ${name} } from '${from}';`;
  });
  // ESM is strict already; the directive would otherwise sit after the imports.
  let code = standaloneCodeWithoutErrors(ajv, exports, mod.file).replace(/^"use strict";/, '');
  for (const [required, { code: local, importFrom }] of Object.entries(RUNTIME_FUNCTIONS)) {
    if (!code.includes(required)) continue;
    code = code.replaceAll(required, local);
    imports.push(importFrom);
  }
  if (code.includes('require('))
    throw new Error(`${mod.file}: ajv needs a runtime function not in RUNTIME_FUNCTIONS`);
  const js = `${HEADER}/* eslint-disable */\n${imports.join('\n')}\n${code}`;
  const typeImports = new Map<string, Set<string>>();
  for (const { type } of Object.values(specs)) {
    typeImports.set(type.from, (typeImports.get(type.from) ?? new Set()).add(type.name));
  }
  const dts =
    HEADER +
    [...typeImports]
      .map(([from, names]) => `import type { ${[...names].sort().join(', ')} } from '${from}';\n`)
      .join('') +
    Object.entries(specs)
      .map(
        ([name, spec]) =>
          `\n/** ${spec.doc} */\nexport declare const ${name}: (value: unknown) => value is ${spec.type.name};\n`,
      )
      .join('');
  const pretty = async (text: string, file: string) => {
    const filepath = `${root}/${file}`;
    return format(text, { ...(await resolveConfig(filepath)), filepath });
  };
  return {
    [`${mod.file}.js`]: await pretty(js, `${mod.file}.js`),
    [`${mod.file}.d.ts`]: await pretty(dts, `${mod.file}.d.ts`),
  };
}

const CONTRACT =
  'Accepts only what the schema accepts, and only as the schema would output it, so an accepted value is used as ' +
  'is; send what it refuses through the schema for the field-by-field reasons (or its defaults and stripping).';

/** Every generated module. Each loads its schemas from their own modules, never from an index that
 * re-exports a generated module, so a stale or missing one never stops its own regeneration. */
export const VALIDATOR_MODULES: ValidatorModule[] = [
  {
    file: 'libs/contracts/src/metric-validators.generated',
    refinementImports: { isPlainText: './text', isIanaTimezone: './timezone' },
    validators: async () => {
      const { metricEventSchema } = await import('../../libs/contracts/src/metrics');
      return {
        refinements: await refinements(),
        specs: {
          isMetricEventInput: {
            schema: metricEventSchema,
            io: 'input',
            type: { name: 'MetricEventInput', from: './metrics' },
            doc: `\`metricEventSchema\` for the ingestion endpoint's hot path. ${CONTRACT}`,
          },
        },
      };
    },
  },
  {
    file: 'libs/queues/src/payload-validators.generated',
    refinementImports: { isPlainText: '@voicepulse/contracts', isIanaTimezone: '@voicepulse/contracts' },
    validators: async () => {
      const { metricsJobSchema } = await import('../../libs/queues/src/payloads');
      return {
        refinements: await refinements(),
        specs: {
          isMetricsJob: {
            schema: metricsJobSchema,
            io: 'output',
            type: { name: 'MetricsJob', from: './payloads' },
            doc: `\`metricsJobSchema\`, checked by the producer and again by the consumer of every metrics job. ${CONTRACT}`,
          },
        },
      };
    },
  },
];

async function refinements(): Promise<Refinements> {
  const [{ isPlainText }, { isIanaTimezone }] = await Promise.all([
    import('../../libs/contracts/src/text'),
    import('../../libs/contracts/src/timezone'),
  ]);
  return { isPlainText, isIanaTimezone };
}
