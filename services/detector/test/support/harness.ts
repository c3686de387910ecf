import { waitQuiet } from '@roadwatch/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { InProcessBus, type Bus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { startDetector } from '../../src/detector.service';
import type { VehicleFactsLookup } from '../../src/directory/vehicle-facts-lookup';
import type { PositionRules } from '../../src/rules/position-rules.port';
import { MemoryStateStore } from '../../src/state/memory-state-store';
import { OutputCollector } from './collector';

export const KAFKA_BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export const uniqueName = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

/** The topics one test uses, each with its own partitions. */
export const detectorTopicSpecs = (partitions: number) => [
  { topic: TOPICS.positions, partitions },
  { topic: TOPICS.wimMeasurements, partitions: Math.max(1, Math.floor(partitions / 2)) },
  { topic: TOPICS.alerts, partitions },
  { topic: TOPICS.overloadViolations, partitions: 1 },
  { topic: TOPICS.terminalCommands, partitions: 1 },
  { topic: TOPICS.qualityDaily, partitions },
];

/** Positions published in chunks, keyed by vehicle (the gateway's key). */
export const publishPositions = async (bus: Bus, positions: readonly PositionV1[], chunk = 500): Promise<void> => {
  for (let start = 0; start < positions.length; start += chunk) {
    await bus.publish(
      TOPICS.positions,
      positions.slice(start, start + chunk).map((value) => ({ key: value.vehicleId, value })),
    );
  }
};

/** The reference: one detector alone on the in-process bus over the same input. */
export const referenceRun = async (positions: readonly PositionV1[], directory: VehicleFactsLookup, positionRules: PositionRules): Promise<OutputCollector> => {
  const bus = new InProcessBus({ defaultPartitions: 6 });
  const detector = await startDetector({
    bus,
    stateStore: new MemoryStateStore(),
    vehicles: directory,
    positionRules,
    timersIntervalMs: 0,
    logger: createLogger('reference', 'silent'),
  });
  const collector = await OutputCollector.start(bus, 'reference-collector');
  await publishPositions(bus, positions);
  await waitQuiet(() => collector.alerts.length + collector.commands.length, 500, 60_000);
  await detector.close();
  await bus.close();
  return collector;
};

export interface ChildDetector {
  process: ChildProcess;
  /** Everything the child wrote (its info-level JSON log included). */
  output(): string;
  ready: Promise<void>;
  exited: Promise<number | null>;
}

const childScript = fileURLToPath(new URL('./detector-child.ts', import.meta.url));

/** A detector member in its own Node process (tsx), to be killed for real. */
export const spawnDetector = (env: Record<string, string>): ChildDetector => {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`detector child exited (${code}) before it was ready:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, ready, exited, output: () => output };
};
