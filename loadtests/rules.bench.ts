/**
 * libs/rules throughput and state size, printed (not a test). Run: `npx tsx loadtests/rules.bench.ts`
 * Env: BENCH_VEHICLES (100000), BENCH_ROUNDS (reports per vehicle, 20), BENCH_INTERVAL_S (30).
 *
 * Simulated fleet (libs/testing) on the corridors around Beijing, one report per vehicle
 * per round, every position through `processPosition` with the sample road index. Prints
 * events/s (positions generated before the clock starts) and heap bytes per vehicle state
 * (heap with all states held minus heap after dropping them, after forced GCs), plus the
 * JSON size of a state as checkpointed to Redis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PositionV1 } from '@roadwatch/contracts';
import { buildRoadIndex, DEFAULT_RULES_CONFIG, processPosition, type VehicleRuleState } from '@roadwatch/rules';
import { createSimulatedFleet, pointAlongRoute } from '@roadwatch/testing';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('rules');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const VEHICLES = Number(process.env['BENCH_VEHICLES'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 20);
const INTERVAL_MS = Number(process.env['BENCH_INTERVAL_S'] ?? 30) * 1000;
// 21:30 local: the night rules (80%, night fatigue) come into play during longer runs.
const START_MS = Date.UTC(2026, 10, 23, 13, 30);

const roads = buildRoadIndex(
  JSON.parse(readFileSync(join(import.meta.dirname, '../libs/rules/data/sample-roads.geojson'), 'utf8')),
  DEFAULT_RULES_CONFIG.roads,
);
const fleet = createSimulatedFleet(VEHICLES, 42);
const distanceM = fleet.map((_, i) => (i * 7_919) % 40_000);

const roundOf = (round: number): PositionV1[] => {
  const timeMs = START_MS + round * INTERVAL_MS;
  return fleet.map((vehicle, i) => {
    // Cruise with a wobble; every 7th vehicle pushes 30% over its cruise for a while.
    const push = i % 7 === 0 && round % 10 < 5 ? 1.3 : 1;
    const speedKmh = Math.round((vehicle.cruiseSpeedKmh + Math.sin(round / 3 + i) * 8) * push * 10) / 10;
    distanceM[i] = (distanceM[i] ?? 0) + (speedKmh / 3.6) * (INTERVAL_MS / 1000);
    const { position, headingDeg } = pointAlongRoute(vehicle.routeIndex, distanceM[i] ?? 0);
    return {
      v: 1,
      vehicleId: vehicle.facts.vehicleId,
      terminalId: vehicle.terminalPhone,
      plate: vehicle.facts.plate,
      plateColour: vehicle.facts.plateColour,
      registered: true,
      ...(i % 3 === 0 ? { driverId: `D${i}` } : {}),
      deviceTimeMs: timeMs,
      receivedAtMs: timeMs + 800,
      latitudeDeg: position.latitudeDeg,
      longitudeDeg: position.longitudeDeg,
      altitudeM: 45,
      speedKmh,
      headingDeg,
      alarmFlags: 0,
      statusFlags: 0,
      accOn: true,
      gnssFixed: true,
      source: 'realtime',
    } satisfies PositionV1;
  });
};

const baseline = heapBytes();
let states: Array<VehicleRuleState | undefined> = new Array(VEHICLES).fill(undefined);
let processed = 0;
let alerts = 0;
const alertsByRule = new Map<string, number>();
let elapsedNs = 0n;
let cpuMicros = 0;
for (let round = 0; round < ROUNDS; round++) {
  const positions = roundOf(round);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < VEHICLES; i++) {
    const vehicle = fleet[i]!;
    const r = processPosition(vehicle.facts, states[i], positions[i]!, DEFAULT_RULES_CONFIG, { roads });
    states[i] = r.state;
    alerts += r.alerts.length;
    for (const alert of r.alerts) alertsByRule.set(alert.rule, (alertsByRule.get(alert.rule) ?? 0) + 1);
  }
  elapsedNs += process.hrtime.bigint() - start;
  const cpu = process.cpuUsage(cpuStart);
  cpuMicros += cpu.user + cpu.system;
  processed += VEHICLES;
}
const seconds = Number(elapsedNs) / 1e9;
const withStates = heapBytes();
let jsonBytes = 0;
const sample = Math.min(VEHICLES, 2_000);
for (let i = 0; i < sample; i++) jsonBytes += Buffer.byteLength(JSON.stringify(states[i]));
states = [];
const withoutStates = heapBytes();

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`rules.bench: ${fmt(VEHICLES)} vehicles × ${ROUNDS} reports (${INTERVAL_MS / 1000} s apart), sample road index, Node ${process.version}`);
console.log(
  `  positions processed   ${fmt(processed)} in ${seconds.toFixed(2)} s → ${fmt(processed / seconds)} events/s (${((seconds / processed) * 1e6).toFixed(2)} µs/event)`,
);
console.log(
  `  CPU time              ${(cpuMicros / 1e6).toFixed(2)} s → ${fmt(processed / (cpuMicros / 1e6))} events per CPU-second (wall figure suffers when the machine is shared)`,
);
console.log(
  `  alerts emitted        ${fmt(alerts)} (${[...alertsByRule]
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${rule} ${fmt(n)}`)
    .join(', ')})`,
);
console.log(
  `  heap per state        ${fmt((withStates - withoutStates) / VEHICLES)} bytes (heap ${fmt((withStates - baseline) / 1_048_576)} MB above the start with states held)`,
);
console.log(`  JSON per state        ${fmt(jsonBytes / sample)} bytes (checkpoint size, mean of ${fmt(sample)})`);
