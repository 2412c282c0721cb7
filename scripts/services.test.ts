/**
 * The service manifests against each other and the repository: every queue has exactly one
 * consuming service (each worker's start-up then proves it is wired as its manifest says), and
 * every app with an entry point declares itself.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { queueOwners } from '@voicepulse/services';
import { describe, expect, it } from 'vitest';
import { MANIFESTS, root } from './lib/services';

describe('service manifests', () => {
  it('give every queue exactly one consumer and at least one producer', () => {
    expect(queueOwners(MANIFESTS).problems).toEqual([]);
  });

  it('name each service once, with its own entry point', () => {
    expect(new Set(MANIFESTS.map((m) => m.name)).size).toBe(MANIFESTS.length);
    for (const m of MANIFESTS)
      expect(existsSync(path.join(root, m.entry.replace(/\/dist\/(\w+)\.mjs$/, '/src/$1.ts'))), m.entry).toBe(
        true,
      );
  });

  it('scale every worker on one of its queues', () => {
    expect(MANIFESTS.filter((m) => m.consumes.length && !m.scaleOn).map((m) => m.name)).toEqual([]);
  });

  it('exist for every Node app (the web app is nginx and static files)', () => {
    const apps = readdirSync(path.join(root, 'apps')).filter((a) =>
      existsSync(path.join(root, 'apps', a, 'src/main.ts')),
    );
    const declared = new Set(MANIFESTS.map((m) => m.entry.split('/')[1]));
    expect(apps.filter((a) => !declared.has(a) && a !== 'web')).toEqual([]);
  });
});
