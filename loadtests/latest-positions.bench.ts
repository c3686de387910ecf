/**
 * The archiver's latest-position writes to real Redis (`RedisLatestPositionStore.advance`),
 * as the archiver calls it: one call per partition batch. Prints CPU per position of this
 * process and of redis-server (from /proc; Redis is shared, so its figure is an upper bound),
 * and the bytes one entry takes. Not a test.
 *
 *   npx tsx loadtests/latest-positions.bench.ts      # BENCH_POSITIONS, BENCH_VEHICLES, BENCH_BATCH, BENCH_CONCURRENCY
 */
import type { PositionV1 } from '@roadwatch/contracts';
import { createLogger } from '@roadwatch/runtime';
import { infraEnv, aPosition, uniqueName } from '@roadwatch/testing';
import { RedisLatestPositionStore } from '@roadwatch/archiver';
import { Redis } from 'ioredis';
import { cpuMicros, cpuOfProcessesNamed } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('latest-positions');

const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const total = int('BENCH_POSITIONS', 200_000);
const vehicles = int('BENCH_VEHICLES', 10_000);
const batchSize = int('BENCH_BATCH', 2_000);
const concurrency = int('BENCH_CONCURRENCY', 4);

const env = infraEnv();
createLogger('latest-positions-bench', 'warn');
const prefix = `${uniqueName('latest_bench')}:`;
const store = RedisLatestPositionStore.connect(env.redisUrl, prefix);
const admin = new Redis(env.redisUrl);
const t0 = Date.now() - 3_600_000;

/** Positions in the order one partition would carry them: each vehicle every 30 s, vehicles interleaved. */
const position = (i: number): PositionV1 => {
  const vehicle = i % vehicles;
  const step = Math.floor(i / vehicles);
  return aPosition({
    vehicleId: `V${vehicle}`,
    deviceTimeMs: t0 + step * 30_000,
    terminalId: `013800${String(vehicle).padStart(6, '0')}`,
    plate: `京A${vehicle}`,
    latitudeDeg: 39.9 + (vehicle % 100) / 1_000,
    longitudeDeg: 116.4 + step / 10_000,
    speedKmh: 40 + (i % 50),
    mileageKm: 1_000 + step / 10,
    satellites: 12,
  });
};

try {
  const batches: PositionV1[][] = [];
  for (let start = 0; start < total; start += batchSize)
    batches.push(Array.from({ length: Math.min(batchSize, total - start) }, (_, k) => position(start + k)));
  const nowMs = Date.now();
  const cpuStart = process.cpuUsage();
  const redisStart = cpuOfProcessesNamed('redis-server');
  const started = performance.now();
  let next = 0;
  let moved = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const movedNow = await store.advance(batches[next++] as PositionV1[], nowMs);
        moved += movedNow;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const clientUs = cpuMicros(process.cpuUsage(cpuStart));
  const redisUs = cpuOfProcessesNamed('redis-server') - redisStart;
  const [field, value] = (await admin.hscan(store.positionKey, '0', 'COUNT', 1))[1];
  const entryBytes = Buffer.byteLength(value ?? '');
  console.log(`${total} positions of ${vehicles} vehicles, batches of ${batchSize}, ${concurrency} at once: ${moved} entries moved in ${seconds.toFixed(2)} s`);
  console.log(
    `CPU per position: client ${(clientUs / total).toFixed(2)} µs, redis-server ${(redisUs / total).toFixed(2)} µs; an entry (${field}) is ${entryBytes} B`,
  );
} finally {
  await admin.del(store.positionKey, store.timeKey);
  admin.disconnect();
  await store.close();
}
