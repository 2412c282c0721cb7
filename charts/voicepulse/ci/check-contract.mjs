#!/usr/bin/env node
// Asserts the runtime contract on rendered manifests (helm template output): every workload pod
// runs as non-root; every container has a read-only root, drops ALL capabilities, uses the
// RuntimeDefault seccomp profile and requests resources; Deployments have all three probes and
// a grace period of at least 30 s (apps drain for 25 s). Usage: check-contract.mjs <rendered.yaml>
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const file = process.argv[2];
const docs = parseAllDocuments(readFileSync(file, 'utf8'))
  .map((d) => d.toJS())
  .filter(Boolean);
const problems = [];
let workloads = 0;
for (const d of docs) {
  const spec = ['Deployment', 'StatefulSet', 'Job'].includes(d.kind) ? d.spec.template.spec : null;
  if (!spec) continue;
  workloads++;
  const where = `${d.kind}/${d.metadata.name}`;
  if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${where}: pod runAsNonRoot`);
  if (d.kind === 'Deployment' && !(spec.terminationGracePeriodSeconds >= 30)) problems.push(`${where}: grace < 30s`);
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}/${c.name}: readOnlyRootFilesystem`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}/${c.name}: allowPrivilegeEscalation`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}/${c.name}: drop ALL`);
    if (sc.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${where}/${c.name}: seccomp`);
    if (!c.resources?.requests) problems.push(`${where}/${c.name}: resource requests`);
    const isInit = (spec.initContainers ?? []).includes(c);
    if (d.kind === 'Deployment' && !isInit && !(c.livenessProbe && c.readinessProbe && c.startupProbe)) {
      problems.push(`${where}/${c.name}: liveness/readiness/startup probes`);
    }
  }
}
if (workloads === 0) problems.push('no workloads found');
for (const p of problems) console.error(p);
console.error(`contract: ${workloads} workloads, ${problems.length} problem(s)`);
process.exitCode = problems.length ? 1 : 0;
