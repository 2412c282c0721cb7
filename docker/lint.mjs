#!/usr/bin/env node
// Offline lint for the container build files. hadolint (Haskell) and `docker compose config`
// (no compose plugin) are not available here, so the rules this project relies on are checked
// directly. Usage:
//   node docker/lint.mjs dockerfile <file>...   node docker/lint.mjs compose <file>
//   node docker/lint.mjs images <rendered-manifests.yaml>   (every image: reference pinned)
// Prints one line per finding as "<file>:<line> <RULE> <message>" and exits 1 if there are any.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL)/i;
const REQUIRED_LABELS = [
  'org.opencontainers.image.source',
  'org.opencontainers.image.version',
  'org.opencontainers.image.revision',
];

/** A reference is pinned when it carries a digest, or an exact version tag that is not "latest". */
export function isPinnedImage(ref) {
  if (/@sha256:[a-f0-9]{64}$/.test(ref)) return true;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = ref.slice(colon + 1);
  // A bare major ("20", "15-alpine") or a moving name ("stable", "lts") drifts between builds.
  // MinIO publishes only dated release tags (RELEASE.2025-09-07T16-13-09Z); those are exact too.
  return tag !== 'latest' && /\d+\.\d+|^RELEASE\.\d{4}-/.test(tag) && !/^(stable|lts|mainline|alpine)/.test(tag);
}

/** Logical Dockerfile instructions with continuation lines joined and comments dropped. */
export function parseDockerfile(text) {
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let line = lines[i];
    if (/^\s*(#.*)?$/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      line = line.replace(/\\\s*$/, ' ') + lines[i];
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(line);
    if (m) out.push({ line: startLine, op: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

export function lintDockerfile(file, text) {
  const findings = [];
  const add = (line, rule, msg) => findings.push(`${file}:${line} ${rule} ${msg}`);
  const instructions = parseDockerfile(text);
  const globalArgs = new Map();
  const stageNames = new Set();
  let stage = null;
  const stages = [];

  for (const ins of instructions) {
    if (ins.op === 'ARG') {
      const [name, ...rest] = ins.args.split('=');
      const value = rest.join('=').replace(/^"|"$/g, '');
      if (SECRET_NAME.test(name)) add(ins.line, 'DV-SECRET', `ARG ${name} looks like a secret; use a build secret mount`);
      if (!stage && value) globalArgs.set(name.trim(), value);
      continue;
    }
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) {
        add(ins.line, 'DV-FROM', `cannot parse FROM ${ins.args}`);
        continue;
      }
      const image = m[1].replace(/\$\{?(\w+)\}?/g, (_, n) => globalArgs.get(n) ?? `<unset ${n}>`);
      // A stage built FROM an earlier stage inherits its user, health check and labels.
      const parent = stages.find((s) => s.name && s.name === m[1]);
      stage = {
        line: ins.line,
        image,
        name: m[2],
        user: parent?.user ?? null,
        healthcheck: parent?.healthcheck ?? false,
        labels: new Set(parent?.labels ?? []),
        usedBy: 0,
      };
      if (parent) parent.usedBy++;
      stages.push(stage);
      if (!stageNames.has(m[1]) && !isPinnedImage(image)) {
        add(ins.line, 'DV-PIN', `base image ${image} must be pinned to an exact version tag or a digest`);
      }
      if (m[2]) stageNames.add(m[2]);
      continue;
    }
    if (!stage) continue;
    switch (ins.op) {
      case 'COPY': {
        const from = /--from=(\S+)/.exec(ins.args)?.[1];
        const source = stages.find((s) => s.name && s.name === from);
        if (source) source.usedBy++;
        break;
      }
      case 'ADD':
        add(ins.line, /https?:\/\//.test(ins.args) ? 'DV-ADD-URL' : 'DV-ADD', 'use COPY (or a verified download in RUN), not ADD');
        break;
      case 'ENV':
        for (const m of ins.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) {
          if (SECRET_NAME.test(m[1])) add(ins.line, 'DV-SECRET', `ENV ${m[1]} bakes a secret into the image`);
        }
        break;
      case 'USER':
        stage.user = { line: ins.line, value: ins.args };
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = !/^NONE$/i.test(ins.args);
        break;
      case 'LABEL':
        for (const m of ins.args.matchAll(/([\w.-]+)=/g)) stage.labels.add(m[1]);
        break;
      case 'CMD':
      case 'ENTRYPOINT':
        if (!ins.args.startsWith('[')) add(ins.line, 'DV-EXEC', `${ins.op} must use exec (JSON) form so PID 1 receives SIGTERM`);
        break;
      case 'WORKDIR':
        if (!ins.args.startsWith('/')) add(ins.line, 'DV-WORKDIR', 'WORKDIR must be absolute');
        break;
      case 'RUN': {
        const run = ins.args;
        if (/\bapt-get\s+(-\S+\s+)*install\b/.test(run)) {
          if (!run.includes('--no-install-recommends')) add(ins.line, 'DV-APT', 'apt-get install needs --no-install-recommends');
          if (!/rm -rf \/var\/lib\/apt\/lists/.test(run) && !/--mount=type=cache,target=\/var\/lib\/apt\/lists/.test(run)) {
            add(ins.line, 'DV-APT', 'remove /var/lib/apt/lists in the same RUN, or keep it on a cache mount');
          }
        }
        if (/\b(apt-get|apt)\s+(dist-)?upgrade\b/.test(run)) add(ins.line, 'DV-APT', 'no apt-get upgrade: rebuild on a newer pinned base instead');
        if (/\bsudo\b/.test(run)) add(ins.line, 'DV-SUDO', 'sudo in a build');
        if (/\b(curl|wget)\b[^|]*\|\s*(ba)?sh\b/.test(run)) add(ins.line, 'DV-PIPE-SH', 'piping a download into a shell');
        break;
      }
      default:
        break;
    }
  }

  if (!stages.length) {
    add(1, 'DV-FROM', 'no FROM instruction');
    return findings;
  }
  // Every stage nothing else builds on is an image someone ships (a --target): check each.
  for (const target of stages.filter((s) => s.usedBy === 0)) {
    const what = target.name ? `target ${target.name}` : 'final stage';
    if (!target.user) {
      add(target.line, 'DV-USER', `${what} must switch to a non-root USER`);
    } else if (!/^[1-9]\d*(:\d+)?$/.test(target.user.value)) {
      add(target.user.line, 'DV-USER', `USER ${target.user.value} must be a numeric non-zero UID (runAsNonRoot cannot verify names)`);
    }
    if (!target.healthcheck) add(target.line, 'DV-HEALTH', `${what} needs a HEALTHCHECK`);
    for (const label of REQUIRED_LABELS) {
      if (!target.labels.has(label)) add(target.line, 'DV-LABEL', `${what} lacks label ${label}`);
    }
  }
  return findings;
}

function durationSeconds(value) {
  const m = /^(\d+)(ms|s|m)$/.exec(String(value ?? ''));
  if (!m) return 0;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60 }[m[2]];
}

const APP_IMAGE = /^voicepulse\//;

export function lintCompose(file, text) {
  const findings = [];
  const add = (rule, msg) => findings.push(`${file} ${rule} ${msg}`);
  const doc = parseYaml(text, { merge: true });
  const services = doc?.services ?? {};
  const names = new Set(Object.keys(services));
  for (const required of ['postgres', 'redis', 'minio', 'minio-init', 'migrate', 'gateway', 'transcoder', 'scorer', 'ingestor', 'web']) {
    if (!names.has(required)) add('DC-SERVICE', `service ${required} is missing`);
  }
  for (const [name, svc] of Object.entries(services)) {
    const image = svc.image ?? '';
    if (!APP_IMAGE.test(image) && !isPinnedImage(image)) add('DC-PIN', `${name}: image ${image || '(none)'} must be pinned`);
    for (const dep of Object.keys(svc.depends_on ?? {})) {
      if (!names.has(dep)) add('DC-DEPENDS', `${name}: depends_on unknown service ${dep}`);
    }
    for (const port of svc.ports ?? []) {
      if (!String(port).startsWith('127.0.0.1:')) add('DC-PORT', `${name}: publish ${port} on 127.0.0.1 only`);
    }
    if (APP_IMAGE.test(image)) {
      if (svc.read_only !== true) add('DC-HARDEN', `${name}: read_only must be true`);
      if (!(svc.cap_drop ?? []).includes('ALL')) add('DC-HARDEN', `${name}: cap_drop must include ALL`);
      if (name !== 'web' && name !== 'migrate') {
        if (durationSeconds(svc.stop_grace_period) < 30) add('DC-GRACE', `${name}: stop_grace_period must be >= 30s (apps drain for 25 s)`);
        const cond = svc.depends_on?.migrate?.condition;
        if (cond !== 'service_completed_successfully') add('DC-MIGRATE', `${name}: must wait for migrate to complete`);
      }
    }
  }
  const redisCmd = [].concat(services.redis?.command ?? []).join(' ');
  for (const flag of ['--appendonly yes', '--appendfsync everysec', '--maxmemory-policy noeviction']) {
    if (!redisCmd.includes(flag)) add('DC-REDIS', `redis must run with ${flag} (BullMQ durability)`);
  }
  if (!/^(docker\.io\/library\/)?postgres:15[.-]/.test(services.postgres?.image ?? '')) add('DC-POSTGRES', 'postgres must be version 15');
  if (!/migrate\.mjs/.test([].concat(services.migrate?.command ?? []).join(' '))) add('DC-MIGRATE', 'migrate must run apps/gateway/dist/migrate.mjs');
  return findings;
}

/** Rendered Kubernetes manifests: every container image must be pinned, never :latest. */
export function lintManifestImages(file, text) {
  const findings = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*(?:-\s+)?image:\s*"?([^"\s]+)"?\s*$/.exec(line);
    if (m && !isPinnedImage(m[1])) findings.push(`${file}:${i + 1} K8S-PIN image ${m[1]} must be pinned`);
  });
  return findings;
}

function main(argv) {
  const [mode, ...files] = argv;
  if (!['dockerfile', 'compose', 'images'].includes(mode) || files.length === 0) {
    console.error('usage: lint.mjs dockerfile|compose|images <file>...');
    return 64;
  }
  const linters = { dockerfile: lintDockerfile, compose: lintCompose, images: lintManifestImages };
  const findings = files.flatMap((f) => linters[mode](f, readFileSync(f, 'utf8')));
  for (const f of findings) console.error(f);
  console.error(`${mode} lint: ${files.length} file(s), ${findings.length} finding(s)`);
  return findings.length === 0 ? 0 : 1;
}

// Run as a command; imported (scripts/shipped-config.test.ts reads the Dockerfile with it) it only exports.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
