// The embedded default's bus over a long run: positions through four consumer groups that
// commit as they go (archiver, detector, API feed, alert feed), and what the process keeps.
// Run: node --expose-gc --import tsx loadtests/in-process-bus-retention.bench.ts [positions=300000] [--keep-all]
// --keep-all: no trimming and no cap, as the bus was before retention (the before figure).
// Prints figures (heap, records kept, throughput); it asserts nothing and is not part of the test suite.
import { pino } from 'pino';
import { TOPICS } from '../libs/contracts/src/index.js';
import { InProcessBus } from '../libs/messaging/src/index.js';
import { aPosition } from '../libs/testing/src/factories/index.js';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('in-process-bus-retention');

const total = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 300_000);
const keepAll = process.argv.includes('--keep-all');
const perCall = 250;
const vehicles = 1_000;
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => {
  gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  // Record values are Buffers: outside the JS heap, so counted beside it.
  return Math.round((heapUsed + arrayBuffers) / 1024 / 1024);
};

const bus = new InProcessBus({
  defaultPartitions: 4,
  logger: pino({ level: 'warn' }),
  ...(keepAll
    ? {
        retention: {
          committedBytesKeptPerPartition: Number.MAX_SAFE_INTEGER,
          maxBytesPerPartition: Number.MAX_SAFE_INTEGER,
          maxRecordsPerPartition: Number.MAX_SAFE_INTEGER,
        },
      }
    : {}),
});
await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 4 }]);
let consumed = 0;
for (const groupId of ['archiver', 'detector', 'api-live', 'standalone-alert-feed']) {
  await bus.subscribe({ groupId, topics: [TOPICS.positions], fromBeginning: true, handleBatch: async (batch) => void (consumed += batch.messages.length) });
}
const startHeap = heapMiB();
const started = performance.now();
console.log(`positions | heap+buffers MiB | records kept | bytes kept (MiB)`);
for (let sent = 0; sent < total; sent += perCall) {
  await bus.publish(
    TOPICS.positions,
    Array.from({ length: perCall }, (_, i) => {
      const n = sent + i;
      const vehicleId = `V${n % vehicles}`;
      return { key: vehicleId, value: aPosition({ vehicleId, deviceTimeMs: 1_764_000_000_000 + n * 1_000 }) };
    }),
  );
  // Let the consumers keep up, as they do at the embedded default's load.
  while (consumed < (sent + perCall) * 4) await new Promise((resolve) => setImmediate(resolve));
  if ((sent + perCall) % 50_000 === 0) {
    const kept = bus.retained(TOPICS.positions);
    console.log(
      `${String(sent + perCall).padStart(9)} | ${String(heapMiB()).padStart(15)} | ${String(kept.records).padStart(12)} | ${(kept.bytes / 1024 / 1024).toFixed(1).padStart(16)}`,
    );
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `${total} positions through 4 groups in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} positions/s); heap+buffers ${startHeap} MiB at start, ${heapMiB()} MiB at the end; ${bus.retained(TOPICS.positions).records} records kept`,
);
await bus.close();
