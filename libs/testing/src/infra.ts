import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Helpers for integration tests against the real Kafka, PostgreSQL and Redis that
 * deploy/local/infra.sh starts (the vitest global setup finds or starts them once).
 */

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
export const DEFAULT_DATABASE_URL = 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface InfraEnv {
  /** Comma-separated `host:port` list, as KAFKA_BROKERS. */
  kafkaBrokers: string;
  databaseUrl: string;
  redisUrl: string;
  /** The same values under their environment names, for code that reads config by those. */
  KAFKA_BROKERS: string;
  DATABASE_URL: string;
  REDIS_URL: string;
}

/** Where the real servers are: the environment, else the ports infra.sh uses. */
export function infraEnv(env: NodeJS.ProcessEnv = process.env): InfraEnv {
  const kafkaBrokers = env.KAFKA_BROKERS || DEFAULT_KAFKA_BROKERS;
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  return { kafkaBrokers, databaseUrl, redisUrl, KAFKA_BROKERS: kafkaBrokers, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
}

/** `host:port` pairs the global setup probes before deciding to run `infra.sh up`. */
export function infraEndpoints(env: InfraEnv = infraEnv()): { name: string; host: string; port: number }[] {
  const [kafkaHost, kafkaPort] = splitHostPort(env.kafkaBrokers.split(',')[0] ?? DEFAULT_KAFKA_BROKERS, 9092);
  const pgUrl = new URL(env.databaseUrl);
  const redisUrl = new URL(env.redisUrl);
  return [
    { name: 'Kafka', host: kafkaHost, port: kafkaPort },
    { name: 'PostgreSQL', host: pgUrl.hostname || '127.0.0.1', port: Number(pgUrl.port || 5432) },
    { name: 'Redis', host: redisUrl.hostname || '127.0.0.1', port: Number(redisUrl.port || 6379) },
  ];
}

function splitHostPort(hostPort: string, defaultPort: number): [string, number] {
  const at = hostPort.trim().lastIndexOf(':');
  if (at <= 0) return [hostPort.trim() || '127.0.0.1', defaultPort];
  return [hostPort.slice(0, at).trim(), Number(hostPort.slice(at + 1)) || defaultPort];
}

/** One TCP connection attempt; true when something accepts it. */
export function isPortOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Resolves once `host:port` accepts TCP connections; rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isPortOpen(host, port, Math.min(1_000, Math.max(100, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`${host}:${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A name no other test (or test run) uses: per-test topic prefixes, consumer groups,
 * schemas. Lower-case letters, digits and `_` only, so it is also a valid unquoted SQL
 * identifier and a valid Kafka topic name.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${clean}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * The monorepo root: ROADWATCH_REPO_ROOT, else the first folder above this file, then above
 * the working directory, that holds deploy/local/infra.sh (tests may run from any cwd, and
 * this file may be loaded from source or from a bundle).
 */
export function repoRoot(): string {
  const fromEnv = process.env.ROADWATCH_REPO_ROOT;
  if (fromEnv && existsSync(join(fromEnv, INFRA_SCRIPT))) return resolve(fromEnv);
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, INFRA_SCRIPT))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`cannot find ${INFRA_SCRIPT} above ${starts.join(' or ')}; set ROADWATCH_REPO_ROOT`);
}

export const INFRA_SCRIPT = 'deploy/local/infra.sh';

export type InfraCommand = 'up' | 'down' | 'status' | 'kafka-start' | 'kafka-stop' | 'kafka-kill';

/**
 * Runs `bash deploy/local/infra.sh <command>`. Its progress goes to stderr (shown with the
 * test output); rejects with the tail of it when the script fails or exceeds `timeoutMs`.
 */
export function runInfra(command: InfraCommand, options: { timeoutMs?: number; inheritStdio?: boolean; env?: Record<string, string> } = {}): Promise<string> {
  const root = repoRoot();
  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(root, INFRA_SCRIPT), command], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', options.inheritStdio ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`infra.sh ${command} took longer than ${timeoutMs} ms\n${stderr.slice(-2_000)}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`infra.sh ${command} exited with ${code}\n${stderr.slice(-2_000)}`));
    });
  });
}

/** Clean broker shutdown (SIGTERM); resolves once the process is gone and the port closed. */
export async function stopKafka(): Promise<void> {
  await runInfra('kafka-stop');
}

/** Broker crash (SIGKILL); resolves once the process is gone. */
export async function killKafka(): Promise<void> {
  await runInfra('kafka-kill');
}

/** Starts the broker again (no-op when it runs); resolves once it serves metadata. */
export async function startKafka(): Promise<void> {
  await runInfra('kafka-start');
}

export interface DedicatedKafka {
  /** `127.0.0.1:<port>`, for the `brokers` option of a client. */
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/**
 * A broker of its own on `port` (controller on `port + 1`), with its own data under
 * deploy/local/.kafka/instances/<name>. For tests that kill or stop the broker: doing that
 * to the shared one on 9092 breaks every other test file running at the same time (and
 * other checkouts on the machine). Costs a JVM (~512 MB) and ~10 s to start; call stop()
 * in afterAll. Pick a port no other spec uses.
 */
export function dedicatedKafka(name: string, port: number): DedicatedKafka {
  const root = repoRoot();
  const env = {
    ROADWATCH_STATE_DIR: join(root, 'deploy/local/.kafka/instances', name.replace(/[^a-zA-Z0-9_-]/g, '_')),
    ROADWATCH_KAFKA_PORT: String(port),
    ROADWATCH_KAFKA_CONTROLLER_PORT: String(port + 1),
    ROADWATCH_KAFKA_LIBS: join(root, 'deploy/local/.kafka/libs'),
  };
  return {
    brokers: `127.0.0.1:${port}`,
    start: async () => void (await runInfra('kafka-start', { env })),
    stop: async () => void (await runInfra('kafka-stop', { env })),
    kill: async () => void (await runInfra('kafka-kill', { env })),
  };
}
