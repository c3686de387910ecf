/**
 * What the Kafka broker spends per position in the chain's pattern (issue #13): one producer
 * publishing keyed positions in lingered batches as the gateway does, and N consumer groups
 * (the detector, the archiver, the API's live feed) reading them through KafkaBus. Prints the
 * broker JVM's CPU-µs per record (from /proc/<pid>/stat), this client process's, and the
 * publish→ack p50/p99 (the gateway sends its 0x8001 after the ack); not a test.
 *
 *   npx tsx loadtests/kafka-broker.bench.ts
 *
 * env: BENCH_RATE (records/s, 5000), BENCH_DURATION_S (measured, 15; after 3 s of warm-up),
 * BENCH_LINGER_MS (the gateway's publish linger, 5: a batch every linger of rate × linger
 * records), BENCH_GROUPS (3), BENCH_PARTITIONS (12), BENCH_MAX_WAIT_MS (KafkaBus'
 * consumer maxWaitTimeMs, 200), BENCH_MIN_BYTES (fetch minBytes, 65536: KafkaBus' defaults),
 * BENCH_MAX_BYTES_PER_PARTITION (1 MiB).
 *
 * The broker: by default a private one started for the run (port BENCH_KAFKA_PORT, 19392,
 * state under deploy/local/.kafka/instances/broker-bench, jars from ROADWATCH_KAFKA_LIBS or
 * deploy/local/.kafka/libs) so that other tenants of the shared broker are not counted and
 * broker settings can be tried: ROADWATCH_KAFKA_EXTRA_PROPERTIES ("k=v;k=v"),
 * ROADWATCH_KAFKA_JVM_OPTS, ROADWATCH_KAFKA_HEAP (deploy/local/infra.sh). It is stopped
 * at the end. BENCH_BROKERS=127.0.0.1:9092 measures the shared broker instead (noisy).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { aPosition, uniqueName } from '@roadwatch/testing';
import { parseProcStat } from './proc-stats';
import { recordOutput } from './perf-doc';

recordOutput('kafka-broker');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const RATE = int('BENCH_RATE', 5_000);
const DURATION_S = int('BENCH_DURATION_S', 15);
const WARMUP_S = 3;
const IDLE_S = 3;
const WARMUP_FIRST_S = int('BENCH_WARMUP_S', 20);
const LINGER_MS = int('BENCH_LINGER_MS', 5);
const GROUPS = int('BENCH_GROUPS', 3);
const PARTITIONS = int('BENCH_PARTITIONS', 12);
const MAX_WAIT_MS = int('BENCH_MAX_WAIT_MS', 200);
const MIN_BYTES = int('BENCH_MIN_BYTES', 65_536);
const MAX_BYTES_PER_PARTITION = int('BENCH_MAX_BYTES_PER_PARTITION', 1_048_576);
const VEHICLES = 10_000;
const logger = createLogger('kafka-broker-bench', process.env['LOG_LEVEL'] ?? 'warn');
const root = join(import.meta.dirname, '..');

const privatePort = int('BENCH_KAFKA_PORT', 19_392);
const infraEnv = {
  ...process.env,
  ROADWATCH_STATE_DIR: join(root, 'deploy/local/.kafka/instances/broker-bench'),
  ROADWATCH_KAFKA_PORT: String(privatePort),
  ROADWATCH_KAFKA_LIBS: process.env['ROADWATCH_KAFKA_LIBS'] ?? join(root, 'deploy/local/.kafka/libs'),
};
const infra = (command: string) =>
  execFileSync('bash', [join(root, 'deploy/local/infra.sh'), command], { env: infraEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const usePrivate = process.env['BENCH_BROKERS'] === undefined;
const brokers = usePrivate ? `127.0.0.1:${privatePort}` : process.env['BENCH_BROKERS']!;

/** The pid of the JVM listening on the broker's port. */
const brokerPid = (): number => {
  const port = brokers.split(',')[0]!.split(':')[1]!;
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens on ${brokers}`);
  return Number(pid);
};
const cpuUsOf = (pid: number): number => parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuUs;
const selfCpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (usePrivate) {
  if (!existsSync(infraEnv.ROADWATCH_KAFKA_LIBS)) throw new Error(`no Kafka jars in ${infraEnv.ROADWATCH_KAFKA_LIBS}: set ROADWATCH_KAFKA_LIBS`);
  infra('kafka-start');
}
/** One client setting to measure: the gateway's linger and the consumers' fetch settings. */
interface Variant {
  lingerMs: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytesPerPartition: number;
  /** KafkaBus `coalesceMessages` (0: each publish its own produce request). */
  coalesce: number;
}
const base: Variant = {
  lingerMs: LINGER_MS,
  maxWaitMs: MAX_WAIT_MS,
  minBytes: MIN_BYTES,
  maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
  coalesce: int('BENCH_COALESCE', 10_000),
};
// BENCH_VARIANTS: "lingerMs=20,minBytes=65536;maxWaitMs=100" — each measured after the base, on the same warmed broker.
const variants: Variant[] = [
  base,
  ...(process.env['BENCH_VARIANTS'] ?? '')
    .split(';')
    .filter((text) => text.trim() !== '')
    .map((text) => ({ ...base, ...Object.fromEntries(text.split(',').map((pair) => [pair.split('=')[0]!.trim(), Number(pair.split('=')[1])])) }) as Variant),
];

const measureVariant = async (variant: Variant, warmupS: number): Promise<void> => {
  const prefix = `${uniqueName('broker_bench')}.`;
  const bus = new KafkaBus({
    brokers: brokers.split(','),
    clientId: 'kafka-broker-bench',
    topicPrefix: prefix,
    logger,
    coalesceMessages: variant.coalesce,
    consumer: { maxWaitTimeMs: variant.maxWaitMs, minBytes: variant.minBytes, maxBytesPerPartition: variant.maxBytesPerPartition },
  });
  try {
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: PARTITIONS }]);
    const consumed = Array.from({ length: GROUPS }, () => 0);
    for (let g = 0; g < GROUPS; g += 1) {
      await bus.subscribe({
        groupId: `${prefix}g${g}`,
        topics: [TOPICS.positions],
        handleBatch: async (batch) => void (consumed[g]! += batch.messages.length),
      });
    }
    await sleep(1_000);
    const ackMs: number[] = [];
    const publishSizes: number[] = [];
    let published = 0;
    let measuring = false;
    let sequence = 0;
    const inFlight = new Set<Promise<void>>();
    const t0 = Date.now();
    // The gateway's batcher: every linger what arrived goes out in one publish (validated at the
    // edge), at most 4 publishes in flight; while they are, arrivals wait and the next batch grows.
    const publish = (count: number) => {
      const messages = Array.from({ length: count }, () => {
        const i = sequence++;
        const value: PositionV1 = aPosition({ vehicleId: `BB${String(i % VEHICLES).padStart(6, '0')}`, deviceTimeMs: t0 + Math.floor(i / VEHICLES) * 1_000 });
        return { key: value.vehicleId, value };
      });
      const started = performance.now();
      const counted = measuring;
      const sent = bus.publish(TOPICS.positions, messages, { validated: true }).then(() => {
        if (!counted) return;
        ackMs.push(performance.now() - started);
        publishSizes.push(count);
        published += count;
      });
      inFlight.add(sent);
      sent.finally(() => inFlight.delete(sent)).catch((error: unknown) => console.error('publish failed:', error));
    };
    const run = async (seconds: number) => {
      const start = performance.now();
      const firstSequence = sequence;
      for (let tick = 1; performance.now() - start < seconds * 1_000; tick += 1) {
        const due = Math.floor(((performance.now() - start) / 1_000) * RATE) - (sequence - firstSequence);
        if (due > 0 && inFlight.size < 4) publish(Math.min(2_000, due));
        await sleep(Math.max(0, start + tick * variant.lingerMs - performance.now()));
      }
      await Promise.all(inFlight);
    };
    await run(warmupS);
    const pid = brokerPid();
    // The broker's cost with the groups connected and nothing produced (fetch polling, the controller): read the figures against it.
    const idleStart = cpuUsOf(pid);
    await sleep(IDLE_S * 1_000);
    const idleUsPerS = (cpuUsOf(pid) - idleStart) / IDLE_S;
    const consumedBefore = consumed.reduce((a, b) => a + b, 0);
    measuring = true;
    const brokerStart = cpuUsOf(pid);
    const requestsStart = bus.produceRequests;
    const selfStart = selfCpuUs();
    const wallStart = performance.now();
    await run(DURATION_S);
    measuring = false;
    // The groups catch up with what was published in the window.
    const target = consumedBefore + published * GROUPS;
    const drainUntil = performance.now() + 10_000;
    while (consumed.reduce((a, b) => a + b, 0) < target && performance.now() < drainUntil) await sleep(20);
    const wallS = (performance.now() - wallStart) / 1_000;
    const brokerUs = cpuUsOf(pid) - brokerStart;
    const requests = bus.produceRequests - requestsStart;
    const selfUs = selfCpuUs() - selfStart;
    ackMs.sort((a, b) => a - b);
    console.log(
      `  linger ${variant.lingerMs} ms, coalesce ${variant.coalesce}, maxWait ${variant.maxWaitMs} ms, minBytes ${variant.minBytes}, maxBytes/partition ${variant.maxBytesPerPartition}: ` +
        `broker ${(brokerUs / published).toFixed(1)} CPU-µs/record (${((brokerUs - idleUsPerS * wallS) / published).toFixed(1)} above its idle ${(idleUsPerS / 1_000).toFixed(0)} ms/s), client ${(selfUs / published).toFixed(1)}; ` +
        `${(published / publishSizes.length).toFixed(0)} records/publish, ${(published / requests).toFixed(0)}/produce request; ` +
        `${(published / wallS).toFixed(0)}/s, consumed ${consumed.reduce((a, b) => a + b, 0) - consumedBefore}/${published * GROUPS}; ` +
        `publish→ack p50 ${percentile(ackMs, 0.5).toFixed(1)} ms, p99 ${percentile(ackMs, 0.99).toFixed(1)} ms`,
    );
  } finally {
    await bus.close();
  }
};

try {
  const brokerSettings =
    [process.env['ROADWATCH_KAFKA_EXTRA_PROPERTIES'], process.env['ROADWATCH_KAFKA_JVM_OPTS']].filter(Boolean).join(' | ') || 'broker defaults';
  console.log(
    `${RATE}/s offered for ${DURATION_S} s each, ${GROUPS} groups, ${PARTITIONS} partitions; ${usePrivate ? `private broker, ${brokerSettings}` : `shared broker ${brokers}`}:`,
  );
  // The first variant warms the JVM up (a fresh broker's JIT costs several CPU-seconds); later ones only settle.
  for (const [index, variant] of variants.entries()) await measureVariant(variant, index === 0 ? WARMUP_FIRST_S : WARMUP_S);
} finally {
  if (usePrivate) infra('kafka-stop');
}
