import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ServiceMetrics, startOpsServer, type OpsServer } from '@roadwatch/runtime';
import { apiEnvSchema } from '../services/api/src/config';
import { archiverEnvSchema } from '../services/archiver/src/config';
import { casesEnvSchema } from '../services/cases/src/config';
import { supervisionEnvSchema } from '../services/supervision/src/config';
import { enforcementEnvSchema } from '../services/enforcement/src/config';
import { detectorEnvSchema } from '../services/detector/src/config';
import { gatewayEnvSchema } from '../services/gateway-jt808/src/config';
import { jt809GatewayEnvSchema } from '../services/gateway-jt809/src/config';
import { ingestWimEnvSchema } from '../services/ingest-wim/src/config';

// The images and manifests under deploy/ cannot be built or applied on the development
// machine (no container engine, no cluster), so what they tell the services is checked
// here against the services themselves: a renamed variable, a missing required one, a
// probe on a port or path the ops server does not serve, or a Node image that drifts from
// the pinned Node fails this file, naming the file and the key.
const repoRoot = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

type Env = Record<string, string>;
type EnvSchema = z.ZodObject;

const SCHEMAS: Record<string, { schema: EnvSchema; where: string }> = {
  'gateway-jt808': { schema: gatewayEnvSchema, where: 'gatewayEnvSchema (services/gateway-jt808/src/config.ts)' },
  'gateway-jt809': { schema: jt809GatewayEnvSchema, where: 'jt809GatewayEnvSchema (services/gateway-jt809/src/config.ts)' },
  'ingest-wim': { schema: ingestWimEnvSchema, where: 'ingestWimEnvSchema (services/ingest-wim/src/config.ts)' },
  detector: { schema: detectorEnvSchema, where: 'detectorEnvSchema (services/detector/src/config.ts)' },
  archiver: { schema: archiverEnvSchema, where: 'archiverEnvSchema (services/archiver/src/config.ts)' },
  cases: { schema: casesEnvSchema, where: 'casesEnvSchema (services/cases/src/config.ts)' },
  supervision: { schema: supervisionEnvSchema, where: 'supervisionEnvSchema (services/supervision/src/config.ts)' },
  enforcement: { schema: enforcementEnvSchema, where: 'enforcementEnvSchema (services/enforcement/src/config.ts)' },
  api: { schema: apiEnvSchema, where: 'apiEnvSchema (services/api/src/config.ts)' },
};
/** The embedded default hosts every service in one process (`npm start`); it is not deployed on its own. */
const NOT_DEPLOYED = new Set(['standalone']);
const DEPLOYABLE = readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !NOT_DEPLOYED.has(entry.name))
  .map((entry) => entry.name)
  .sort();

const PROBE_SCRIPT = 'deploy/docker/probe.mjs';
const IMAGE_ROOT = '/app';
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The examples ship placeholders for the secrets, which the services refuse at start (a
 * deployment must generate its own; a test below proves the refusal). The other checks stand
 * in what an operator puts there: a random 32-character value.
 */
const GENERATED_SECRET = 'q3V9xZ1pL7mN2bR8tY4wK6jH0cF5dS1a';
const SECRET_VARIABLES: Record<string, (example: string) => string> = {
  JWT_SECRET: () => GENERATED_SECRET,
  WIM_STATION_KEYS: (example) =>
    example
      .split(',')
      .map((pair) => `${pair.slice(0, pair.indexOf('='))}=${GENERATED_SECRET}`)
      .join(','),
};
const withGeneratedSecrets = (env: Env): Env => Object.fromEntries(Object.entries(env).map(([key, value]) => [key, SECRET_VARIABLES[key]?.(value) ?? value]));

/** Problems of one service's environment as a deployment gives it (secrets generated), each naming `at` and the key. */
const envProblems = (service: string, exampleEnv: Env, at: string): { problems: string[]; config?: Record<string, unknown> } => {
  const env = withGeneratedSecrets(exampleEnv);
  const entry = SCHEMAS[service];
  if (!entry) return { problems: [`${at}: no env schema known for service ${service} (add it to SCHEMAS in test/deploy.spec.ts)`] };
  const shape = entry.schema.shape as Record<string, z.ZodType>;
  const problems = [
    ...Object.keys(env)
      .filter((key) => !(key in shape))
      .map((key) => `${at}.${key}: not a key of ${entry.where}`),
    ...Object.entries(shape)
      .filter(([key, field]) => !(key in env) && !field.safeParse(undefined).success)
      .map(([key]) => `${at}.${key}: required by ${entry.where} (no default) but not set`),
  ];
  if (problems.length > 0) return { problems };
  const parsed = entry.schema.safeParse(env);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${at}.${issue.path.join('.')}: ${issue.message}`) };
  return { problems: [], config: parsed.data as Record<string, unknown> };
};

/** Every port the service listens on, by variable: GATEWAY_PORT, API_PORT, WIM_HTTP_PORT, OPS_PORT … */
const listeningPorts = (config: Record<string, unknown>): Map<number, string> =>
  new Map(
    Object.entries(config)
      .filter(([key, value]) => key.endsWith('_PORT') && typeof value === 'number')
      .map(([key, value]) => [value as number, key]),
  );

const isLoopback = (host: unknown): boolean => host === undefined || host === '127.0.0.1' || host === 'localhost' || host === '::1';

/** `node /app/deploy/docker/probe.mjs <port> <path>`, as the compose healthchecks and k8s exec probes run it. */
const probeCommand = (command: unknown): { port: number; path: string } | undefined => {
  if (!Array.isArray(command) || command.length !== 4) return undefined;
  const [node, script, port, path] = command.map(String);
  if (node !== 'node' || script !== `${IMAGE_ROOT}/${PROBE_SCRIPT}` || !/^\d+$/.test(port ?? '')) return undefined;
  return { port: Number(port), path: path ?? '' };
};

// ---------------------------------------------------------------------------------------
// docker compose

const COMPOSE_FILE = 'deploy/compose/compose.yaml';
const COMPOSE_DOTENV = 'deploy/compose/.env.example';
const COMPOSE_INFRA = new Set(['kafka', 'timescaledb', 'redis']);

const parseDotenv = (text: string): Env =>
  Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}` against .env.example. */
const interpolate = (value: string, dotenv: Env, at: string, problems: string[]): string =>
  value.replace(/\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}/g, (_match, name: string, op: string | undefined, rest: string | undefined) => {
    const given = dotenv[name];
    if (given !== undefined && (given !== '' || !op?.startsWith(':'))) return given;
    if (op?.endsWith('-')) return rest ?? '';
    problems.push(`${at}: \${${name}} is not in ${COMPOSE_DOTENV}`);
    return '';
  });

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: unknown };
}

const compose = parse(read(COMPOSE_FILE), { merge: true }) as { services: Record<string, ComposeService> };
const composeDotenv = parseDotenv(read(COMPOSE_DOTENV));
const composeApps = Object.entries(compose.services).filter(([, service]) => service.build);

const composeEnv = (name: string, service: ComposeService, problems: string[]): Env =>
  Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value ?? ''), composeDotenv, `${COMPOSE_FILE} services.${name}.environment.${key}`, problems),
    ]),
  );

describe(`${COMPOSE_FILE}`, () => {
  it('runs every deployable service, each from the one Dockerfile with SERVICE naming it', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      const at = `${COMPOSE_FILE} services.${name}`;
      if (!service.build) {
        if (!COMPOSE_INFRA.has(name)) problems.push(`${at}: neither a built service nor known infrastructure (${[...COMPOSE_INFRA].join(', ')})`);
        else if (!/^[\w./-]+:[\w.-]+$/.test(service.image ?? '') || service.image?.endsWith(':latest'))
          problems.push(`${at}.image: pin a tag (${service.image})`);
        continue;
      }
      if (join(repoRoot, 'deploy/compose', service.build.context ?? '.') !== repoRoot) problems.push(`${at}.build.context: must be the repository root`);
      if (service.build.dockerfile !== 'deploy/docker/Dockerfile')
        problems.push(`${at}.build.dockerfile: ${service.build.dockerfile} is not deploy/docker/Dockerfile`);
      const arg = service.build.args?.SERVICE;
      if (arg !== name) problems.push(`${at}.build.args.SERVICE: ${arg} should be the compose service's name ${name}`);
      if (!existsSync(join(repoRoot, 'services', String(arg), 'src/main.ts')))
        problems.push(`${at}.build.args.SERVICE: services/${arg}/src/main.ts does not exist`);
    }
    for (const service of DEPLOYABLE)
      if (!compose.services[service]?.build) problems.push(`${COMPOSE_FILE} services.${service}: missing (services/${service} exists)`);
    expect(problems).toEqual([]);
  });

  it.each(DEPLOYABLE)('%s: every variable is a key of its env schema, every required one is set, and the values parse', (name) => {
    const service = compose.services[name];
    expect(service, `${COMPOSE_FILE} services.${name}`).toBeDefined();
    const problems: string[] = [];
    const env = composeEnv(name, service!, problems);
    problems.push(...envProblems(name, env, `${COMPOSE_FILE} services.${name}.environment`).problems);
    expect(problems).toEqual([]);
  });

  it("the examples' placeholder secrets are refused at start, naming the variable", () => {
    const refused = (name: string): string[] => {
      const parsed = SCHEMAS[name]!.schema.safeParse(composeEnv(name, compose.services[name]!, []));
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(refused('api')).toEqual(['JWT_SECRET']);
    expect(refused('ingest-wim')).toEqual(['WIM_STATION_KEYS']);
  });

  it.each(DEPLOYABLE)('%s: healthcheck probes its ops port, published ports are ports it listens on', (name) => {
    const service = compose.services[name]!;
    const at = `${COMPOSE_FILE} services.${name}`;
    const { config, problems } = envProblems(name, composeEnv(name, service, []), `${at}.environment`);
    if (!config) return expect(problems).toEqual([]);
    const probe = probeCommand(
      Array.isArray(service.healthcheck?.test) && service.healthcheck.test[0] === 'CMD' ? service.healthcheck.test.slice(1) : undefined,
    );
    if (!probe) problems.push(`${at}.healthcheck.test: expected ['CMD', 'node', '${IMAGE_ROOT}/${PROBE_SCRIPT}', <OPS_PORT>, '/ready']`);
    else {
      if (probe.port !== config.OPS_PORT) problems.push(`${at}.healthcheck.test: port ${probe.port} is not OPS_PORT ${String(config.OPS_PORT)}`);
      if (probe.path !== '/ready') problems.push(`${at}.healthcheck.test: path ${probe.path} is not /ready`);
    }
    const ports = listeningPorts(config);
    for (const mapping of service.ports ?? []) {
      const container = Number(String(mapping).split(':').at(-1)?.split('/')[0]);
      if (!ports.has(container))
        problems.push(
          `${at}.ports: ${mapping} publishes ${container}, which ${name} does not listen on (${[...ports].map(([p, k]) => `${k}=${p}`).join(', ')})`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('depends_on names services that exist, and waits for health only where a healthcheck is defined', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition } = {}] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        if (!target) problems.push(`${COMPOSE_FILE} services.${name}.depends_on.${dependency}: no such service`);
        else if (condition === 'service_healthy' && !target.healthcheck)
          problems.push(`${COMPOSE_FILE} services.${name}.depends_on.${dependency}: service_healthy but ${dependency} has no healthcheck`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('points KAFKA_BROKERS, DATABASE_URL and REDIS_URL at the compose infrastructure', () => {
    const problems: string[] = [];
    for (const [name, service] of composeApps) {
      const env = composeEnv(name, service, []);
      const hosts = {
        KAFKA_BROKERS: (env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.split(':')[0] ?? ''),
        DATABASE_URL: [env.DATABASE_URL ? new URL(env.DATABASE_URL).hostname : ''],
        REDIS_URL: [env.REDIS_URL ? new URL(env.REDIS_URL).hostname : ''],
      };
      for (const [key, names] of Object.entries(hosts)) {
        for (const host of names)
          if (!COMPOSE_INFRA.has(host) || !compose.services[host])
            problems.push(`${COMPOSE_FILE} services.${name}.environment.${key}: host "${host}" is not a compose infrastructure service`);
      }
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// Kubernetes

const K8S_DIR = 'deploy/k8s';
const K8S_SECRETS = `${K8S_DIR}/secrets.example.yaml`;

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Deployment extends K8sObject {
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } };
}

const loadObjects = (path: string): (K8sObject & { file: string })[] =>
  parseAllDocuments(read(path))
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => isRecord(object))
    .map((object) => ({ ...object, file: path }));

const kustomization = parse(read(`${K8S_DIR}/kustomization.yaml`)) as { resources: string[]; images?: { name: string }[] };
const k8sObjects = kustomization.resources.flatMap((resource) => loadObjects(`${K8S_DIR}/${resource}`));
const secretsTemplate = loadObjects(K8S_SECRETS);
const deployments = k8sObjects.filter((object): object is Deployment & { file: string } => object.kind === 'Deployment');
const configMapData = (name: string): Env | undefined => k8sObjects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data as Env | undefined;
const secretData = (name: string): Env | undefined =>
  secretsTemplate.find((o) => o.kind === 'Secret' && o.metadata.name === name)?.stringData as Env | undefined;

/** The environment a container gets: envFrom first, env on top (Kubernetes' order); secrets from the template. */
const containerEnv = (container: Container, at: string, problems: string[]): Env => {
  const env: Env = {};
  for (const [i, source] of (container.envFrom ?? []).entries()) {
    const data = source.configMapRef ? configMapData(source.configMapRef.name) : source.secretRef ? secretData(source.secretRef.name) : undefined;
    if (!data) problems.push(`${at}.envFrom[${i}]: ${JSON.stringify(source)} is neither a ConfigMap of the kustomization nor a Secret of ${K8S_SECRETS}`);
    Object.assign(env, data ?? {});
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from?.secretKeyRef) {
      const value = secretData(from.secretKeyRef.name)?.[from.secretKeyRef.key];
      if (value === undefined)
        problems.push(`${at}.env.${variable.name}: secret ${from.secretKeyRef.name} key ${from.secretKeyRef.key} is not in ${K8S_SECRETS}`);
      env[variable.name] = value ?? '';
    } else if (from?.configMapKeyRef) {
      const value = configMapData(from.configMapKeyRef.name)?.[from.configMapKeyRef.key];
      if (value === undefined) problems.push(`${at}.env.${variable.name}: ConfigMap ${from.configMapKeyRef.name} has no key ${from.configMapKeyRef.key}`);
      env[variable.name] = value ?? '';
    } else if (from?.fieldRef) {
      env[variable.name] = `${from.fieldRef.fieldPath}-of-the-pod`;
    } else {
      env[variable.name] = String(variable.value ?? '');
    }
  }
  return env;
};

const deploymentNamed = (name: string) => deployments.find((d) => d.metadata.name === name);

describe(`${K8S_DIR}`, () => {
  it('lists only files that exist, and a Deployment for every deployable service', () => {
    const problems = [
      ...kustomization.resources
        .filter((resource) => !existsSync(join(repoRoot, K8S_DIR, resource)))
        .map((resource) => `${K8S_DIR}/kustomization.yaml resources: ${resource} does not exist`),
      ...DEPLOYABLE.filter((service) => !deploymentNamed(service)).map((service) => `${K8S_DIR}: no Deployment ${service} (services/${service} exists)`),
      ...deployments
        .filter((d) => !DEPLOYABLE.includes(d.metadata.name))
        .map((d) => `${d.file} Deployment ${d.metadata.name}: no such directory under services/`),
    ];
    expect(problems).toEqual([]);
  });

  it.each(DEPLOYABLE)('%s: runs its own image (built with SERVICE=%s, whose CMD runs its src/main.ts) and labels agree', (name) => {
    const deployment = deploymentNamed(name);
    expect(deployment, `${K8S_DIR}: Deployment ${name}`).toBeDefined();
    const at = `${deployment!.file} Deployment ${name}`;
    const [container, ...others] = deployment!.spec.template.spec.containers;
    const problems: string[] = [];
    if (others.length > 0 || !container) problems.push(`${at}: expected exactly one container`);
    const podLabels = deployment!.spec.template.metadata.labels;
    if (podLabels['app.kubernetes.io/name'] !== name) problems.push(`${at}.spec.template.metadata.labels: app.kubernetes.io/name should be ${name}`);
    for (const [key, value] of Object.entries(deployment!.spec.selector.matchLabels))
      if (podLabels[key] !== value) problems.push(`${at}.spec.selector.matchLabels.${key}: does not select the pod template`);
    if (container) {
      if (container.image !== `roadwatch/${name}`)
        problems.push(`${at} container ${container.name}.image: ${container.image} should be roadwatch/${name} (tagged in kustomization.yaml images)`);
      if (container.command || container.args)
        problems.push(`${at} container ${container.name}: command/args override the image's CMD (services/${name}/src/main.ts)`);
      if (!kustomization.images?.some((image) => image.name === container.image))
        problems.push(`${K8S_DIR}/kustomization.yaml images: no entry for ${container.image}`);
      if (!container.resources?.requests?.cpu || !container.resources.requests.memory || !container.resources.limits?.memory)
        problems.push(`${at} container ${container.name}.resources: set requests (cpu, memory) and a memory limit`);
    }
    if (!existsSync(join(repoRoot, 'services', name, 'src/main.ts'))) problems.push(`${at}: services/${name}/src/main.ts does not exist`);
    expect(problems).toEqual([]);
  });

  it.each(DEPLOYABLE)('%s: every variable is a key of its env schema, every required one is set, and the values parse', (name) => {
    const deployment = deploymentNamed(name);
    expect(deployment, `${K8S_DIR}: Deployment ${name}`).toBeDefined();
    const container = deployment!.spec.template.spec.containers[0]!;
    const at = `${deployment!.file} Deployment ${name} container ${container.name}`;
    const problems: string[] = [];
    const env = containerEnv(container, at, problems);
    problems.push(...envProblems(name, env, `${at}.env`).problems);
    expect(problems).toEqual([]);
  });

  it.each(DEPLOYABLE)(
    '%s: probes reach the ops server (its port, /health for liveness and startup, /ready for readiness), container ports are ports it listens on',
    (name) => {
      const deployment = deploymentNamed(name)!;
      const container = deployment.spec.template.spec.containers[0]!;
      const at = `${deployment.file} Deployment ${name} container ${container.name}`;
      const { config, problems } = envProblems(name, containerEnv(container, at, []), `${at}.env`);
      if (!config) return expect(problems).toEqual([]);
      const ports = listeningPorts(config);
      for (const port of container.ports ?? []) {
        if (!ports.has(port.containerPort)) problems.push(`${at}.ports.${port.name ?? port.containerPort}: ${name} does not listen on ${port.containerPort}`);
        else if (port.containerPort === config.OPS_PORT && isLoopback(config.OPS_HOST))
          problems.push(`${at}.ports.${port.name ?? port.containerPort}: the ops server listens on 127.0.0.1 only`);
      }
      const expected = { startupProbe: '/health', livenessProbe: '/health', readinessProbe: '/ready' } as const;
      for (const [kind, path] of Object.entries(expected) as [keyof typeof expected, string][]) {
        const probe = container[kind];
        if (!probe) {
          problems.push(`${at}.${kind}: missing`);
          continue;
        }
        let target: { port: number; path: string } | undefined;
        if (probe.httpGet) {
          const { port } = probe.httpGet;
          const resolved = typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
          if (resolved === undefined) problems.push(`${at}.${kind}.httpGet.port: no container port named ${port}`);
          // kubelet connects to the pod IP: an ops server on 127.0.0.1 never answers it.
          if (isLoopback(config.OPS_HOST))
            problems.push(
              `${at}.${kind}.httpGet: ${name}'s ops server listens on 127.0.0.1 (no OPS_HOST or OPS_HOST loopback); use the exec probe ${PROBE_SCRIPT}`,
            );
          target = { port: resolved ?? -1, path: probe.httpGet.path };
        } else {
          target = probeCommand(probe.exec?.command);
          if (!target) problems.push(`${at}.${kind}.exec.command: expected [node, ${IMAGE_ROOT}/${PROBE_SCRIPT}, <OPS_PORT>, <path>]`);
        }
        if (target && target.port !== config.OPS_PORT) problems.push(`${at}.${kind}: port ${target.port} is not OPS_PORT ${String(config.OPS_PORT)}`);
        if (target && target.path !== path) problems.push(`${at}.${kind}: path ${target.path} should be ${path}`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('Services select a Deployment and target ports its container declares; the gateway is reachable from outside', () => {
    const problems: string[] = [];
    for (const service of k8sObjects.filter((o) => o.kind === 'Service')) {
      const spec = service.spec as {
        type?: string;
        selector?: Record<string, string>;
        ports?: { name?: string; port: number; targetPort?: number | string }[];
      };
      const at = `${service.file} Service ${service.metadata.name}`;
      const target = deployments.find((d) => Object.entries(spec.selector ?? {}).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      if (!target || !spec.selector) {
        problems.push(`${at}.spec.selector: selects no Deployment`);
        continue;
      }
      const declared = target.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
      for (const port of spec.ports ?? []) {
        const targetPort = port.targetPort ?? port.port;
        if (!declared.some((p) => p.name === targetPort || p.containerPort === targetPort))
          problems.push(`${at}.spec.ports.${port.name ?? port.port}: targetPort ${targetPort} is not a container port of ${target.metadata.name}`);
      }
    }
    const gatewayPublic = k8sObjects.some(
      (o) =>
        o.kind === 'Service' &&
        ['LoadBalancer', 'NodePort'].includes(String((o.spec as { type?: string }).type)) &&
        (o.spec as { selector?: Record<string, string> }).selector?.['app.kubernetes.io/name'] === 'gateway-jt808',
    );
    if (!gatewayPublic) problems.push(`${K8S_DIR}/gateway-jt808.yaml: terminals connect from outside, so the gateway needs a LoadBalancer or NodePort Service`);
    expect(problems).toEqual([]);
  });

  it('the API scales with an HPA on its Deployment', () => {
    const hpas = k8sObjects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    const targets = hpas.map((o) => (o.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef);
    for (const target of targets) expect(deploymentNamed(target.name), `HorizontalPodAutoscaler target ${target.kind}/${target.name}`).toBeDefined();
    expect(targets.map((t) => t.name)).toContain('api');
  });
});

// ---------------------------------------------------------------------------------------
// The ops server, the Dockerfile and Node

describe('probe paths are what startOpsServer serves', () => {
  let server: OpsServer;
  beforeAll(async () => {
    server = await startOpsServer({ port: 0, metrics: new ServiceMetrics('deploy-spec', { defaultMetrics: false }), readiness: [] });
  });
  afterAll(async () => server.close());

  it('answers /health and /ready with 200 and an unknown path with 404', async () => {
    const status = async (path: string) => (await fetch(`http://127.0.0.1:${server.port}${path}`)).status;
    expect({ health: await status('/health'), ready: await status('/ready'), unknown: await status('/healthz') }).toEqual({
      health: 200,
      ready: 200,
      unknown: 404,
    });
  });

  it(`${PROBE_SCRIPT} is in the image (.dockerignore keeps it)`, () => {
    expect(existsSync(join(repoRoot, PROBE_SCRIPT))).toBe(true);
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const kept = ['deploy', 'deploy/docker', PROBE_SCRIPT, 'package-lock.json', 'web', 'libs', 'services'];
    expect(ignored.filter((pattern) => kept.includes(pattern.replace(/^\/|\/$/g, '')))).toEqual([]);
  });
});

describe('deploy/docker/Dockerfile', () => {
  const DOCKERFILE = 'deploy/docker/Dockerfile';
  const text = read(DOCKERFILE);
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
  const nodeImage = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-[\w-]+$/m.exec(text);

  it('bases every stage on the pinned Node: devDependency "node" exactly, inside engines.node', () => {
    expect(nodeImage, `${DOCKERFILE}: ARG NODE_IMAGE=node:<x.y.z>-<variant>`).not.toBeNull();
    const version = nodeImage!.slice(1, 4).map(Number) as [number, number, number];
    expect(version.join('.'), `${DOCKERFILE} NODE_IMAGE vs package.json devDependencies.node`).toBe(pkg.devDependencies.node);
    const compare = (a: number[], b: number[]): number => a.map((x, i) => x - (b[i] ?? 0)).find((d) => d !== 0) ?? 0;
    for (const comparator of pkg.engines.node.split(/\s+/)) {
      const [, op = '=', ...parts] = /^(>=|<=|>|<|=)?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(comparator) ?? [];
      const bound = parts.filter((p) => p !== undefined).map(Number);
      const c = compare(version.slice(0, bound.length), bound);
      const ok = { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0 }[op];
      expect(ok, `${DOCKERFILE} node ${version.join('.')} vs package.json engines.node "${comparator}"`).toBe(true);
    }
    const stages: string[] = [];
    for (const [, from, , stage] of text.matchAll(/^FROM\s+(\S+)(\s+AS\s+(\S+))?/gim)) {
      expect(from === '${NODE_IMAGE}' || stages.includes(from!), `${DOCKERFILE} FROM ${from}: neither \${NODE_IMAGE} nor an earlier stage`).toBe(true);
      if (stage) stages.push(stage);
    }
  });

  it('installs from the lock file with dev dependencies (tsx runs the services) and runs services/$SERVICE/src/main.ts as each start script does', () => {
    expect(text).toMatch(/^RUN .*npm ci\b(?!.*--omit=dev)(?!.*--production)/m);
    expect(text).toMatch(/^USER (?!root\b)\S+/m);
    const runtime = text.slice(text.lastIndexOf('\nFROM '));
    expect(runtime, `${DOCKERFILE} final stage`).toMatch(/^WORKDIR \/app\/services\/\$\{SERVICE\}$/m);
    expect(runtime, `${DOCKERFILE} final stage`).toMatch(/^CMD \["node", "--import", "tsx", "src\/main\.ts"\]$/m);
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    for (const service of DEPLOYABLE) {
      const scripts = (JSON.parse(read(`services/${service}/package.json`)) as { scripts?: Record<string, string> }).scripts;
      expect(scripts?.start, `services/${service}/package.json scripts.start`).toBe('tsx src/main.ts');
    }
  });
});
