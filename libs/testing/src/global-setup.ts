import { infraEndpoints, infraEnv, isPortOpen, runInfra, waitForPort } from './infra';

/**
 * vitest globalSetup of the `integration` project (vitest.config.ts): finds the real Kafka,
 * PostgreSQL and Redis, or starts them once with deploy/local/infra.sh, before any worker
 * starts. Workers inherit the environment set here.
 *
 * Fast path: three TCP probes (a few ms) when everything already answers. infra.sh is
 * idempotent and takes a machine-wide lock, so parallel runs starting it are safe.
 */
export default async function setup(): Promise<void> {
  const env = infraEnv();
  process.env.KAFKA_BROKERS ??= env.kafkaBrokers;
  process.env.DATABASE_URL ??= env.databaseUrl;
  process.env.REDIS_URL ??= env.redisUrl;

  const endpoints = infraEndpoints(env);
  const answers = await Promise.all(endpoints.map((e) => isPortOpen(e.host, e.port, 1_000)));
  const missing = endpoints.filter((_, i) => !answers[i]);
  if (missing.length === 0) return;

  if (process.env.ROADWATCH_NO_INFRA_UP === '1') {
    throw new Error(`not answering: ${missing.map((e) => `${e.name} ${e.host}:${e.port}`).join(', ')} (ROADWATCH_NO_INFRA_UP=1, so not starting them)`);
  }
  const started = Date.now();
  console.log(`[global-setup] ${missing.map((e) => `${e.name} ${e.host}:${e.port}`).join(', ')} not answering; running bash deploy/local/infra.sh up`);
  // First run on a fresh machine installs packages and fetches Kafka's jars: allow minutes.
  await runInfra('up', { timeoutMs: 10 * 60_000, inheritStdio: true });
  // The environment may point elsewhere than where infra.sh starts things: say so plainly.
  await Promise.all(
    missing.map((e) =>
      waitForPort(e.host, e.port, 15_000).catch(() => {
        throw new Error(`infra.sh up succeeded but ${e.name} still does not answer on ${e.host}:${e.port} (check KAFKA_BROKERS / DATABASE_URL / REDIS_URL)`);
      }),
    ),
  );
  console.log(`[global-setup] infrastructure up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
