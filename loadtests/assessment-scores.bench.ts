/**
 * The scores job over a province-sized month (not in `npm test`): 500 companies, N operating
 * vehicles (default 10,000) all 入网, 30 quality days each, 2 speeding episodes and 0.2 fatigue
 * violations per vehicle. Prints how long the facts read and the whole job take.
 *   npx tsx loadtests/assessment-scores.bench.ts [vehicles]
 */
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { createLogger } from '@roadwatch/runtime';
import { AssessmentFactsReadModel, createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { seedAssessmentMonth } from '@roadwatch/storage/testing';
import { runScoresJob } from '@roadwatch/supervision';
import { recordOutput } from './perf-doc';

// `--record`: what this bench prints becomes its section of docs/performance.md.
recordOutput('assessment-scores');

const vehicles = Number(process.argv[2] ?? 10_000);
const schema = `rw_bench_assess_${process.pid}`;
const pool = createPool(process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch', { schema, max: 2 });
const from = chinaLocalToEpochMs(2026, 11, 1);
const to = chinaLocalToEpochMs(2026, 12, 1);
try {
  await migrate(pool, { partitioning: 'native' });
  await seedAssessmentMonth(pool, { month: '2026-11', companies: 500, vehicles });
  let started = performance.now();
  const facts = await new AssessmentFactsReadModel(pool).forPeriod(from, to);
  const factsMs = performance.now() - started;
  started = performance.now();
  const run = await runScoresJob({ pool, logger: createLogger('bench', 'warn') }, chinaLocalToEpochMs(2026, 12, 1, 0, 5), 1);
  const jobMs = performance.now() - started;
  console.log(
    JSON.stringify({
      vehicles,
      companies: facts.companies.length,
      platforms: facts.platforms.length,
      factsMs: Math.round(factsMs),
      jobMs: Math.round(jobMs),
      months: run.months,
      rolling: run.rolling,
    }),
  );
} finally {
  await dropStorageSchema(pool, schema);
  await pool.end();
}
