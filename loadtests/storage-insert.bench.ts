/**
 * Position bulk-insert throughput and CPU per row: real PostgreSQL (unnest, binary
 * COPY→staging→INSERT … ON CONFLICT, and binary COPY straight into positions) and the embedded
 * TimescaleDB (unnest). Each run uses its own schema / instance. The server's CPU is that of
 * this process's own backends (/proc), and of all postgres processes for reference.
 *
 *   npx tsx loadtests/storage-insert.bench.ts [rowsPerRun=200000] [batch=5000]
 */
import { randomBytes } from 'node:crypto';
import type { PositionV1 } from '@roadwatch/contracts';
import { aPosition } from '@roadwatch/testing';
import {
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  startEmbeddedTimescale,
  type PositionInsertMethod,
  type StoragePool,
} from '@roadwatch/storage';
import { cpuMicros, cpuOfProcessesNamed, ownPostgresBackendsCpu } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('storage-insert');

const ROWS = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 200_000);
const BATCH = Number(process.argv[3] ?? 5_000);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const VEHICLES = 2_000;

/** ROWS reports from VEHICLES vehicles, 30 s apart, ending now; `salt` keeps runs disjoint. */
const makePositions = (rows: number, salt: string): PositionV1[] => {
  const end = Date.now();
  return Array.from({ length: rows }, (_, i) => {
    const vehicle = i % VEHICLES;
    const step = Math.floor(i / VEHICLES);
    const t = end - (Math.ceil(rows / VEHICLES) - step) * 30_000;
    return aPosition({
      vehicleId: `冀A${salt}${vehicle}:2`,
      terminalId: `0138${vehicle}`,
      plate: `冀A${vehicle}`,
      plateColour: 2,
      deviceTimeMs: t,
      receivedAtMs: t + 700,
      latitudeDeg: 39 + vehicle / 1e4,
      longitudeDeg: 116 + step / 1e4,
      speedKmh: (i * 7) % 110,
      headingDeg: (i * 13) % 360,
      mileageKm: 10_000 + step * 0.25,
      satellites: 14,
    });
  });
};

async function measure(label: string, pool: StoragePool, method: PositionInsertMethod, rows: PositionV1[]): Promise<void> {
  const repo = new PositionRepository(pool, { insertMethod: method, batchSize: BATCH });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const serverCpuStart = cpuOfProcessesNamed('postgres');
  const ownServerCpu = ownPostgresBackendsCpu();
  // Batches go in concurrently up to the pool size, as the archiver would with several partitions.
  const batches: PositionV1[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
  const lanes = Math.min(pool.options.max ?? 1, batches.length);
  let inserted = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < batches.length) {
        const batch = batches[next++] as PositionV1[];
        const n = await repo.insertMany(batch, method);
        inserted += n;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const clientCpuUs = cpuMicros(process.cpuUsage(cpuStart));
  // The embedded server runs in this process: its CPU is the client's.
  const serverCpuUs = pool.roadwatch?.embedded ? 0 : cpuOfProcessesNamed('postgres') - serverCpuStart;
  const ownServerCpuUs = pool.roadwatch?.embedded ? 0 : ownServerCpu();
  // Re-delivery of the same rows: all conflicts, nothing inserted.
  const again = performance.now();
  let duplicates = 0;
  for (const batch of batches.slice(0, 5)) duplicates += await repo.insertMany(batch, method);
  const dupRows = Math.min(rows.length, 5 * BATCH);
  const dupSeconds = (performance.now() - again) / 1000;
  console.log(
    `${label.padEnd(34)} ${method.padEnd(11)} ${String(inserted).padStart(8)} rows in ${seconds.toFixed(2).padStart(6)} s = ` +
      `${Math.round(inserted / seconds)
        .toLocaleString('en')
        .padStart(8)} rows/s   re-delivery: ${duplicates} new of ${dupRows}, ` +
      `${Math.round(dupRows / dupSeconds).toLocaleString('en')} rows/s   CPU per row: client ${(clientCpuUs / inserted).toFixed(1)} µs, our backends ${(ownServerCpuUs / inserted).toFixed(1)} µs (all postgres ${(serverCpuUs / inserted).toFixed(1)} µs)`,
  );
}

async function realPostgres(connections: number): Promise<void> {
  const schema = `rw_bench_${randomBytes(4).toString('hex')}`;
  const pool = createPool(DATABASE_URL, { schema, max: connections });
  try {
    await migrate(pool, { partitioning: 'partman' });
    for (const method of ['unnest', 'copy-staged', 'copy', 'unnest', 'copy-staged', 'copy'] as const) {
      await measure(`PostgreSQL 15, ${connections} conn, partitioned`, pool, method, makePositions(ROWS, `${method}${randomBytes(2).toString('hex')}`));
    }
  } finally {
    // With pg_partman's config rows and template tables.
    await dropStorageSchema(pool, schema);
    await pool.end();
  }
}

async function embedded(): Promise<void> {
  const server = await startEmbeddedTimescale();
  const pool = createPool(server.url, { embedded: true });
  try {
    await migrate(pool);
    await measure('embedded TimescaleDB (WASM), 1 conn', pool, 'unnest', makePositions(Math.min(ROWS, 100_000), 'e'));
  } finally {
    await pool.end();
    await server.stop();
  }
}

console.log(`positions bulk insert: ${ROWS} rows per run, batches of ${BATCH}, ${VEHICLES} vehicles`);
await realPostgres(1);
await realPostgres(4);
if (!process.argv.includes('--no-embedded')) await embedded();
