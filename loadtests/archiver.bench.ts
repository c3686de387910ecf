/**
 * Archiver throughput on the real servers: N positions are produced to a fresh topic on
 * real Kafka first, then an archiver starts and the clock runs until every one of them is
 * a row in real PostgreSQL (and the latest-position hash on real Redis is up to date).
 * Prints figures; not a test.
 *
 *   npx tsx loadtests/archiver.bench.ts
 *   BENCH_POSITIONS=500000 BENCH_VEHICLES=20000 BENCH_PARTITIONS=12 BENCH_CONCURRENCY=12 npx tsx loadtests/archiver.bench.ts
 *
 * `BENCH_RATE=4000`: the positions are produced at that rate instead, by a child process, while
 * the archiver runs — small batches, as under a steady load (the chain bench's case), where the
 * per-batch costs show. The archiver's CPU is still this process's alone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, PositionRepository } from '@roadwatch/storage';
import { aPosition, infraEnv, uniqueName } from '@roadwatch/testing';
import { ARCHIVED_TOPICS, RedisLatestPositionStore, startArchiver } from '@roadwatch/archiver';
import { cpuMicros, cpuOfProcessesNamed, ownPostgresBackendsCpu } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('archiver');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const total = int('BENCH_POSITIONS', 200_000);
const vehicles = int('BENCH_VEHICLES', 10_000);
const partitions = int('BENCH_PARTITIONS', 12);
const concurrency = int('BENCH_CONCURRENCY', 12);
const poolSize = int('BENCH_POOL', concurrency);
const maxBytes = int('BENCH_MAX_BYTES_PER_PARTITION', 1_048_576);
const ratePerS = int('BENCH_RATE', 0);
const producerOnly = process.env['BENCH_ROLE'] === 'producer';

const env = infraEnv();
const logger = createLogger('archiver-bench', process.env['LOG_LEVEL'] ?? 'warn');
const name = process.env['BENCH_NAME'] ?? uniqueName('archiver_bench');
const bus = new KafkaBus({
  brokers: env.kafkaBrokers.split(','),
  clientId: 'archiver-bench',
  topicPrefix: `${name}.`,
  logger,
  consumer: { partitionsConsumedConcurrently: concurrency, maxBytesPerPartition: maxBytes },
});
const pool = createPool(env.databaseUrl, { schema: name, max: poolSize, application: 'archiver-bench' });
const latest = RedisLatestPositionStore.connect(env.redisUrl, `${name}:`);
const metrics = new ServiceMetrics('archiver-bench', { defaultMetrics: false });

const t0 = Date.now() - 3_600_000;
const position = (i: number): PositionV1 => {
  const vehicle = i % vehicles;
  const step = Math.floor(i / vehicles);
  return aPosition({
    vehicleId: `V${vehicle}`,
    terminalId: `013800${String(vehicle).padStart(6, '0')}`,
    plate: `京A${vehicle}`,
    plateColour: 2,
    deviceTimeMs: t0 + step * 30_000,
    receivedAtMs: t0 + step * 30_000 + 800,
    latitudeDeg: 39.9 + (vehicle % 100) / 1_000,
    longitudeDeg: 116.4 + step / 10_000,
    altitudeM: 45,
    speedKmh: 40 + (i % 50),
    mileageKm: 1_000 + step / 10,
    satellites: 12,
  });
};

const seconds = (ms: number): string => (ms / 1_000).toFixed(2);

/** The child of a paced run: every 50 ms the positions due by then, until all are sent. */
const producePaced = async (): Promise<void> => {
  const started = Date.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1_000) * ratePerS));
    if (due > sent) {
      const messages = Array.from({ length: due - sent }, (_, k) => {
        const value = position(sent + k);
        return { key: value.vehicleId, value };
      });
      await bus.publish(TOPICS.positions, messages);
      sent = due;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

if (producerOnly) {
  try {
    await producePaced();
  } finally {
    await bus.close();
    await latest.close();
    await pool.end();
  }
  process.exit(0);
}

const startPacedProducer = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_ROLE: 'producer', BENCH_NAME: name },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the paced producer exited with ${code}`))));
  });

try {
  await migrate(pool);
  await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions })));

  const produceStart = Date.now();
  const chunk = 5_000;
  const inFlight: Promise<void>[] = [];
  for (let start = 0; start < (ratePerS > 0 ? 0 : total); start += chunk) {
    const messages = Array.from({ length: Math.min(chunk, total - start) }, (_, k) => {
      const value = position(start + k);
      return { key: value.vehicleId, value };
    });
    inFlight.push(bus.publish(TOPICS.positions, messages));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const produceMs = Date.now() - produceStart;
  if (ratePerS === 0) console.log(`produced ${total} positions (${vehicles} vehicles, ${partitions} partitions) in ${seconds(produceMs)} s`);

  const rows = async (): Promise<number> => {
    const metric = metrics.registry.getSingleMetric('roadwatch_archiver_rows_written_total');
    return ((await metric?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  };
  const archiveStart = Date.now();
  const cpuStart = process.cpuUsage();
  const redisCpuStart = cpuOfProcessesNamed('redis-server');
  const postgresCpuStart = cpuOfProcessesNamed('postgres');
  const ownPostgresCpu = ownPostgresBackendsCpu();
  const archiver = await startArchiver({ bus, pool, latestPositions: latest, logger, metrics, groupId: `${name}-archiver`, maintenance: false });
  const producing = ratePerS > 0 ? startPacedProducer() : Promise.resolve();
  if (ratePerS > 0) console.log(`producing ${total} positions (${vehicles} vehicles, ${partitions} partitions) at ${ratePerS}/s while the archiver runs`);
  let lastReport = archiveStart;
  while ((await rows()) < total) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      console.log(`  … ${await rows()} rows after ${seconds(lastReport - archiveStart)} s`);
    }
  }
  await producing;
  const archiveMs = Date.now() - archiveStart;
  const archiverCpuUs = cpuMicros(process.cpuUsage(cpuStart));
  const redisCpuUs = cpuOfProcessesNamed('redis-server') - redisCpuStart;
  const postgresCpuUs = cpuOfProcessesNamed('postgres') - postgresCpuStart;
  const ownPostgresCpuUs = ownPostgresCpu();
  const counted = await new PositionRepository(pool).count();
  const latestCount = (await latest.all()).length;
  const batches = metrics.registry.getSingleMetric('roadwatch_archiver_batch_seconds');
  const histogram = (await batches?.get())?.values ?? [];
  const named = (suffix: string): number => histogram.find((v) => (v as { metricName?: string }).metricName?.endsWith(suffix))?.value ?? 0;
  const positionWrites = ((await metrics.registry.getSingleMetric('roadwatch_archiver_position_writes_total')?.get())?.values ?? []).reduce(
    (sum, v) => sum + v.value,
    0,
  );
  const batchCount = named('_count');
  const batchSum = named('_sum');
  await archiver.close();

  console.log(`archived ${counted} rows in ${seconds(archiveMs)} s (includes joining the group): ${Math.round(total / (archiveMs / 1_000))} positions/s`);
  console.log(
    `batches: ${batchCount}, mean ${(total / Math.max(1, batchCount)).toFixed(0)} positions and ${((batchSum / Math.max(1, batchCount)) * 1_000).toFixed(1)} ms each (database + Redis); ${positionWrites} position writes (partition batches handled at once are joined)`,
  );
  // The archiver's process is this one (kafkajs consumer included); Redis and PostgreSQL are shared, so theirs include others' load.
  console.log(
    `CPU per position: archiver ${(archiverCpuUs / total).toFixed(1)} µs, redis-server ${(redisCpuUs / total).toFixed(1)} µs, postgres: our backends ${(ownPostgresCpuUs / total).toFixed(1)} µs (all processes ${(postgresCpuUs / total).toFixed(1)} µs); archiver RSS ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB`,
  );
  console.log(`latest-position entries on Redis: ${latestCount} (vehicles: ${vehicles})`);
  console.log(`settings: partitionsConsumedConcurrently=${concurrency}, pool=${poolSize}, maxBytesPerPartition=${maxBytes}`);
  if (counted !== total) throw new Error(`expected ${total} rows, found ${counted}`);
} finally {
  await bus.close();
  await latest.close();
  await dropStorageSchema(pool, name);
  await pool.end();
}
