/**
 * What the real-cluster suite needs to drive the cluster `scripts/cluster up` left running:
 * kubectl and helm inside its network namespace, the gateway through the forwarded port, and
 * a token minted inside the gateway pod (the way an operator would).
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const clusterSh = path.join(root, 'k8s/local/cluster.sh');
const required = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this suite through scripts/cluster test`);
  return v;
};
export const gatewayUrl = required('CLUSTER_GATEWAY_URL');
const tools = required('CLUSTER_TOOLS_BIN');
export const release = process.env.RELEASE ?? 'voicepulse';
export const namespace = process.env.NAMESPACE ?? 'voicepulse';
export const fullname = release.includes('voicepulse') ? release : `${release}-voicepulse`;

const MAX = 64 * 1024 * 1024;
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    clusterSh,
    ['run', path.join(tools, 'kube'), 'kubectl', '-n', namespace, ...args],
    { maxBuffer: MAX },
  );
  return stdout;
}
export async function kubectlJson<T = { items: K8sObject[] }>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectl(...args, '-o', 'json')) as T;
}
export async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run(clusterSh, ['run', path.join(tools, 'helm'), ...args], { maxBuffer: MAX });
  return stdout;
}
/** scripts/lib/release.sh's release_install, with extra helm arguments: the command kind-up runs. */
export async function releaseInstall(...extra: string[]): Promise<void> {
  await run(
    'bash',
    [
      '-c',
      `source "${root}/scripts/lib/release.sh"; HELM_CMD=("${clusterSh}" run "${tools}/helm"); release_install "$@"`,
      'release',
      ...extra,
    ],
    { env: { ...process.env, RELEASE: release, NAMESPACE: namespace }, maxBuffer: MAX },
  );
}
export async function cluster(...args: string[]): Promise<string> {
  const { stdout } = await run(clusterSh, args, {
    maxBuffer: MAX,
    env: { ...process.env, VOICEPULSE_TOOLS_BIN: tools },
  });
  return stdout;
}
/** Runs `command` with a shell, returning stdout (for sox/ffmpeg/buildah calls). */
export async function sh(command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command], { maxBuffer: MAX });
  return stdout;
}
export function spawnLogged(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export interface K8sObject {
  kind: string;
  metadata: {
    name: string;
    uid: string;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & {
    conditions?: { type: string; status: string; lastTransitionTime: string }[];
    completionTime?: string;
    containerStatuses?: {
      name: string;
      state: { running?: { startedAt: string }; terminated?: { exitCode: number; finishedAt: string } };
    }[];
    initContainerStatuses?: {
      name: string;
      state: { terminated?: { exitCode: number; finishedAt: string } };
    }[];
  };
}

/** Pods of one component (gateway, scorer, …) of the release; not those already terminating. */
export async function podsOf(component: string): Promise<K8sObject[]> {
  const list = await kubectlJson(
    'get',
    'pods',
    '-l',
    `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`,
  );
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

export async function psql(sql: string): Promise<string> {
  return (
    await kubectl(
      'exec',
      `${fullname}-postgresql-0`,
      '--',
      'psql',
      '-U',
      'voicepulse',
      '-d',
      'voicepulse',
      '-Atc',
      sql,
    )
  ).trim();
}

/** A token for `userId`, minted in the gateway pod with the release's own secret (token.mjs). */
export async function tokenFor(userId: string): Promise<string> {
  return (
    await kubectl(
      'exec',
      `deploy/${fullname}-gateway`,
      '-c',
      'gateway',
      '--',
      'node',
      'apps/gateway/dist/token.mjs',
      '--user',
      userId,
    )
  ).trim();
}

export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 300_000,
  intervalMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
