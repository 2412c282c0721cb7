/**
 * The configuration we ship, parsed by the services themselves: the chart rendered with the values a
 * real install uses (minimal = the defaults plus what an install must set, kind, production) and
 * docker/compose.yaml, each container's environment resolved the way Kubernetes/compose resolves it
 * (ConfigMaps, Secrets, the image's ENV, ${VAR:-default}), then parsed with that service's own config
 * schema. `SENTIMENT_ENGINES=vader` made the scorer exit 78 under every shipped config while every
 * lint passed; this is the test that fails on such a value.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossFieldIssues, type AnalysisConfig } from '@voicepulse/analysis';
import { WORKER_QUEUES } from '@voicepulse/queues';
import { databaseSchema, envInt, parseConfig } from '@voicepulse/config';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { gatewayConfigSchema } from '../apps/gateway/src/config';
import { ingestorConfigSchema } from '../apps/ingestor/src/config';
import { scorerConfigSchema } from '../apps/scorer/src/config';
import { transcoderConfigSchema } from '../apps/transcoder/src/config';
// @ts-expect-error plain ESM helper without types
import { parseDockerfile } from '../docker/lint.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const chart = path.join(root, 'charts/voicepulse');

type Env = Record<string, string>;
interface Service {
  schema: z.ZodType;
  /** Rules the service checks after parsing (createAnalyzer's cross-field rules in the scorer). */
  extra?: (config: unknown) => { variable: string; message: string }[];
}
/** Every container that runs one of our entry points, by the entry it runs. */
const SERVICES: Record<string, Service> = {
  'apps/gateway/dist/main.mjs': { schema: gatewayConfigSchema },
  'apps/transcoder/dist/main.mjs': { schema: transcoderConfigSchema },
  'apps/scorer/dist/main.mjs': {
    schema: scorerConfigSchema,
    extra: (c) => crossFieldIssues(c as AnalysisConfig),
  },
  'apps/ingestor/dist/main.mjs': { schema: ingestorConfigSchema },
  'apps/gateway/dist/migrate.mjs': {
    schema: databaseSchema.extend({ MIGRATE_WAIT_S: envInt(300, 0, 3_600) }),
  },
};

/** ENV of docker/Dockerfile's `service` stage: what every Node container starts with. */
function imageEnv(): Env {
  const env: Env = {};
  let stage = '';
  for (const ins of parseDockerfile(readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8')) as {
    op: string;
    args: string;
  }[]) {
    if (ins.op === 'FROM') stage = / AS (\S+)/i.exec(ins.args)?.[1] ?? '';
    if (ins.op === 'ENV' && stage === 'service') {
      for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
    }
  }
  return env;
}

function parseAs(entry: string, env: Env): { variable: string; message: string }[] {
  const service = SERVICES[entry]!;
  try {
    const config = parseConfig(entry, service.schema, env);
    return service.extra?.(config) ?? [];
  } catch (err) {
    return (
      (err as { issues?: { variable: string; message: string }[] }).issues ?? [
        { variable: '?', message: String(err) },
      ]
    );
  }
}

function toolsBin(): string {
  return execFileSync('bash', [path.join(root, 'scripts/ensure-tools.sh'), 'helm'], {
    encoding: 'utf8',
  }).trim();
}

interface K8sContainer {
  name: string;
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}

/** The parts of a rendered manifest this test reads. */
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec: { template: { spec: { initContainers?: K8sContainer[]; containers: K8sContainer[] } } };
}

/** A secret an operator generates: production refuses every secret written in the repository. */
const operatorSecret = randomBytes(32).toString('hex');

/** What an operator's existingSecret holds (the keys values.yaml documents), for the production example. */
const EXISTING_SECRET: Env = {
  DATABASE_URL: 'postgres://voicepulse:pw@10.20.0.3:5432/voicepulse?sslmode=require',
  REDIS_URL: 'rediss://:pw@10.20.0.4:6378/0',
  REDIS_PASSWORD: 'pw',
  AUTH_JWT_SECRET: operatorSecret,
};

/** What the operator puts in compose's environment for its required (`${VAR:?…}`) variables. */
const COMPOSE_OPERATOR_ENV: Env = { AUTH_JWT_SECRET: operatorSecret };

/** `helm template` of the chart with a values file and --set overrides, as parsed documents. */
function renderDocs(valuesFile: string, set: string[] = []): Manifest[] {
  const out = execFileSync(
    path.join(toolsBin(), 'helm'),
    [
      'template',
      'vp',
      chart,
      '--namespace',
      'voicepulse',
      '-f',
      valuesFile,
      ...set.flatMap((s) => ['--set', s]),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return parseAllDocuments(out)
    .map((d) => d.toJSON() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
}

function renderChart(
  valuesFile: string,
  set: string[] = [],
): {
  containers: { workload: string; container: K8sContainer; env: Env }[];
} {
  const docs = renderDocs(valuesFile, set);
  const configMaps = new Map<string, Env>(
    docs.filter((d) => d.kind === 'ConfigMap').map((d) => [d.metadata.name, d.data ?? {}]),
  );
  const secrets = new Map<string, Env>(
    docs
      .filter((d) => d.kind === 'Secret')
      .map((d) => [
        d.metadata.name,
        Object.fromEntries(
          Object.entries(d.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]),
        ),
      ]),
  );
  const secretValue = (name: string, key: string): string | undefined =>
    secrets.has(name) ? secrets.get(name)![key] : EXISTING_SECRET[key];
  const base = imageEnv();
  const containers: { workload: string; container: K8sContainer; env: Env }[] = [];
  for (const doc of docs) {
    const spec = doc.kind === 'Deployment' || doc.kind === 'Job' ? doc.spec.template.spec : null;
    if (!spec) continue;
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const env: Env = { ...base };
      for (const from of container.envFrom ?? []) {
        if (from.configMapRef) Object.assign(env, configMaps.get(from.configMapRef.name) ?? {});
        if (from.secretRef) Object.assign(env, secrets.get(from.secretRef.name) ?? {});
      }
      for (const e of container.env ?? []) {
        const value =
          e.value ??
          (e.valueFrom?.secretKeyRef
            ? secretValue(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key)
            : e.valueFrom?.configMapKeyRef
              ? configMaps.get(e.valueFrom.configMapKeyRef.name)?.[e.valueFrom.configMapKeyRef.key]
              : undefined);
        if (value !== undefined) env[e.name] = value;
        else if (!e.valueFrom?.secretKeyRef?.optional)
          throw new Error(`${doc.metadata.name}/${container.name}: ${e.name} resolves to nothing`);
      }
      containers.push({ workload: `${doc.kind}/${doc.metadata.name}`, container, env });
    }
  }
  return { containers };
}

/** compose's ${VAR:-default} / ${VAR:?error} / ${VAR} interpolation with only the operator's variables set. */
function interpolate(value: unknown): string {
  return String(value).replace(
    /\$\{(\w+)(?::?([-?])([^}]*))?\}/g,
    (_, name: string, op: string | undefined, arg: string | undefined) => {
      const set = COMPOSE_OPERATOR_ENV[name];
      if (set) return set;
      if (op === '?') throw new Error(`compose needs ${name}: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    },
  );
}

describe('the configuration we ship parses with each service’s own schema', () => {
  const valueSets = {
    minimal: path.join(chart, 'ci/minimal-values.yaml'),
    kind: path.join(chart, 'values-kind.yaml'),
    production: path.join(chart, 'values-production.yaml'),
  };
  // The CI fixture's secret is in the repo, so production refuses it: an install brings its own.
  const sets: Record<string, string[]> = { minimal: [`secrets.authJwtSecret=${operatorSecret}`] };
  for (const [name, file] of Object.entries(valueSets)) {
    it(`chart with ${name} values: every Node container`, () => {
      const { containers } = renderChart(file, sets[name]);
      const ours = containers.filter(({ container }) => container.args?.[0] && SERVICES[container.args[0]]);
      // gateway, transcoder, scorer, ingestor, the migrations Job, and a wait-for-schema per Node Deployment
      expect(ours.length).toBeGreaterThanOrEqual(9);
      for (const entry of Object.keys(SERVICES))
        expect(ours.some((c) => c.container.args![0] === entry)).toBe(true);
      const failures = ours
        .map(({ workload, container, env }) => ({
          at: `${workload}/${container.name}`,
          issues: parseAs(container.args![0]!, env),
        }))
        .filter((f) => f.issues.length);
      expect(failures).toEqual([]);
    });
  }

  it('docker/compose.yaml: every voicepulse service', () => {
    const compose = parseYaml(readFileSync(path.join(root, 'docker/compose.yaml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { image?: string; command?: string[]; environment?: Record<string, unknown> }>;
    };
    const base = imageEnv();
    const checked: string[] = [];
    const failures: { at: string; issues: unknown }[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      const app = /^voicepulse\/(\w+):/.exec(svc.image ?? '')?.[1];
      if (!app || app === 'web') continue;
      const entry = svc.command?.[0] ?? `apps/${app}/dist/main.mjs`;
      expect(SERVICES[entry], `${name} runs ${entry}`).toBeDefined();
      const env: Env = {
        ...base,
        ...Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(v)])),
      };
      const issues = parseAs(entry, env);
      if (issues.length) failures.push({ at: name, issues });
      checked.push(name);
    }
    expect(checked.sort()).toEqual(['gateway', 'ingestor', 'migrate', 'scorer', 'transcoder']);
    expect(failures).toEqual([]);
  });

  it('compose runs the same third-party images as the chart', () => {
    const compose = parseYaml(readFileSync(path.join(root, 'docker/compose.yaml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { image?: string }>;
    };
    const values = parseYaml(readFileSync(path.join(chart, 'values.yaml'), 'utf8')) as {
      postgresql: { image: string };
      redis: { image: string };
      minio: { image: string; mcImage: string };
    };
    expect({
      postgres: compose.services.postgres?.image,
      redis: compose.services.redis?.image,
      minio: compose.services.minio?.image,
      'minio-init': compose.services['minio-init']?.image,
    }).toEqual({
      postgres: values.postgresql.image,
      redis: values.redis.image,
      minio: values.minio.image,
      'minio-init': values.minio.mcImage,
    });
  });

  it('KEDA scales each worker on the queue libs/queues declares it consumes', () => {
    const workers = Object.keys(WORKER_QUEUES) as (keyof typeof WORKER_QUEUES)[];
    const docs = renderDocs(valueSets.minimal, [
      `secrets.authJwtSecret=${operatorSecret}`,
      'config.queuePrefix=vpq',
      'keda.redis.address=redis.example:6379',
      ...workers.map((w) => `${w}.keda.enabled=true`),
    ]) as unknown as { kind: string; spec: { scaleTargetRef?: { name: string }; triggers?: { metadata: { listName: string } }[] } }[];
    const scaled = Object.fromEntries(
      docs
        .filter((d) => d.kind === 'ScaledObject')
        .map((d) => [d.spec.scaleTargetRef!.name.replace(/^vp-voicepulse-/, ''), d.spec.triggers![0]!.metadata.listName]),
    );
    expect(scaled).toEqual(Object.fromEntries(workers.map((w) => [w, `vpq:${WORKER_QUEUES[w][0]}:wait`])));
  });

  it('would have caught SENTIMENT_ENGINES=vader', () => {
    const { containers } = renderChart(valueSets.kind);
    const scorer = containers.find(({ container }) => container.args?.[0] === 'apps/scorer/dist/main.mjs')!;
    expect(parseAs('apps/scorer/dist/main.mjs', { ...scorer.env, SENTIMENT_ENGINES: 'vader' })).toEqual([
      expect.objectContaining({
        variable: 'SENTIMENT_ENGINES',
        message: expect.stringContaining('unknown engine vader'),
      }),
    ]);
  });
});
