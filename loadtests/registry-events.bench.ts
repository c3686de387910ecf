/**
 * How long an admin write takes to reach a detector and a gateway in cluster mode: the API,
 * a detector registry and a gateway registry on real Kafka and PostgreSQL, each its own Kafka
 * client and group, their poll at an hour. Each round PUTs a vehicle with a new plate over
 * HTTP and times until both registries answer by it (HTTP → transaction with the outbox row →
 * relay → registry.changes → reload). A burst of writes then shows the coalescing: the number
 * of reloads the detector's vehicles made for them. Prints figures; not a test.
 *
 *   npx tsx loadtests/registry-events.bench.ts
 *   BENCH_ROUNDS=50 BENCH_VEHICLES=5000 BENCH_BURST=100 npx tsx loadtests/registry-events.bench.ts
 */
import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, loadVehicleRegistry, migrate, RegistryRepository } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { startApi } from '@roadwatch/api';
import { startDatabaseRegistry } from '@roadwatch/detector';
import { startVehicleRegistry } from '@roadwatch/gateway-jt808';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('registry-events');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const rounds = int('BENCH_ROUNDS', 30);
const fleet = int('BENCH_VEHICLES', 2_000);
const burst = int('BENCH_BURST', 50);
const HOUR_MS = 3_600_000;

const env = infraEnv();
const logger = createLogger('registry-events-bench', process.env['LOG_LEVEL'] ?? 'warn');
const name = uniqueName('registry_events_bench');
const schema = name.replace(/[^a-z0-9_]/g, '_');
const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 100 };
const kafka = (role: string) => new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: `${name}-${role}`, topicPrefix: `${name}.`, logger, consumer });
const buses = [kafka('api'), kafka('detector'), kafka('gateway')] as const;
const pool = createPool(env.databaseUrl, { schema, max: 6, application: 'registry-events-bench' });

const until = async (check: () => boolean, timeoutMs = 60_000, retry?: () => Promise<unknown>): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let retriedAtMs = Date.now();
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    if (retry && Date.now() - retriedAtMs > 2_000) {
      retriedAtMs = Date.now();
      await retry();
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

await migrate(pool);
const registry = new RegistryRepository(pool);
await registry.upsertCompany({ companyId: 'BENCH', name: '基准运输公司', regionCode: '110000' });
for (let i = 0; i < fleet; i += 1)
  await registry.upsertVehicle({
    vehicleId: `BV${i}:2`,
    plate: `京B${String(i).padStart(5, '0')}`,
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'BENCH',
  });
await buses[0].ensureTopics([TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges].map((topic) => ({ topic, partitions: 3 })));
const api = await startApi({
  bus: buses[0],
  pool,
  jwtSecret: 'bench-secret-0123456789abcdef',
  port: 0,
  logger,
  metrics: new ServiceMetrics('registry-events-bench', { defaultMetrics: false }),
  seedUsers: [{ username: 'admin', password: 'admin-pw', role: 'admin' }],
  registryRefreshMs: HOUR_MS,
  liveGroupPrefix: `${name}-api`,
});
const detector = await startDatabaseRegistry({
  db: pool,
  intervalMs: HOUR_MS,
  logger,
  vehicles: true,
  speedZones: false,
  changes: { bus: buses[1], groupId: `${name}-detector` },
});
let gatewayLoads = 0;
const gateway = await startVehicleRegistry({
  load: () => {
    gatewayLoads += 1;
    return loadVehicleRegistry(pool);
  },
  intervalMs: HOUR_MS,
  logger,
  changes: { bus: buses[2], groupId: `${name}-gateway` },
});
const login = await fetch(`${api.url}/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: 'admin-pw' }),
});
const token = ((await login.json()) as { token: string }).token;
const put = (i: number, plate: string) =>
  fetch(`${api.url}/v1/admin/vehicles/${encodeURIComponent(`BV${i}:2`)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ plate, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'BENCH' }),
  }).then((response) => response.status);

const knownToBoth = (plate: string) => detector.directory?.byPlate(plate, 2) !== undefined && gateway.current.byVehicleId('BV0:2')?.plate === plate;
// Warm-up: both groups consume once they have applied a change.
await put(0, '京W00000');
await until(
  () => knownToBoth('京W00000'),
  60_000,
  () => put(0, '京W00000'),
);

const httpMs: number[] = [];
const detectorMs: number[] = [];
const gatewayMs: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const plate = `京R${String(round).padStart(5, '0')}`;
  const i = 1 + (round % (fleet - 1));
  const start = performance.now();
  const status = await put(i, plate);
  if (status !== 200) throw new Error(`PUT answered ${status}`);
  httpMs.push(performance.now() - start);
  let detectorAt = 0;
  let gatewayAt = 0;
  await until(() => {
    if (!detectorAt && detector.directory?.byPlate(plate, 2)?.vehicleId === `BV${i}:2`) detectorAt = performance.now();
    if (!gatewayAt && gateway.current.byVehicleId(`BV${i}:2`)?.plate === plate) gatewayAt = performance.now();
    return detectorAt > 0 && gatewayAt > 0;
  });
  detectorMs.push(detectorAt - start);
  gatewayMs.push(gatewayAt - start);
}
const line = (what: string, values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${what.padEnd(34)} p50 ${percentile(sorted, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(sorted, 95).toFixed(0).padStart(5)} ms   max ${(sorted.at(-1) ?? NaN).toFixed(0).padStart(5)} ms`,
  );
};
console.log(`registry events, ${rounds} sequential admin PUTs over HTTP, registry of ${fleet} vehicles, real Kafka + PostgreSQL, poll 1 h`);
line('HTTP PUT answered', httpMs);
line('write → detector registry has it', detectorMs);
line('write → gateway registry has it', gatewayMs);

// A burst: many writes at once, then how many reloads they cost once the last one is in.
const loadsBefore = gatewayLoads;
const burstStart = performance.now();
await Promise.all(Array.from({ length: burst }, (_, k) => put(1 + k, `京S${String(k).padStart(5, '0')}`)));
const lastPlate = `京S${String(burst - 1).padStart(5, '0')}`;
await until(
  () =>
    Array.from({ length: burst }, (_, k) => detector.directory?.byPlate(`京S${String(k).padStart(5, '0')}`, 2)).every(Boolean) &&
    gateway.current.byVehicleId(`BV${burst}:2`)?.plate === lastPlate,
);
console.log(
  `burst of ${burst} concurrent PUTs: all in both registries after ${(performance.now() - burstStart).toFixed(0)} ms; the gateway reloaded ${gatewayLoads - loadsBefore} times for them`,
);

await gateway.close();
await detector.close();
await api.close();
for (const bus of buses) await bus.close();
await dropStorageSchema(pool, schema);
await pool.end();
