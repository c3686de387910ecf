/**
 * Detector throughput and memory, printed (not a test). Run: `npx tsx loadtests/detector.bench.ts`
 * Env: BENCH_VEHICLES (100000), BENCH_REPORTS (positions per vehicle in-process, 10),
 * BENCH_KAFKA_POSITIONS (positions through Kafka, 300000), BENCH_RULES (libs | toy),
 * BENCH_SKIP_KAFKA=1 to run the in-process part only, BENCH_KAFKA_BATCH_BYTES (the consumer's
 * fetch size per partition, 65536: ~150 positions per batch, as a live stream's batches are,
 * rather than the thousands of a backlog). CPU-µs per position is this process's CPU
 * (`process.cpuUsage`) over the consuming phase only. BENCH_CPU_PROFILE=<file.cpuprofile> writes a
 * CPU profile of that phase alone (node:inspector), BENCH_SKIP_INPROCESS=1 skips part 1.
 *
 * 1. In-process: every position through DetectorProcessor (rules + state + checkpoint to
 *    the memory store after every batch of 500), publishing to a no-op publisher — the cost of
 *    the rules pipeline and the detector's bookkeeping without a broker.
 * 2. Kafka consumer path: N positions produced to a fresh topic (12 partitions), then one
 *    detector member (KafkaBus + RedisStateStore, the service's checkpoint cadence, or
 *    BENCH_CHECKPOINT_INTERVAL_MS=0 for one checkpoint per batch) consumes them; timed from its
 *    start to the last position handled.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { createSimulatedFleet, infraEnv, uniqueName, type SimulatedVehicle } from '@roadwatch/testing';
import {
  DEFAULT_DETECTOR_TOPICS,
  DetectorProcessor,
  libsPositionRules,
  MemoryStateStore,
  RedisStateStore,
  startDetector,
  type PositionRules,
} from '../services/detector/src/index';
import { DEFAULT_FATIGUE_REMINDER_CONFIG } from '../services/detector/src/reminders/fatigue-reminder';
import { PartitionStateCodec } from '../services/detector/src/state/checkpoint-codec';
import { toyPositionRules } from '../services/detector/test/support/toy-position-rules';
import { asBatch, BENCH_START_MS, positionAt } from './detector-positions';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('detector');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
};

const VEHICLES = Number(process.env['BENCH_VEHICLES'] ?? 100_000);
const REPORTS = Number(process.env['BENCH_REPORTS'] ?? 10);
const KAFKA_POSITIONS = Number(process.env['BENCH_KAFKA_POSITIONS'] ?? 300_000);
const RULES_NAME = process.env['BENCH_RULES'] ?? 'libs';
const KAFKA_BATCH_BYTES = Number(process.env['BENCH_KAFKA_BATCH_BYTES'] ?? 65_536);
const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};
const START_MS = BENCH_START_MS;

const rules = (): PositionRules => {
  if (RULES_NAME === 'toy') return toyPositionRules();
  try {
    return libsPositionRules();
  } catch (error) {
    console.warn(`libs/rules position pipeline unavailable (${(error as Error).message}); using the toy rules`);
    return toyPositionRules();
  }
};

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const inProcess = async (fleet: SimulatedVehicle[], positionRules: PositionRules): Promise<void> => {
  const directory = VehicleRegistry.fromFleet(fleet);
  const store = new MemoryStateStore();
  const processor = new DetectorProcessor({
    publisher: { publish: async () => undefined },
    stateStore: store,
    vehicles: directory,
    positionRules,
    overloadConfig: DEFAULT_OVERLOAD_CONFIG,
    reminders: DEFAULT_FATIGUE_REMINDER_CONFIG,
    topics: DEFAULT_DETECTOR_TOPICS,
    logger: createLogger('bench', 'silent'),
    now: () => clockMs,
  });
  let clockMs = START_MS;
  const partitions = 12;
  const offsets = new Array<number>(partitions).fill(0);
  const baseline = heapMb();
  let handled = 0;
  let alerts = 0;
  let ticks = 0;
  const countingRules: PositionRules = {
    ...positionRules,
    process: (...args) => {
      const result = positionRules.process(...args);
      alerts += result.alerts.length;
      return result;
    },
    tick: (...args) => (ticks++, positionRules.tick(...args)),
  };
  (processor as unknown as { deps: { positionRules: PositionRules } }).deps.positionRules = countingRules;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let report = 0; report < REPORTS; report++) {
    // One round: every vehicle reports once, in partition batches of up to 500.
    const byPartition: PositionV1[][] = Array.from({ length: partitions }, () => []);
    fleet.forEach((vehicle, index) => byPartition[index % partitions]!.push(positionAt(vehicle, report)));
    for (let partition = 0; partition < partitions; partition++) {
      const list = byPartition[partition]!;
      for (let start = 0; start < list.length; start += 500) {
        const batch = asBatch(partition, list.slice(start, start + 500), offsets);
        await processor.handlePositions(partition, batch);
        handled += batch.length;
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuPerPositionUs = cpuMicros(cpuStarted) / handled;
  const heldMb = heapMb() - baseline;
  const sample = await store.load({ topic: TOPICS.positions, partition: 0 });
  const jsonBytes =
    [...sample.states.values()].reduce<number>((sum, state) => sum + Buffer.byteLength(JSON.stringify(state)), 0) / Math.max(1, sample.states.size);
  const packedBytes =
    new PartitionStateCodec().encodeAll(sample.states.values()).values.reduce((sum, value) => sum + value.length, 0) / Math.max(1, sample.states.size);
  console.log(
    `in-process: ${fmt(handled)} positions of ${fmt(VEHICLES)} vehicles in ${seconds.toFixed(1)} s = ${fmt(handled / seconds)} positions/s, ${cpuPerPositionUs.toFixed(1)} CPU-µs/position; ${fmt(alerts)} alerts`,
  );
  console.log(
    `memory: ${fmt(processor.vehiclesHeld)} vehicles held, heap +${heldMb.toFixed(0)} MB (detector state + memory store copy) = ${fmt((heldMb * 1_048_576) / processor.vehiclesHeld)} B/vehicle; checkpointed ${fmt(packedBytes)} B/vehicle (as JSON ${fmt(jsonBytes)} B)`,
  );

  // The timers: the first tick arms every vehicle's quality snapshot, the snapshots fall due
  // within 10 min; then a tick with nothing due, against a scan that asks the rules about every
  // vehicle (what a timer without due times does).
  const lastReceivedMs = START_MS + (REPORTS - 1) * 30_000 + 800;
  const timed = async (atMs: number): Promise<{ ms: number; cpuMs: number; visited: number }> => {
    clockMs = atMs;
    ticks = 0;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await processor.runTimers();
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000, visited: ticks };
  };
  const arming = await timed(lastReceivedMs + 60_000);
  const snapshots = await timed(lastReceivedMs + 11 * 60_000);
  const idle = await timed(lastReceivedMs + 15 * 60_000);
  const scanCpu = process.cpuUsage();
  const scanStarted = performance.now();
  for (const [vehicleId, slot] of [
    ...(processor as unknown as { partitions: Map<string, { states: Map<string, { rules: unknown }> }> }).partitions.values(),
  ].flatMap((context) => [...context.states])) {
    positionRules.tick(directory.byVehicleId(vehicleId)!, slot.rules, lastReceivedMs + 15 * 60_000);
  }
  const scanUsed = process.cpuUsage(scanCpu);
  const line = (name: string, r: { ms: number; cpuMs: number; visited: number }) =>
    `${name} ${r.ms.toFixed(1)} ms (${r.cpuMs.toFixed(1)} ms CPU), ${fmt(r.visited)} vehicles visited`;
  console.log(
    `timers over ${fmt(processor.vehiclesHeld)} vehicles: ${line('arming tick', arming)}; ${line('snapshot tick', snapshots)}; ${line('tick with none due', idle)}; a scan asking the rules about every vehicle ${(performance.now() - scanStarted).toFixed(1)} ms (${((scanUsed.user + scanUsed.system) / 1000).toFixed(1)} ms CPU)`,
  );
};

const throughKafka = async (fleet: SimulatedVehicle[], positionRules: PositionRules): Promise<void> => {
  const { kafkaBrokers, redisUrl } = infraEnv();
  const prefix = `${uniqueName('bench')}.`;
  const logger = createLogger('bench', 'warn');
  const producer = new KafkaBus({ brokers: kafkaBrokers.split(','), clientId: 'bench-producer', topicPrefix: prefix, logger });
  await producer.ensureTopics([
    { topic: TOPICS.positions, partitions: 12 },
    { topic: TOPICS.wimMeasurements, partitions: 1 },
    { topic: TOPICS.alerts, partitions: 12 },
    { topic: TOPICS.overloadViolations, partitions: 1 },
    { topic: TOPICS.terminalCommands, partitions: 1 },
  ]);
  const produceStarted = performance.now();
  const chunk: { key: string; value: PositionV1 }[] = [];
  for (let n = 0; n < KAFKA_POSITIONS; n++) {
    const vehicle = fleet[n % fleet.length]!;
    const value = positionAt(vehicle, Math.floor(n / fleet.length));
    chunk.push({ key: value.vehicleId, value });
    if (chunk.length === 5_000 || n === KAFKA_POSITIONS - 1) {
      await producer.publish(TOPICS.positions, chunk.splice(0));
    }
  }
  const produceSeconds = (performance.now() - produceStarted) / 1000;
  console.log(
    `kafka: produced ${fmt(KAFKA_POSITIONS)} positions in ${produceSeconds.toFixed(1)} s = ${fmt(KAFKA_POSITIONS / produceSeconds)}/s (validated, acks=all)`,
  );

  let processed = 0;
  const countingRules: PositionRules = {
    ...positionRules,
    process: (...args) => {
      processed++;
      return positionRules.process(...args);
    },
  };
  const bus = new KafkaBus({
    brokers: kafkaBrokers.split(','),
    clientId: 'bench-detector',
    topicPrefix: prefix,
    logger,
    consumer: { partitionsConsumedConcurrently: 12, maxBytesPerPartition: KAFKA_BATCH_BYTES },
  });
  const redisStore = RedisStateStore.connect(redisUrl, `bench:${prefix}`);
  let checkpoints = 0;
  let checkpointMs = 0;
  const stateStore: typeof redisStore = Object.assign(Object.create(redisStore) as typeof redisStore, {
    checkpoint: async (...args: Parameters<typeof redisStore.checkpoint>) => {
      const t = performance.now();
      const written = await redisStore.checkpoint(...args);
      checkpoints++;
      checkpointMs += performance.now() - t;
      return written;
    },
  });
  const profilePath = process.env['BENCH_CPU_PROFILE'];
  const profiler = profilePath ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const detector = await startDetector({
    bus,
    stateStore,
    vehicles: VehicleRegistry.fromFleet(fleet),
    positionRules: countingRules,
    groupId: uniqueName('bench'),
    timersIntervalMs: 0,
    ...(process.env['BENCH_CHECKPOINT_INTERVAL_MS']
      ? { checkpoint: { intervalMs: Number(process.env['BENCH_CHECKPOINT_INTERVAL_MS']), everyRecords: 20_000 } }
      : {}),
    logger,
  });
  while (processed < KAFKA_POSITIONS) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = (performance.now() - started) / 1000;
  const cpuPerPositionUs = cpuMicros(cpuStarted) / KAFKA_POSITIONS;
  if (profiler && profilePath) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(profilePath, JSON.stringify(profile));
    console.log(`kafka: CPU profile of the consuming phase written to ${profilePath}`);
  }
  console.log(
    `kafka: one detector member consumed ${fmt(KAFKA_POSITIONS)} positions (12 partitions, Redis checkpoints, fetch ${fmt(KAFKA_BATCH_BYTES)} B/partition) in ${seconds.toFixed(1)} s = ${fmt(KAFKA_POSITIONS / seconds)} positions/s (incl. group join), ${cpuPerPositionUs.toFixed(1)} CPU-µs/position, RSS ${fmt(process.memoryUsage().rss / 1_048_576)} MB; ${fmt(checkpoints)} checkpoints, mean ${fmt(KAFKA_POSITIONS / Math.max(1, checkpoints))} positions/checkpoint, mean checkpoint ${(checkpointMs / Math.max(1, checkpoints)).toFixed(1)} ms`,
  );
  await detector.close();
  await bus.close();
  await producer.close();
  await stateStore.close();
};

const fleet = createSimulatedFleet(VEHICLES, 42);
console.log(`detector bench: ${fmt(VEHICLES)} vehicles, rules = ${RULES_NAME}, node ${process.version}`);
if (process.env['BENCH_SKIP_INPROCESS'] !== '1') await inProcess(fleet, rules());
if (process.env['BENCH_SKIP_KAFKA'] !== '1') await throughKafka(fleet, rules());
process.exit(0);
