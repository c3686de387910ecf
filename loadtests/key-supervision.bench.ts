/**
 * One pass of the 重点监管 job (services/supervision `runKeySupervisionJob`) over a fleet with a
 * month of facts on the real PostgreSQL: a quality row per vehicle and day, the operating list,
 * fatigue and speeding alerts (libs/testing `seedKeySupervisionFleet`). Times the first pass
 * (opens every listing) and a second one at the same facts (nothing changes), with this
 * process's CPU and its PostgreSQL backends' CPU. Prints figures; not a test.
 *
 *   npx tsx loadtests/key-supervision.bench.ts
 *   BENCH_VEHICLES=20000 npx tsx loadtests/key-supervision.bench.ts
 */
import { createPool, dropStorageSchema, KeySupervisionRepository, migrate } from '@roadwatch/storage';
import { infraEnv, seedKeySupervisionFleet, uniqueName } from '@roadwatch/testing';
import { runKeySupervisionJob } from '@roadwatch/supervision';
import { cpuMicros, ownPostgresBackendsCpu } from './cpu';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('key-supervision');

const vehicles = Number(process.env['BENCH_VEHICLES'] ?? 5_000);
const days = 30;
const schema = uniqueName('key_supervision_bench').replace(/[^a-z0-9_]/g, '_');
const pool = createPool(infraEnv().databaseUrl, { schema, max: 2, application: 'key-supervision-bench' });

try {
  await migrate(pool);
  const nowMs = Date.now();
  const seedStart = Date.now();
  await seedKeySupervisionFleet(pool, { vehicles, days, nowMs });
  console.log(`seeded ${vehicles} vehicles × ${days} days (${vehicles * days} quality rows) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  for (const label of ['first pass (opens every listing)', 'second pass (nothing new)']) {
    const backends = ownPostgresBackendsCpu();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const summary = await runKeySupervisionJob({ pool }, nowMs);
    const wallMs = performance.now() - start;
    console.log(
      `${label}: ${wallMs.toFixed(0)} ms wall, ${(cpuMicros(process.cpuUsage(cpu)) / 1000).toFixed(0)} ms node CPU, ${(backends() / 1000).toFixed(0)} ms PostgreSQL CPU — opened ${summary.opened}, extended ${summary.extended}, closed ${summary.closed}`,
    );
  }
  const listed = await new KeySupervisionRepository(pool).find({ state: 'current', limit: 1_000_000, offset: 0 });
  console.log(
    `listed: ${listed.filter((e) => e.subjectKind === 'vehicle').length} vehicles, ${listed.filter((e) => e.subjectKind === 'company').length} companies`,
  );
} finally {
  await dropStorageSchema(pool, schema).catch(() => undefined);
  await pool.end();
}
