/**
 * What a sign-in brute force costs everyone else: one API instance on real PostgreSQL, a
 * signed-in operator listing vehicles one request after another (its p50/p99 measured), while
 * an attacker fires wrong passwords for one user name in parallel. Three phases: quiet, the
 * attack with the default sign-in limits, and the attack with limits raised out of the way
 * (every guess reaches scrypt, so only the bounded password gate protects the others).
 * Prints figures; not a test.
 *
 *   npx tsx loadtests/sign-in-brute-force.bench.ts
 *   BENCH_GUESSES=150 BENCH_PARALLEL=16 BENCH_PHASE_MS=20000 npx tsx loadtests/sign-in-brute-force.bench.ts
 */
import 'reflect-metadata';
import { cpuUsage } from 'node:process';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '@roadwatch/api';
import type { SignInLimits } from '../services/api/src/auth/sign-in-throttle';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('sign-in-brute-force');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const guesses = int('BENCH_GUESSES', 150);
const parallel = int('BENCH_PARALLEL', 16);
const phaseMs = int('BENCH_PHASE_MS', 20_000);

const env = infraEnv();
const logger = createLogger('sign-in-bench', process.env['LOG_LEVEL'] ?? 'error');
const schema = uniqueName('signin_bench').replace(/[^a-z0-9_]/g, '_');
const pool = createPool(env.databaseUrl, { schema, max: 4, application: 'sign-in-bench' });

const signIn = async (url: string, username: string, password: string): Promise<number> => {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const status = response.status;
  await response.body?.cancel();
  return status;
};

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The operator's requests over `ms` (sequential), while `attack` runs beside them. */
const measure = async (api: RunningApi, token: string, ms: number, attack?: () => Promise<Map<number, number>>) => {
  const latencies: number[] = [];
  const cpuBefore = cpuUsage();
  const started = performance.now();
  const attacking = attack?.();
  while (performance.now() - started < ms) {
    const t = performance.now();
    const response = await fetch(`${api.url}/v1/vehicles?limit=50`, { headers: { authorization: `Bearer ${token}` } });
    await response.body?.cancel();
    latencies.push(performance.now() - t);
  }
  const statuses = (await attacking) ?? new Map<number, number>();
  const cpu = cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMs: (cpu.user + cpu.system) / 1_000, statuses };
};

const bruteForce = (url: string) => async (): Promise<Map<number, number>> => {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < guesses) {
        next += 1;
        const status = await signIn(url, 'victim', `guess-${next}`);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
};

const run = async (label: string, limits: SignInLimits | undefined): Promise<void> => {
  const bus = new InProcessBus({ logger });
  const api = await startApi({
    bus,
    pool,
    jwtSecret: 'bench-secret-0123456789abcdefghij',
    port: 0,
    logger,
    metrics: new ServiceMetrics(`sign-in-bench-${label}`, { defaultMetrics: false }),
    seedUsers: [
      { username: 'operator', password: 'operator-pw', role: 'operator' },
      { username: 'victim', password: 'the-real-one', role: 'operator' },
    ],
    ...(limits ? { signInLimits: limits } : {}),
  });
  try {
    const login = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'operator-pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const quiet = await measure(api, token, phaseMs / 2);
    const attacked = await measure(api, token, phaseMs, bruteForce(api.url));
    const row = (phase: string, m: Awaited<ReturnType<typeof measure>>) =>
      console.log(
        `${label.padEnd(28)} ${phase.padEnd(8)} requests ${String(m.requests).padStart(5)}  p50 ${m.p50.toFixed(1).padStart(7)} ms  p99 ${m.p99.toFixed(1).padStart(7)} ms  process CPU ${((m.cpuMs / (phase === 'quiet' ? phaseMs / 2 : phaseMs)) * 100).toFixed(0).padStart(3)} %` +
          (m.statuses.size ? `  sign-in answers ${[...m.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}` : ''),
      );
    row('quiet', quiet);
    row('attack', attacked);
  } finally {
    await api.close();
    await bus.close();
  }
};

try {
  await migrate(pool);
  console.log(
    `${guesses} wrong passwords for one user name, ${parallel} in parallel, against an operator's sequential GET /v1/vehicles; ${phaseMs / 1_000} s phases`,
  );
  await run('default limits', undefined);
  await run('limits off (gate only)', { perUsername: 1_000_000, perAddress: 1_000_000, windowSeconds: 900 });
} finally {
  await dropStorageSchema(pool, schema);
  await pool.end();
}
