/**
 * What the API's live feed costs per position it consumes, with and without clients (issue
 * #13: with no client connected it decoded and validated every position). Prints CPU-µs per
 * position of the API process; not a test.
 *
 *   npx tsx loadtests/live-decode.bench.ts      # BENCH_POSITIONS (100,000), BENCH_VEHICLES (5,000), BENCH_COMPANIES (10)
 *
 * One API instance (services/api `startApi`) on real Kafka and PostgreSQL (its users and the
 * vehicle registry: BENCH_COMPANIES companies sharing the fleet) runs in this process; a
 * child process (this file again, BENCH_ROLE=producer) publishes the positions, so its CPU is
 * not counted. Phases, each a fresh instance (own consumer group, from the end):
 *
 * - `decode all`: no latest-position store given — every position decoded (the former behaviour);
 * - `no client`: with the store, nobody connected;
 * - `1 company client`: one company user watching its company (1/BENCH_COMPANIES of the fleet);
 * - `1 admin, whole map`: everything watched and decoded, and sent to the client.
 *
 * The clients are socket.io-client in this process: their CPU is counted (small for the company
 * client, all of the fleet's batches for the admin). Each phase also prints the figure above
 * the instance's idle CPU (measured for 5 s before producing), since the wall time includes
 * the child's producing.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { LIVE_EVENTS, LIVE_NAMESPACE, TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository } from '@roadwatch/storage';
import { infraEnv, aPosition, uniqueName } from '@roadwatch/testing';
import { startApi, type LatestPositionsPort } from '@roadwatch/api';
import { MemoryLatestPositionStore } from '@roadwatch/archiver';
import { cpuMicros } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('live-decode');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const total = int('BENCH_POSITIONS', 100_000);
const vehicles = int('BENCH_VEHICLES', 5_000);
const companies = int('BENCH_COMPANIES', 10);
const env = infraEnv();
const logger = createLogger('live-decode-bench', process.env['LOG_LEVEL'] ?? 'warn');
const vehicleId = (i: number): string => `LD${String(i % vehicles).padStart(6, '0')}`;

if (process.env['BENCH_ROLE'] === 'producer') {
  // The child: publish `total` positions to the parent's topics, then exit.
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'live-decode-producer', topicPrefix: process.env['BENCH_PREFIX'] ?? '', logger });
  const t0 = Date.now() - 600_000;
  for (let start = 0; start < total; start += 5_000) {
    const messages = Array.from({ length: Math.min(5_000, total - start) }, (_, k) => {
      const i = start + k;
      const value: PositionV1 = aPosition({
        vehicleId: vehicleId(i),
        deviceTimeMs: t0 + Math.floor(i / vehicles) * 1_000,
        latitudeDeg: 22.5 + (i % 100) / 100,
        longitudeDeg: 113.2 + (i % 97) / 100,
      });
      return { key: value.vehicleId, value };
    });
    await bus.publish(TOPICS.positions, messages);
  }
  await bus.close();
  process.exit(0);
}

const name = uniqueName('live_decode').replace(/[^a-z0-9_]/g, '_');
const prefix = `${name}.`;
const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'live-decode-bench', topicPrefix: prefix, logger });
const pool = createPool(env.databaseUrl, { schema: name, max: 4, application: 'live-decode-bench' });

const produce = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, BENCH_ROLE: 'producer', BENCH_PREFIX: prefix },
      execArgv: ['--import', 'tsx'],
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`producer exited ${code}`))));
  });

const signIn = async (url: string, username: string): Promise<string> => {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: `${username}-pw` }),
  });
  return ((await response.json()) as { token: string }).token;
};

try {
  await migrate(pool);
  // Every topic the API reads or writes (positions, alerts, registry changes, the outbox's).
  await bus.ensureTopics(Object.values(TOPICS).map((topic) => ({ topic, partitions: 4 })));
  const registry = new RegistryRepository(pool);
  for (let c = 0; c < companies; c += 1) await registry.upsertCompany({ companyId: `C${c}`, name: `公司${c}`, regionCode: '440106' });
  for (let i = 0; i < vehicles; i += 1)
    await registry.upsertVehicle({ vehicleId: vehicleId(i), plate: `粤A${i}`, plateColour: 2, vehicleClass: 'heavy_truck', companyId: `C${i % companies}` });
  const seedUsers = [
    { username: 'admin', password: 'admin-pw', role: 'admin' as const },
    { username: 'c0', password: 'c0-pw', role: 'company' as const, companyId: 'C0' },
  ];
  const latest: LatestPositionsPort = new MemoryLatestPositionStore();
  const phases: { label: string; store: boolean; client?: { user: string; subscription: object } }[] = [
    { label: 'decode all (no store: former behaviour), no client', store: false },
    { label: 'no client', store: true },
    { label: `1 company client (1/${companies} of the fleet)`, store: true, client: { user: 'c0', subscription: { companyId: 'C0' } } },
    {
      label: '1 admin client, whole map',
      store: true,
      client: { user: 'admin', subscription: { viewport: { west: -180, south: -90, east: 180, north: 90 } } },
    },
  ];
  console.log(`${total} positions of ${vehicles} vehicles in ${companies} companies, real Kafka (4 partitions); API process CPU per position:`);
  for (const [index, phase] of phases.entries()) {
    const metrics = new ServiceMetrics(`live-decode-${index}`, { defaultMetrics: false });
    const api = await startApi({
      bus,
      pool,
      jwtSecret: 'bench-secret-0123456789',
      port: 0,
      logger,
      metrics,
      tickMs: 1_000,
      instanceId: `p${index}`,
      liveGroupPrefix: name,
      seedUsers: index === 0 ? seedUsers : [],
      ...(phase.store ? { latestPositions: latest } : {}),
    });
    const socket = phase.client
      ? io(`${api.url}${LIVE_NAMESPACE}`, { auth: { token: await signIn(api.url, phase.client.user) }, transports: ['websocket'] })
      : undefined;
    let received = 0;
    if (socket && phase.client) {
      socket.on(LIVE_EVENTS.positions, (batch: { positions: unknown[] }) => (received += batch.positions.length));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, phase.client?.subscription, resolve));
    }
    // The group joined and at the end of the topic before anything is produced.
    await new Promise((r) => setTimeout(r, 3_000));
    const handled = async (): Promise<number> =>
      ((await metrics.registry.getSingleMetric('roadwatch_live_position_records_total')?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
    const decoded = async (): Promise<number> =>
      ((await metrics.registry.getSingleMetric('roadwatch_live_position_records_total')?.get())?.values ?? [])
        .filter((v) => v.labels['handling'] === 'decoded')
        .reduce((sum, v) => sum + v.value, 0);
    // What the instance spends doing nothing (timers, heartbeats, fetches that come back empty), to read the figures against.
    const idleStart = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 5_000));
    const idleUsPerSecond = cpuMicros(process.cpuUsage(idleStart)) / 5;
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await produce();
    while ((await handled()) < total) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1_000;
    const usedUs = cpuMicros(process.cpuUsage(cpuStart));
    console.log(
      `  ${phase.label.padEnd(52)} ${(usedUs / total).toFixed(1).padStart(6)} µs, ${((usedUs - idleUsPerSecond * seconds) / total).toFixed(1).padStart(6)} µs above idle` +
        `   (decoded ${await decoded()}, client received ${received}, ${seconds.toFixed(1)} s incl. producing; idle ${(idleUsPerSecond / 1_000).toFixed(1)} ms CPU/s)`,
    );
    socket?.disconnect();
    await api.close();
  }
} finally {
  await bus.close();
  await dropStorageSchema(pool, name);
  await pool.end();
}
