#!/usr/bin/env node
// Structural check of the Terraform tree that needs no provider download (terraform validate
// does, and the registry is unreachable offline). In every directory of modules/* and
// environments/* (modules compose modules: modules/platform wires the others): var.<name> must be
// declared; for every module call, arguments must be declared variables of the module, required
// variables must be passed, and every module.<name>.<output> reference must exist; every moved
// block must lead from an address no longer declared to one that is (a typo there would plan a
// destroy and re-create). This is a line-based reader for the plain HCL style used here, not a
// general HCL parser.
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

/** The module calls declared in dir: name -> { source, dir (resolved, or null if missing), body }. */
function moduleCalls(dir) {
  const calls = new Map();
  for (const b of blocks(tfText(dir)).filter((b) => b.type === 'module')) {
    const source = /^\s*source\s*=\s*"([^"]+)"/m.exec(b.body)?.[1];
    const target = source && resolve(dir, source);
    calls.set(b.labels[0], { source, dir: target && existsSync(target) ? target : null, body: b.body });
  }
  return calls;
}

function checkModuleCalls(rel, dir, calls) {
  for (const [name, call] of calls) {
    const where = `${rel} module.${name}`;
    if (!call.dir) {
      problems.push(`${where}: source ${call.source} not found`);
      continue;
    }
    const iface = moduleInterface(call.dir);
    const args = topLevelArgs(call.body).filter((a) => !META.has(a));
    for (const a of args) if (!iface.variables.has(a)) problems.push(`${where}: argument ${a} is not a variable of ${call.source}`);
    for (const [v, hasDefault] of iface.variables) {
      if (!hasDefault && !args.includes(v)) problems.push(`${where}: required variable ${v} not passed`);
    }
  }
}

function checkOutputRefs(rel, text, calls) {
  for (const m of text.matchAll(/\bmodule\.(\w+)\.(\w+)/g)) {
    const call = calls.get(m[1]);
    if (!call) problems.push(`${rel}: module.${m[1]} is not declared`);
    else if (call.dir && !moduleInterface(call.dir).outputs.has(m[2])) problems.push(`${rel}: module.${m[1]} has no output ${m[2]}`);
  }
}

/** Whether a moved-block address (module.a.module.b.type.name, instance keys stripped) is declared under dir. */
function declares(dir, address) {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  while (parts[0] === 'module') {
    const call = moduleCalls(dir).get(parts[1]);
    if (!call?.dir) return false;
    dir = call.dir;
    parts.splice(0, 2);
  }
  if (parts.length === 0) return true;
  const [type, name] = parts;
  return blocks(tfText(dir)).some((b) => b.type === 'resource' && b.labels[0] === type && b.labels[1] === name);
}

function checkMoved(rel, dir, movedBlocks) {
  for (const b of movedBlocks) {
    const from = /^\s*from\s*=\s*(\S+)/m.exec(b.body)?.[1];
    const to = /^\s*to\s*=\s*(\S+)/m.exec(b.body)?.[1];
    if (!from || !to) problems.push(`${rel}: moved block without from and to`);
    else if (!declares(dir, to)) problems.push(`${rel}: moved to ${to}, which is not declared`);
    else if (declares(dir, from)) problems.push(`${rel}: moved from ${from}, which is still declared`);
  }
}

const dirs = ['modules', 'environments'].flatMap((kind) =>
  readdirSync(join(root, kind)).map((name) => ({ kind, rel: `${kind}/${name}`, dir: join(root, kind, name) })),
);
let calls = 0;
for (const { kind, rel, dir } of dirs) {
  const iface = moduleInterface(dir);
  checkVarRefs(rel, iface);
  if (kind === 'modules' && !existsSync(join(dir, 'versions.tf'))) problems.push(`${rel}: no versions.tf pinning the provider`);
  if (kind === 'environments' && !/backend\s+"gcs"/.test(iface.text)) problems.push(`${rel}: no gcs backend`);
  const declared = moduleCalls(dir);
  calls += declared.size;
  checkModuleCalls(rel, dir, declared);
  // Moved blocks name module.<call>.module.<child> addresses, not outputs: checked on their own.
  const bs = blocks(iface.text);
  checkOutputRefs(rel, bs.filter((b) => b.type !== 'moved').map((b) => b.body).join('\n'), declared);
  checkMoved(rel, dir, bs.filter((b) => b.type === 'moved'));
}

for (const p of problems) console.error(p);
console.error(`terraform wiring: ${calls} module calls checked, ${problems.length} problem(s)`);
process.exitCode = problems.length ? 1 : 0;
