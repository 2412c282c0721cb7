/**
 * The configuration we ship, parsed by the services themselves: the chart rendered with the values a
 * real install uses (minimal = the defaults plus what an install must set, kind, production) and
 * docker/compose.yaml, each container's environment resolved the way Kubernetes/compose resolves it
 * (ConfigMaps, Secrets, the image's ENV, ${VAR:-default}), then parsed with that service's own config
 * schema. `SENTIMENT_ENGINES=vader` made the scorer exit 78 under every shipped config while every
 * lint passed; this is the test that fails on such a value. The other way round, every variable a
 * shipped config sets must be one the service reads (the chart once set `PUBLIC_BASE_URL`, which
 * nothing read). Services, their variables, queues and ports come from the manifests
 * (scripts/lib/services.ts), so a new service or variable cannot escape this test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '@voicepulse/config';
import { serviceVariables, type AnyServiceManifest } from '@voicepulse/services';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { parseDockerfile } from '../docker/lint.mjs';
import { MANIFESTS, root } from './lib/services';

const chart = path.join(root, 'charts/voicepulse');

type Env = Record<string, string>;
/** Every container that runs one of our entry points, by the entry it runs. */
const SERVICES: Record<string, AnyServiceManifest> = Object.fromEntries(MANIFESTS.map((m) => [m.entry, m]));

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
    const config = parseConfig(entry, service.config, env);
    return service.validate?.(config) ?? [];
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

/**
 * Variables set on a service's container that the service does not read: a value an operator
 * sets there changes nothing. The image's own ENV is left out (one image serves several entries).
 */
function unread(entry: string, set: Env): string[] {
  const read = new Set(serviceVariables(SERVICES[entry]!).map((v) => v.name));
  return Object.keys(set).filter((name) => !read.has(name));
}

interface K8sContainer {
  name: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
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
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec: {
    template: { spec: { initContainers?: K8sContainer[]; containers: K8sContainer[] } };
    ports?: { name: string; port: number; targetPort: string | number }[];
  };
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
  docs: Manifest[];
  /** `env`: what the container starts with; `set`: what the chart itself sets (no image ENV). */
  containers: { workload: string; container: K8sContainer; env: Env; set: Env }[];
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
  const containers: { workload: string; container: K8sContainer; env: Env; set: Env }[] = [];
  for (const doc of docs) {
    const spec = doc.kind === 'Deployment' || doc.kind === 'Job' ? doc.spec.template.spec : null;
    if (!spec) continue;
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const env: Env = {};
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
        // An unresolved optional reference still names a variable the chart means to set.
        if (value !== undefined || e.valueFrom?.secretKeyRef?.optional) env[e.name] = value ?? '';
        else throw new Error(`${doc.metadata.name}/${container.name}: ${e.name} resolves to nothing`);
      }
      containers.push({
        workload: `${doc.kind}/${doc.metadata.name}`,
        container,
        env: { ...base, ...env },
        set: env,
      });
    }
  }
  return { docs, containers };
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

const valueSets = {
  minimal: path.join(chart, 'ci/minimal-values.yaml'),
  kind: path.join(chart, 'values-kind.yaml'),
  production: path.join(chart, 'values-production.yaml'),
};
// The CI fixture's secret is in the repo, so production refuses it: an install brings its own.
const valueSetOverrides: Record<string, string[]> = { minimal: [`secrets.authJwtSecret=${operatorSecret}`] };
const rendered = new Map<string, ReturnType<typeof renderChart>>();
/** Each values file is rendered once for all the tests that read it. */
const renderValues = (name: keyof typeof valueSets) => {
  if (!rendered.has(name)) rendered.set(name, renderChart(valueSets[name], valueSetOverrides[name]));
  return rendered.get(name)!;
};

const entryOf = (c: K8sContainer) => (c.args?.[0] && SERVICES[c.args[0]] ? c.args[0] : undefined);

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, unknown>;
  ports?: string[];
}
function composeServices(): { name: string; entry: string; svc: ComposeService; set: Env }[] {
  const compose = parseYaml(readFileSync(path.join(root, 'docker/compose.yaml'), 'utf8'), {
    merge: true,
  }) as {
    services: Record<string, ComposeService>;
  };
  return Object.entries(compose.services).flatMap(([name, svc]) => {
    const app = /^voicepulse\/(\w+):/.exec(svc.image ?? '')?.[1];
    if (!app || app === 'web') return [];
    const set = Object.fromEntries(
      Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(v)]),
    );
    return [{ name, entry: svc.command?.[0] ?? `apps/${app}/dist/main.mjs`, svc, set }];
  });
}

describe('the configuration we ship parses with each service’s own schema', () => {
  for (const name of Object.keys(valueSets) as (keyof typeof valueSets)[]) {
    it(`chart with ${name} values: every Node container`, () => {
      const { containers } = renderValues(name);
      // A container running an entry point of ours that no manifest declares would escape every check.
      const undeclared = containers
        .map(({ container }) => container.args?.[0])
        .filter((entry) => entry?.endsWith('.mjs') && !SERVICES[entry]);
      expect(undeclared).toEqual([]);
      const ours = containers.filter(({ container }) => entryOf(container));
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

    it(`chart with ${name} values: sets only variables each service reads`, () => {
      const unreadVars = renderValues(name)
        .containers.filter(({ container }) => entryOf(container))
        .map(({ workload, container, set }) => ({
          at: `${workload}/${container.name}`,
          unread: unread(container.args![0]!, set),
        }))
        .filter((f) => f.unread.length);
      expect(unreadVars).toEqual([]);
    });

    it(`chart with ${name} values: ports are the manifest's, on the ports the service listens on`, () => {
      const { docs, containers } = renderValues(name);
      const problems: string[] = [];
      for (const { workload, container, env } of containers) {
        const entry = entryOf(container);
        if (!entry || workload.startsWith('Job/') || container.name === 'wait-for-schema') continue;
        const m = SERVICES[entry]!;
        const config = parseConfig(m.name, m.config, env) as Record<string, unknown>;
        const declared = Object.fromEntries(
          Object.entries(m.ports).map(([port, variable]) => [port, config[variable]]),
        );
        const actual = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
        if (JSON.stringify(actual) !== JSON.stringify(declared))
          problems.push(
            `${workload}: containerPorts ${JSON.stringify(actual)}, the service listens on ${JSON.stringify(declared)}`,
          );
        const service = docs.find(
          (d) =>
            d.kind === 'Service' && d.metadata.labels?.['app.kubernetes.io/component'] === container.name,
        );
        const targets = (service?.spec.ports ?? []).map((p) => p.targetPort).sort();
        if (JSON.stringify(targets) !== JSON.stringify(Object.keys(m.ports).sort()))
          problems.push(
            `Service of ${container.name} targets ${targets.join(', ') || 'nothing'}, not ${Object.keys(m.ports).join(', ')}`,
          );
      }
      expect(problems).toEqual([]);
    });
  }

  it('docker/compose.yaml: every voicepulse service parses, reads all it is given, publishes its own ports', () => {
    const base = imageEnv();
    const failures: { at: string; issues?: unknown; unread?: string[]; ports?: string[] }[] = [];
    const checked = composeServices().map(({ name, entry, svc, set }) => {
      expect(SERVICES[entry], `${name} runs ${entry}`).toBeDefined();
      const env = { ...base, ...set };
      const issues = parseAs(entry, env);
      if (issues.length) failures.push({ at: name, issues });
      const extra = unread(entry, set);
      if (extra.length) failures.push({ at: name, unread: extra });
      // Published ports ("host:port:container") must be ports the service listens on.
      const m = SERVICES[entry]!;
      const config = parseConfig(m.name, m.config, env) as Record<string, unknown>;
      const listening = Object.values(m.ports).map((v) => String(config[v]));
      const wrong = (svc.ports ?? []).filter((p) => !listening.includes(p.split(':').at(-1)!));
      if (wrong.length) failures.push({ at: name, ports: wrong });
      return name;
    });
    expect(checked.sort()).toEqual(MANIFESTS.map((m) => m.name).sort());
    expect(failures).toEqual([]);
  });

  it('would have caught PUBLIC_BASE_URL, set by the chart and read by nothing', () => {
    const gateway = renderValues('kind').containers.find(({ container }) => container.name === 'gateway')!;
    expect(
      unread('apps/gateway/dist/main.mjs', { ...gateway.set, PUBLIC_BASE_URL: 'https://x.example' }),
    ).toEqual(['PUBLIC_BASE_URL']);
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

  it('KEDA scales each worker on the queue its manifest names', () => {
    const workers = MANIFESTS.filter((m) => m.scaleOn);
    const docs = renderDocs(valueSets.minimal, [
      `secrets.authJwtSecret=${operatorSecret}`,
      'config.queuePrefix=vpq',
      'keda.redis.address=redis.example:6379',
      ...workers.map((w) => `${w.name}.keda.enabled=true`),
    ]) as unknown as {
      kind: string;
      spec: { scaleTargetRef?: { name: string }; triggers?: { metadata: { listName: string } }[] };
    }[];
    const scaled = Object.fromEntries(
      docs
        .filter((d) => d.kind === 'ScaledObject')
        .map((d) => [
          d.spec.scaleTargetRef!.name.replace(/^vp-voicepulse-/, ''),
          d.spec.triggers!.map((t) => t.metadata.listName),
        ]),
    );
    expect(scaled).toEqual(Object.fromEntries(workers.map((w) => [w.name, [`vpq:${w.scaleOn}:wait`]])));
  });

  it('values.schema.json enums are the enums of the variables they set', () => {
    // Each enum in the chart's schema either sets a service variable (through the chart's env) or
    // is the chart's own; a new enum must be placed in one of the two.
    const VARIABLE_OF: Record<string, string> = {
      'config.nodeEnv': 'NODE_ENV',
      'config.logLevel': 'LOG_LEVEL',
      'storage.driver': 'STORAGE_DRIVER',
      'auth.mode': 'AUTH_MODE',
      'scorer.transcriber': 'TRANSCRIBER',
      'scorer.vadEngine': 'VAD_ENGINE',
      'scorer.diarizer': 'DIARIZER',
    };
    const CHART_ONLY = [
      'image.pullPolicy',
      'gateway.service.type',
      'web.service.type',
      'serviceAccount.mountTokenIn',
    ];
    const enums: Record<string, string[]> = {};
    const walk = (node: unknown, at: string[]) => {
      if (!node || typeof node !== 'object') return;
      const n = node as { enum?: unknown[]; properties?: Record<string, unknown>; items?: unknown };
      if (n.enum) enums[at.join('.')] = n.enum.map(String).sort();
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, [...at, k]);
      walk(n.items, at);
    };
    walk(JSON.parse(readFileSync(path.join(chart, 'values.schema.json'), 'utf8')), []);
    expect(Object.keys(enums).filter((p) => !(p in VARIABLE_OF) && !CHART_ONLY.includes(p))).toEqual([]);
    const variables = new Map(MANIFESTS.flatMap((m) => serviceVariables(m)).map((v) => [v.name, v]));
    const wrong = Object.entries(VARIABLE_OF)
      .map(([valuePath, variable]) => ({
        valuePath,
        chart: enums[valuePath],
        service: [...(variables.get(variable)?.enum ?? [])].sort(),
      }))
      .filter((e) => JSON.stringify(e.chart) !== JSON.stringify(e.service));
    expect(wrong).toEqual([]);
  });

  it('would have caught SENTIMENT_ENGINES=vader', () => {
    const scorer = renderValues('kind').containers.find(
      ({ container }) => container.args?.[0] === 'apps/scorer/dist/main.mjs',
    )!;
    expect(parseAs('apps/scorer/dist/main.mjs', { ...scorer.env, SENTIMENT_ENGINES: 'vader' })).toEqual([
      expect.objectContaining({
        variable: 'SENTIMENT_ENGINES',
        message: expect.stringContaining('unknown engine vader'),
      }),
    ]);
  });
});
