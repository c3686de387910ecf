/**
 * What fatigue per rostered driver (RULES.md §13) costs the detector's hot path, printed (not a
 * test). Run: `npx tsx loadtests/roster-fatigue.bench.ts`
 * Env: BENCH_VEHICLES (20000), BENCH_ROUNDS (reports per vehicle, 20), BENCH_LOOKUPS (2000000).
 *
 * 1. Building the lookup (`rosterLookupOf`) from a week of shifts per vehicle, three a day —
 *    what every roster reload does — and its heap.
 * 2. One lookup (map read + binary search) at a random instant of the week, in ns.
 * 3. The detector's libs/rules port (`libsPositionRules().process`) over the same fleet and
 *    reports without a card: without a roster (per vehicle, as before) and with one (every
 *    report names its rostered driver); and the same reports carrying the IC card instead (the
 *    per-driver path before the roster): CPU-µs per position, alerts raised.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { PositionV1 } from '@roadwatch/contracts';
import { DAY_MS, HOUR_MS, type VehicleFacts } from '@roadwatch/domain';
import { rosterLookupOf, type RosterDriverLookup, type VehicleShift } from '@roadwatch/rules';
import { libsPositionRules } from '../services/detector/src/rules/libs-position-rules';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('roster-fatigue');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const VEHICLES = Number(process.env['BENCH_VEHICLES'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 20);
const LOOKUPS = Number(process.env['BENCH_LOOKUPS'] ?? 2_000_000);
const WEEK_START_MS = Date.UTC(2026, 10, 22, 16, 0); // 00:00 local, 23 Nov 2026
const START_MS = WEEK_START_MS + 2 * DAY_MS + 6 * HOUR_MS;

const facts: VehicleFacts[] = Array.from({ length: VEHICLES }, (_, i) => ({
  vehicleId: `冀B${String(i).padStart(5, '0')}:2`,
  plate: `冀B${String(i).padStart(5, '0')}`,
  plateColour: 2,
  vehicleClass: 'heavy_truck',
  companyId: `C${i % 50}`,
  regionCode: '130000',
}));

// Three 8 h shifts a day for a week, the drivers rotating over the fleet (one 从业资格证 number each).
const shifts: VehicleShift[] = facts.flatMap((f, i) =>
  Array.from({ length: 21 }, (_, k) => ({
    vehicleId: f.vehicleId,
    driverId: `QC${(i * 3 + (k % 3)) % (VEHICLES * 3)}`,
    fromMs: WEEK_START_MS + k * 8 * HOUR_MS,
    toMs: WEEK_START_MS + (k + 1) * 8 * HOUR_MS,
  })),
);

// 1. Building.
const before = heapBytes();
const buildCpu = process.cpuUsage();
let lookup: RosterDriverLookup | undefined = rosterLookupOf(shifts);
const buildMs = cpuMicros(buildCpu) / 1000;
const heldBytes = heapBytes() - before;
console.log(
  `roster build: ${fmt(shifts.length)} shifts of ${fmt(VEHICLES)} vehicles in ${buildMs.toFixed(0)} ms CPU; heap +${fmt(heldBytes / 1_048_576)} MB = ${fmt(heldBytes / VEHICLES)} B/vehicle`,
);

// 2. Lookups at pseudo-random instants of the week (no Math.random: the same run every time).
let seed = 42;
const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
const vehicleIds = facts.map((f) => f.vehicleId);
const probes = Array.from({ length: 100_000 }, () => [vehicleIds[next() % VEHICLES] as string, WEEK_START_MS + (next() % (7 * 24 * 60)) * 60_000] as const);
let found = 0;
const lookupCpu = process.cpuUsage();
for (let i = 0; i < LOOKUPS; i++) {
  const [vehicleId, atMs] = probes[i % probes.length]!;
  if (lookup(vehicleId, atMs) !== undefined) found++;
}
console.log(`roster lookup: ${fmt(LOOKUPS)} lookups, ${((cpuMicros(lookupCpu) * 1000) / LOOKUPS).toFixed(0)} ns CPU each; ${fmt(found)} named a driver`);

// 3. The pipeline, reports without a card, with and without the roster.
const rounds: PositionV1[][] = Array.from({ length: ROUNDS }, (_, round) =>
  facts.map((f, i) => ({
    v: 1,
    vehicleId: f.vehicleId,
    terminalId: `0139${String(i).padStart(8, '0')}`,
    plate: f.plate,
    plateColour: 2,
    registered: true,
    deviceTimeMs: START_MS + round * 30_000,
    receivedAtMs: START_MS + round * 30_000 + 800,
    latitudeDeg: 38 + (i % 100) * 0.01 + (round * 500) / 111_195,
    longitudeDeg: 115 + Math.floor(i / 100) * 0.01,
    altitudeM: 45,
    speedKmh: 60,
    headingDeg: 0,
    alarmFlags: 0,
    statusFlags: 1,
    accOn: true,
    gnssFixed: true,
    source: 'realtime',
  })),
);
// The same reports with the IC card the gateway stamps, the driver the roster would name: the path fatigue per driver took before.
const carded: PositionV1[][] = rounds.map((positions) => positions.map((p) => ({ ...p, driverId: lookup!(p.vehicleId, p.deviceTimeMs)! })));
const run = (roster: RosterDriverLookup | undefined, input: PositionV1[][] = rounds): { cpuUs: number; alerts: number; named: number } => {
  const rules = libsPositionRules(roster ? { roster: () => roster } : {});
  const states = new Map<string, unknown>();
  let alerts = 0;
  let named = 0;
  const cpu = process.cpuUsage();
  for (const positions of input)
    for (let i = 0; i < positions.length; i++) {
      const position = positions[i]!;
      const result = rules.process(facts[i]!, states.get(position.vehicleId), position, position.receivedAtMs);
      states.set(position.vehicleId, result.state);
      alerts += result.alerts.length;
      if (rules.driverOf?.(position) !== undefined) named++;
    }
  return { cpuUs: cpuMicros(cpu) / (ROUNDS * VEHICLES), alerts, named };
};
// Warm both paths once, then measure each twice, alternating (the shared box's load moves figures).
run(undefined);
run(lookup);
run(undefined, carded);
const results = [run(undefined), run(lookup), run(undefined, carded), run(undefined), run(lookup), run(undefined, carded)];
const line = (name: string, r: { cpuUs: number; alerts: number; named: number }) =>
  `${name}: ${r.cpuUs.toFixed(1)} CPU-µs/position (incl. the batch's driver read), ${fmt(r.alerts)} alerts, ${fmt(r.named)} reports naming a driver`;
console.log(`pipeline, ${fmt(VEHICLES)} vehicles × ${ROUNDS} reports:`);
console.log(`  ${line('without roster (per vehicle)', results[0]!)} | again ${results[3]!.cpuUs.toFixed(1)}`);
console.log(`  ${line('with roster                 ', results[1]!)} | again ${results[4]!.cpuUs.toFixed(1)}`);
console.log(`  ${line('IC card on every report     ', results[2]!)} | again ${results[5]!.cpuUs.toFixed(1)}`);
lookup = undefined;
