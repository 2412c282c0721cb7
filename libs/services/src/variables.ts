import { z } from 'zod';
import type { AnyServiceManifest } from './manifest';

export interface EnvVariable {
  name: string;
  description?: string;
  /** The default as the environment would spell it (input side of the schema). */
  default?: string;
  /** Allowed values, when the variable is an enum. */
  enum?: string[];
}

interface JsonNode {
  properties?: Record<string, JsonNode>;
  allOf?: JsonNode[];
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
}

/**
 * The variables a schema reads, with description, default and enum, through zod's own JSON Schema
 * (input side), so intersections, extensions and refinements need no walker of zod internals.
 */
export function schemaVariables(schema: z.ZodType): EnvVariable[] {
  const found = new Map<string, EnvVariable>();
  const visit = (node: JsonNode) => {
    for (const [name, p] of Object.entries(node.properties ?? {})) {
      found.set(name, {
        name,
        ...(p.description === undefined ? {} : { description: p.description }),
        ...(p.default === undefined ? {} : { default: String(p.default) }),
        ...(p.enum ? { enum: p.enum.map(String) } : {}),
      });
    }
    for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(sub);
  };
  visit(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode);
  return [...found.values()];
}

/** Every variable a service reads: its config and what its libs parse on their own. */
export function serviceVariables(manifest: AnyServiceManifest): EnvVariable[] {
  const all = new Map<string, EnvVariable>();
  for (const schema of [manifest.config, ...manifest.alsoReads]) {
    for (const v of schemaVariables(schema)) all.set(v.name, v);
  }
  return [...all.values()];
}

/**
 * Attaches descriptions to a schema that has none (a lib's own, parsed by the lib), keyed by its
 * variables: every one must be described, and a renamed one fails to compile.
 */
export function withDescriptions<S extends z.ZodObject>(
  schema: S,
  descriptions: { [K in keyof S['shape'] & string]: string },
): z.ZodObject {
  const shape = schema.shape as Record<string, z.ZodType>;
  return schema.extend(
    Object.fromEntries(
      Object.entries(descriptions as Record<string, string>).map(([name, d]) => [
        name,
        shape[name]!.describe(d),
      ]),
    ),
  );
}
