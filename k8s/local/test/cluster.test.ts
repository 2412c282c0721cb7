/**
 * The real-cluster suite: run by `scripts/cluster test` (npm run test:cluster) after `up` has built
 * the images, started Kubernetes and installed the chart exactly as scripts/kind-up does. In order:
 * rollouts and the smoke test, `helm test`, an upgrade to a gateway image with a new (slow)
 * migration while uploads are in flight, a worker pod deleted mid-job, and `helm uninstall`.
 */
import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cluster,
  fullname,
  gatewayUrl,
  helm,
  kubectl,
  kubectlJson,
  namespace,
  podsOf,
  poll,
  psql,
  release,
  releaseInstall,
  root,
  sh,
  spawnLogged,
  tokenFor,
  type K8sObject,
} from './cluster';

const NODE_SERVICES = ['gateway', 'transcoder', 'scorer', 'ingestor'];
const work = mkdtempSync(path.join(tmpdir(), 'vp-cluster-suite-'));

/** POST a file, retrying what a client must retry (connection refused while a pod rolls, 502/503). */
async function upload(token: string, file: string, type: string): Promise<string> {
  const body = readFileSync(file);
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const form = new FormData();
      form.append('file', new Blob([body], { type }), path.basename(file));
      const res = await fetch(`${gatewayUrl}/v1/recordings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (res.status === 202) return ((await res.json()) as { id: string }).id;
      last = `${res.status} ${await res.text()}`;
      if (res.status === 429) {
        // Back-pressure (rate limit or the per-user pipeline quota), not a refusal: a client waits
        // the Retry-After it was given and sends again, as this one does.
        await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get('retry-after')) || 5, 30) * 1_000));
        continue;
      }
      if (res.status < 500) throw new Error(`upload refused: ${last}`);
    } catch (err) {
      if (String(err).includes('upload refused')) throw err;
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`upload never accepted: ${last}`);
}

async function statusOf(token: string, id: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/v1/recordings/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET ${id}: ${res.status}`);
  return ((await res.json()) as { status: string }).status;
}

const scored = (token: string, id: string, timeoutMs = 300_000) =>
  poll(
    `recording ${id} scored`,
    async () => {
      const s = await statusOf(token, id);
      if (s === 'failed') throw new Error(`recording ${id} failed`);
      return s === 'scored' && s;
    },
    timeoutMs,
  );

/** How many analyses and metric events each recording produced: exactly-once means 1 and 1. */
async function outputsPerRecording(ids: string[]): Promise<Map<string, string>> {
  const list = ids.map((id) => `'${id}'`).join(',');
  const rows = await psql(
    `select r.id || ':' || (select count(*) from recording_analyses a where a.recording_id = r.id) || ':' ||
            (select count(*) from metric_events e where e.recording_id = r.id)
       from recordings r where r.id in (${list})`,
  );
  return new Map(
    rows
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.split(':')[0]!, l.split(':').slice(1).join(':')]),
  );
}

/** Speech of at least `seconds`: one espeak-ng sentence repeated (sox concatenates). */
async function speechWav(name: string, seconds: number): Promise<string> {
  const file = path.join(work, `${name}.wav`);
  const sentence = path.join(work, `${name}-one.wav`);
  await sh(
    `espeak-ng -w '${sentence}' 'The new phone works really well and I am happy with the call quality today.'`,
  );
  const parts = Array.from({ length: Math.max(1, Math.ceil(seconds / 5)) }, () => `'${sentence}'`).join(' ');
  await sh(`sox ${parts} -r 16000 -c 1 -b 16 '${file}'`);
  return file;
}

describe('the chart on a real Kubernetes', () => {
  let token = '';

  it('rolls out every Deployment and passes the smoke test kind-up runs', async () => {
    for (const component of [...NODE_SERVICES, 'web']) {
      await kubectl('rollout', 'status', `deploy/${fullname}-${component}`, '--timeout=300s');
    }
    token = await tokenFor('cluster-suite');
    expect(token.split('.')).toHaveLength(3);
    const smokeToken = await tokenFor(`smoke-${Date.now()}`);
    expect(
      await spawnLogged('bash', [path.join(root, 'scripts/smoke.sh'), gatewayUrl], {
        SMOKE_TOKEN: smokeToken,
      }),
    ).toBe(0);
  });

  it('passes helm test: readiness and a round trip through the queues, from inside the cluster', async () => {
    // helm exits non-zero (and execFile rejects) when any test pod fails; a failed pod stays for
    // `kubectl logs`. No --logs: the chart deletes test pods that succeeded (hook-succeeded), so
    // helm could not fetch their logs and would fail a passing test.
    const out = await helm('test', release, '-n', namespace, '--timeout', '5m');
    for (const name of [`${fullname}-test-ready`, `${fullname}-test-round-trip`]) {
      expect(out).toMatch(new RegExp(`TEST SUITE:\\s+${name}[\\s\\S]*?Phase:\\s+Succeeded`));
    }
    expect(out).not.toMatch(/Phase:\s+Failed/);
  });

  it('upgrades with a changed value: the affected pods roll, migrations apply before new pods serve, no upload is lost', async () => {
    // The next release's gateway image: today's plus one migration that takes 15 s to apply. Its row
    // records the wall-clock moment of the insert (clock_timestamp(), not now(): that is when the
    // transaction began, before the sleep), just before the migration commits and becomes visible.
    const ctx = path.join(work, 'next-gateway');
    cpSync(path.join(root, 'libs/db/migrations'), path.join(ctx, 'migrations'), { recursive: true });
    writeFileSync(
      path.join(ctx, 'migrations/9999_cluster_upgrade_probe.sql'),
      'SELECT pg_sleep(15);\n--> statement-breakpoint\nCREATE TABLE "cluster_upgrade_probe" ("applied_at" timestamptz DEFAULT now() NOT NULL);\n--> statement-breakpoint\nINSERT INTO "cluster_upgrade_probe" VALUES (clock_timestamp());\n',
    );
    const journalFile = path.join(ctx, 'migrations/meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as {
      entries: { idx: number; when: number; tag: string }[];
    };
    const lastEntry = journal.entries.at(-1)!;
    journal.entries.push({
      ...lastEntry,
      idx: lastEntry.idx + 1,
      when: Date.now(),
      tag: '9999_cluster_upgrade_probe',
    });
    writeFileSync(journalFile, JSON.stringify(journal, null, 2));
    writeFileSync(
      path.join(ctx, 'Dockerfile'),
      'FROM docker.io/voicepulse/gateway:dev\nCOPY migrations/ /app/apps/gateway/dist/migrations/\n',
    );
    await sh(
      `source '${root}/scripts/lib/containers.sh' && buildah bud --quiet --network=none --pull=never --format docker -t docker.io/voicepulse/gateway:dev-next '${ctx}'`,
    );
    await cluster('import', 'docker.io/voicepulse/gateway:dev-next');

    const before = new Map<string, string[]>();
    for (const c of [...NODE_SERVICES, 'web'])
      before.set(
        c,
        (await podsOf(c)).map((p) => p.metadata.name),
      );
    const wav = await speechWav('upgrade', 5);

    // Uploads keep arriving, one a second, for as long as the upgrade runs (and a little after).
    let upgrading = true;
    const accepted: string[] = [];
    const uploader = (async () => {
      while (upgrading) {
        accepted.push(await upload(token, wav, 'audio/wav'));
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    await new Promise((r) => setTimeout(r, 3_000));
    const upgradeStarted = Date.now();
    await releaseInstall('--set', 'gateway.image.tag=dev-next', '--set', 'scorer.concurrency=2');
    await new Promise((r) => setTimeout(r, 3_000));
    upgrading = false;
    await uploader;
    expect(accepted.length).toBeGreaterThanOrEqual(5);

    // The revision's migrations Job ran this release's migration…
    const jobs = await kubectlJson(
      'get',
      'jobs',
      '-l',
      `app.kubernetes.io/instance=${release},app.kubernetes.io/component=migrations`,
    );
    const job = jobs.items.find((j) => j.metadata.name.endsWith('-r2'));
    expect(job?.status?.completionTime, 'migrations Job of revision 2').toBeTruthy();
    expect(await psql('select count(*) from cluster_upgrade_probe')).toBe('1');
    // The migration's own commit is the moment to compare with, not the Job's completionTime: the
    // Job controller records that seconds after the pod exits, and a waiting pod may rightly start
    // in between. The kubelet reports startedAt in whole seconds, hence the floor.
    const migrated =
      Math.floor(
        Number(await psql('select extract(epoch from applied_at) from cluster_upgrade_probe')),
      ) * 1_000;
    // …and no new pod of a Node service started serving before that.
    for (const component of NODE_SERVICES) {
      const pods = await podsOf(component);
      expect(pods.length).toBeGreaterThan(0);
      for (const pod of pods) {
        expect(before.get(component), `${component} rolled`).not.toContain(pod.metadata.name);
        const main = pod.status!.containerStatuses!.find((s) => s.name === component)!;
        const startedAt = Date.parse(main.state.running!.startedAt);
        expect(startedAt, `${pod.metadata.name} started after the migration`).toBeGreaterThanOrEqual(
          migrated,
        );
        expect(pod.status!.initContainerStatuses![0]!.state.terminated!.exitCode).toBe(0);
      }
    }
    // The web pods do not depend on either value and stay as they were.
    expect((await podsOf('web')).map((p) => p.metadata.name)).toEqual(before.get('web'));
    expect(Date.now() - upgradeStarted).toBeGreaterThan(15_000);

    // Every upload the gateway accepted, before, during or after the roll, ends scored exactly once.
    for (const id of accepted) await scored(token, id);
    const outputs = await outputsPerRecording(accepted);
    expect([...outputs.values()]).toEqual(accepted.map(() => '1:1'));
  });

  it('recovers a recording whose scorer pod is deleted mid-job: scored exactly once', async () => {
    // Four minutes of speech: pocketsphinx keeps the scorer busy on it long enough to be caught.
    const long = await speechWav('long', 240);
    const id = await upload(token, long, 'audio/wav');
    await poll(
      `recording ${id} scoring`,
      async () => {
        const status = await statusOf(token, id);
        if (status === 'scored' || status === 'failed')
          throw new Error(`${id} was ${status} before it was caught mid-job`);
        return status === 'scoring';
      },
      300_000,
      200,
    );
    const [victim] = await podsOf('scorer');
    // No grace: the pod dies mid-job like a node failure, and its lock must expire for the job to
    // be picked up again by the replacement pod.
    await kubectl('delete', 'pod', victim!.metadata.name, '--grace-period=0', '--force', '--wait=true');
    await scored(token, id, 600_000);
    expect((await outputsPerRecording([id])).get(id)).toBe('1:1');
  });

  it('helm uninstall removes everything but the data volumes the chart documents it keeps', async () => {
    await helm('uninstall', release, '-n', namespace, '--wait', '--timeout', '5m');
    const kinds = (await kubectl('api-resources', '--namespaced', '--verbs=list', '-o', 'name'))
      .split('\n')
      .filter((k) => k && !/^(events|events\.events\.k8s\.io)$/.test(k));
    const remaining = async () => {
      const list = await kubectlJson<{ items: K8sObject[] }>('get', kinds.join(','), '--ignore-not-found');
      return list.items
        .filter(
          // What every namespace has whether or not a chart was ever installed in it.
          (obj) =>
            !(obj.kind === 'ServiceAccount' && obj.metadata.name === 'default') &&
            !(obj.kind === 'ConfigMap' && obj.metadata.name === 'kube-root-ca.crt'),
        )
        .map((obj) => `${obj.kind}/${obj.metadata.name}`)
        .sort();
    };
    const kept = ['postgresql', 'redis', 'minio']
      .map((c) => `PersistentVolumeClaim/data-${fullname}-${c}-0`)
      .sort();
    // Pods go with their ReplicaSets and StatefulSets after helm returns, each draining first.
    const left = await poll(
      'nothing but the kept claims',
      async () => {
        const now = await remaining();
        return now.every((r) => kept.includes(r)) && now;
      },
      180_000,
    );
    expect(left).toEqual(kept);
    expect(readFileSync(path.join(root, 'charts/voicepulse/README.md'), 'utf8')).toMatch(
      /helm uninstall[\s\S]*PersistentVolumeClaim/,
    );
  });
});
