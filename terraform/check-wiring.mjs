#!/usr/bin/env node
// Structural check of the Terraform tree that needs no provider download (terraform validate
// does, and the registry is unreachable offline). For every module call in environments/*:
// arguments must be declared variables of the module, required variables must be passed, and
// every module.<name>.<output> reference must exist. In every directory, var.<name> must be declared.
// This is a line-based reader for the plain HCL style used here, not a general HCL parser.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const META = new Set(['source', 'depends_on', 'count', 'for_each', 'providers', 'version']);
const problems = [];

const tfText = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .map((f) => readFileSync(join(dir, f), 'utf8').replace(/#.*$/gm, ''))
    .join('\n');

/** Top-level blocks: [{ type, labels, body }] found by brace counting. */
function blocks(text) {
  const out = [];
  const re = /^(\w+)((?:\s+"[^"]*")*)\s*\{/gm;
  let m;
  while ((m = re.exec(text))) {
    let depth = 1;
    let i = re.lastIndex;
    while (depth > 0 && i < text.length) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
      i++;
    }
    out.push({ type: m[1], labels: [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]), body: text.slice(re.lastIndex, i - 1) });
    re.lastIndex = i;
  }
  return out;
}

/** Arguments assigned at the first nesting level of a block body. */
function topLevelArgs(body) {
  const args = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    const m = /^\s*(\w+)\s*=/.exec(line);
    if (depth === 0 && m) args.push(m[1]);
    for (const ch of line) {
      if (ch === '{' || ch === '[' || ch === '(') depth++;
      if (ch === '}' || ch === ']' || ch === ')') depth--;
    }
  }
  return args;
}

function moduleInterface(dir) {
  const bs = blocks(tfText(dir));
  const variables = new Map(
    bs.filter((b) => b.type === 'variable').map((b) => [b.labels[0], /^\s*default\s*=/m.test(b.body)]),
  );
  const outputs = new Set(bs.filter((b) => b.type === 'output').map((b) => b.labels[0]));
  return { variables, outputs, text: tfText(dir) };
}

function checkVarRefs(dir, iface) {
  for (const m of iface.text.matchAll(/\bvar\.(\w+)/g)) {
    if (!iface.variables.has(m[1])) problems.push(`${dir}: var.${m[1]} is not declared`);
  }
}

const modulesDir = join(root, 'modules');
for (const name of readdirSync(modulesDir)) {
  const dir = join(modulesDir, name);
  const iface = moduleInterface(dir);
  checkVarRefs(`modules/${name}`, iface);
  if (!existsSync(join(dir, 'versions.tf'))) problems.push(`modules/${name}: no versions.tf pinning the provider`);
}

const envsDir = join(root, 'environments');
let calls = 0;
for (const env of readdirSync(envsDir)) {
  const dir = join(envsDir, env);
  const envIface = moduleInterface(dir);
  checkVarRefs(`environments/${env}`, envIface);
  if (!/backend\s+"gcs"/.test(envIface.text)) problems.push(`environments/${env}: no gcs backend`);
  const modules = new Map();
  for (const b of blocks(envIface.text).filter((b) => b.type === 'module')) {
    calls++;
    const where = `environments/${env} module.${b.labels[0]}`;
    const source = /^\s*source\s*=\s*"([^"]+)"/m.exec(b.body)?.[1];
    const target = source && resolve(dir, source);
    if (!target || !existsSync(target)) {
      problems.push(`${where}: source ${source} not found`);
      continue;
    }
    const iface = moduleInterface(target);
    modules.set(b.labels[0], iface);
    const args = topLevelArgs(b.body).filter((a) => !META.has(a));
    for (const a of args) if (!iface.variables.has(a)) problems.push(`${where}: argument ${a} is not a variable of ${source}`);
    for (const [v, hasDefault] of iface.variables) {
      if (!hasDefault && !args.includes(v)) problems.push(`${where}: required variable ${v} not passed`);
    }
  }
  for (const m of envIface.text.matchAll(/\bmodule\.(\w+)\.(\w+)/g)) {
    const iface = modules.get(m[1]);
    if (!iface) problems.push(`environments/${env}: module.${m[1]} is not declared`);
    else if (!iface.outputs.has(m[2])) problems.push(`environments/${env}: module.${m[1]} has no output ${m[2]}`);
  }
}

for (const p of problems) console.error(p);
console.error(`terraform wiring: ${calls} module calls checked, ${problems.length} problem(s)`);
process.exitCode = problems.length ? 1 : 0;
