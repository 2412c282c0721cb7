#!/usr/bin/env node
// Checks k8s/kind-config.yaml offline (kind itself is not installed here): a Cluster whose
// control-plane node carries the ingress-ready label and maps host ports 80 and 443.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const cfg = parse(readFileSync(new URL('./kind-config.yaml', import.meta.url), 'utf8'));
const problems = [];
if (cfg.kind !== 'Cluster' || cfg.apiVersion !== 'kind.x-k8s.io/v1alpha4') problems.push('not a kind v1alpha4 Cluster');
const cp = (cfg.nodes ?? []).find((n) => n.role === 'control-plane');
if (!cp) problems.push('no control-plane node');
const ports = (cp?.extraPortMappings ?? []).map((m) => `${m.hostPort}->${m.containerPort}`).sort();
if (String(ports) !== '443->443,80->80') problems.push(`port mappings ${ports} (want 80->80 and 443->443)`);
if (!(cp?.kubeadmConfigPatches ?? []).some((p) => /node-labels:\s*"ingress-ready=true"/.test(p))) problems.push('no ingress-ready=true node label');
for (const p of problems) console.error(p);
process.exitCode = problems.length ? 1 : 0;
