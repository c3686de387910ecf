/**
 * The detector's fatigue per driver (RULES.md §2, §8, §15): what the driver-time store costs the
 * positions path, printed (not a test). Run: `npx tsx loadtests/driver-times.bench.ts`
 * Env: BENCH_VEHICLES (20000), BENCH_REPORTS (positions per vehicle, 20), BENCH_PASSES (2),
 * BENCH_SKIP_REDIS=1 to leave out the cluster-mode store, BENCH_ONLY=<text> to run only the ways
 * whose name holds it.
 *
 * Every position through DetectorProcessor in process (the libs rules, the memory state store,
 * a checkpoint after every batch of 500, a no-op publisher), five ways: no driver on the
 * positions, without and with the embedded default's memory store; a driver on every vehicle,
 * without a store, with the memory store and with the cluster mode's Redis store.
 * CPU-µs per position is this process's CPU (`process.cpuUsage`) over the feeding only; the
 * Redis server's CPU (all its clients: an upper bound on a shared box) is printed beside it.
 * Passes alternate the ways, so the box's load drifts over all of them alike.
 */
import { randomUUID } from 'node:crypto';
import { VehicleRegistry } from '@roadwatch/domain';
import { DEFAULT_OVERLOAD_CONFIG } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { createSimulatedFleet, infraEnv, type SimulatedVehicle } from '@roadwatch/testing';
import { DEFAULT_DETECTOR_TOPICS, DetectorProcessor, libsPositionRules, MemoryStateStore } from '../services/detector/src/index';
import { MemoryDriverTimeStore, type DriverTimeStore } from '../services/detector/src/driver-times/driver-time-store';
import { RedisDriverTimeStore } from '../services/detector/src/driver-times/redis-driver-time-store';
import { DEFAULT_FATIGUE_REMINDER_CONFIG } from '../services/detector/src/reminders/fatigue-reminder';
import { cpuMicros, cpuOfProcessesNamed } from './cpu';
import { asBatch, BENCH_START_MS, positionAt } from './detector-positions';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('driver-times');

const VEHICLES = Number(process.env['BENCH_VEHICLES'] ?? 20_000);
const REPORTS = Number(process.env['BENCH_REPORTS'] ?? 20);
const PASSES = Number(process.env['BENCH_PASSES'] ?? 2);
const PARTITIONS = 12;
const BATCH = 500;
const DAY_MS = 24 * 3_600_000;

interface Way {
  name: string;
  drivers: boolean;
  store: () => DriverTimeStore | undefined;
}

const ways: Way[] = [
  { name: 'no driver-time store, no driver', drivers: false, store: () => undefined },
  { name: 'memory store, no driver', drivers: false, store: () => new MemoryDriverTimeStore() },
  { name: 'no driver-time store, a driver per vehicle', drivers: true, store: () => undefined },
  { name: 'memory store, a driver per vehicle', drivers: true, store: () => new MemoryDriverTimeStore() },
  ...(process.env['BENCH_SKIP_REDIS'] === '1'
    ? []
    : [
        {
          name: 'Redis store, a driver per vehicle',
          drivers: true,
          store: () => RedisDriverTimeStore.connect(infraEnv().redisUrl, `bench:${randomUUID().slice(0, 8)}:`, DAY_MS),
        },
      ]),
];

const only = process.env['BENCH_ONLY'];
if (only) ways.splice(0, ways.length, ...ways.filter((way) => way.name.includes(only)));

const run = async (
  fleet: SimulatedVehicle[],
  way: Way,
  reports = REPORTS,
): Promise<{ cpuUsPerPosition: number; redisUsPerPosition: number; seconds: number }> => {
  const driverTimes = way.store();
  let clockMs = BENCH_START_MS;
  const processor = new DetectorProcessor({
    publisher: { publish: async () => undefined },
    stateStore: new MemoryStateStore(),
    vehicles: VehicleRegistry.fromFleet(fleet),
    positionRules: libsPositionRules(),
    overloadConfig: DEFAULT_OVERLOAD_CONFIG,
    reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
    topics: DEFAULT_DETECTOR_TOPICS,
    logger: createLogger('bench', 'silent'),
    now: () => clockMs,
    ...(driverTimes ? { driverTimes } : {}),
  });
  const offsets = new Array<number>(PARTITIONS).fill(0);
  let handled = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const redisStarted = cpuOfProcessesNamed('redis-server');
  for (let report = 0; report < reports; report++) {
    clockMs = BENCH_START_MS + report * 30_000 + 1_000;
    const byPartition = Array.from({ length: PARTITIONS }, () => [] as ReturnType<typeof positionAt>[]);
    fleet.forEach((vehicle, index) => byPartition[index % PARTITIONS]!.push(positionAt(vehicle, report, way.drivers ? `驾驶员${index}` : undefined)));
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const list = byPartition[partition]!;
      for (let start = 0; start < list.length; start += BATCH) {
        const batch = asBatch(partition, list.slice(start, start + BATCH), offsets);
        await processor.handlePositions(partition, batch);
        handled += batch.length;
      }
    }
  }
  const cpuUsPerPosition = cpuMicros(process.cpuUsage(cpuStarted)) / handled;
  const redisUsPerPosition = (cpuOfProcessesNamed('redis-server') - redisStarted) / handled;
  const seconds = (performance.now() - started) / 1000;
  await driverTimes?.close();
  return { cpuUsPerPosition, redisUsPerPosition, seconds };
};

const fleet = createSimulatedFleet(VEHICLES, 42);
console.log(`driver-time bench: ${VEHICLES.toLocaleString('en-US')} vehicles × ${REPORTS} reports, ${PASSES} passes, node ${process.version}`);
// Warm-up (JIT, the rules' caches): every way once over a small fleet, not counted.
const warmFleet = fleet.slice(0, Math.min(2_000, fleet.length));
for (const way of ways) await run(warmFleet, way, 3);
const results = new Map<string, number[]>();
for (let pass = 0; pass < PASSES; pass++) {
  for (const way of ways) {
    const r = await run(fleet, way);
    (results.get(way.name) ?? results.set(way.name, []).get(way.name)!).push(r.cpuUsPerPosition);
    console.log(
      `pass ${pass + 1}: ${way.name.padEnd(42)} ${r.cpuUsPerPosition.toFixed(1).padStart(6)} CPU-µs/position` +
        (way.name.startsWith('Redis') ? ` (+ redis-server ${r.redisUsPerPosition.toFixed(1)} µs)` : '') +
        ` in ${r.seconds.toFixed(1)} s`,
    );
  }
}
const best = (name: string): number => Math.min(...(results.get(name) ?? [NaN]));
for (const way of ways) {
  if (way.name.startsWith('no driver-time store')) continue;
  const baseWay = ways.find((w) => w.drivers === way.drivers && w.name.startsWith('no driver-time store'));
  if (!baseWay) continue;
  const base = best(baseWay.name);
  console.log(
    `best of ${PASSES}: ${way.name}: ${best(way.name).toFixed(1)} CPU-µs/position, ${(((best(way.name) - base) / base) * 100).toFixed(0)} % over no store`,
  );
}
process.exit(0);
