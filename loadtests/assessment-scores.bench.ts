/**
 * The scores job over a province-sized month (not in `npm test`): 500 companies, N operating
 * vehicles (default 10,000) all 入网, 30 quality days each, 2 speeding episodes and 0.2 fatigue
 * violations per vehicle. Prints how long the facts read and the whole job take.
 *   npx tsx loadtests/assessment-scores.bench.ts [vehicles]
 */
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { createLogger } from '@roadwatch/runtime';
import { AssessmentFactsReadModel, createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { runScoresJob } from '@roadwatch/supervision';

const vehicles = Number(process.argv[2] ?? 10_000);
const schema = `rw_bench_assess_${process.pid}`;
const pool = createPool(process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch', { schema, max: 2 });
const from = chinaLocalToEpochMs(2026, 11, 1);
const to = chinaLocalToEpochMs(2026, 12, 1);
try {
  await migrate(pool, { partitioning: 'native' });
  await pool.query(
    `INSERT INTO companies (company_id, name, region_code) SELECT 'C' || i, '公司' || i, '1101' || lpad((i % 20)::text, 2, '0') FROM generate_series(1, 500) i`,
  );
  await pool.query(
    `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) SELECT 'P' || i || ':2', 'P' || i, 2, 'hazmat', 'C' || (1 + i % 500) FROM generate_series(1, $1::int) i`,
    [vehicles],
  );
  await pool.query(`INSERT INTO terminals (terminal_id, vehicle_id) SELECT 't' || i, 'P' || i || ':2' FROM generate_series(1, $1::int) i`, [vehicles]);
  await pool.query(
    `INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code) SELECT '2026-11-01', 'P' || i, 2, 'C' || (1 + i % 500), '1101' || lpad(((1 + i % 500) % 20)::text, 2, '0') FROM generate_series(1, $1::int) i`,
    [vehicles],
  );
  await pool.query(
    `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
     SELECT 'P' || i || ':2', date '2026-11-01' + d, 8640, 8600, 40, (i % 50 = 0)::int, 0, 0, 300000, 297000, 1, 0, true, now() FROM generate_series(1, $1::int) i, generate_series(0, 29) d`,
    [vehicles],
  );
  await pool.query(
    `INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, company_id, rule, level, severity, raised_at, ended_at, limit_passed_at, summary)
     SELECT 'a' || i || '-' || k, to_timestamp($2 / 1000.0) + (i % 29) * interval '1 day' + k * interval '1 hour', 0, 'P' || i || ':2', 'C' || (1 + i % 500),
            CASE WHEN k < 2 THEN 'speeding' ELSE 'fatigue_continuous' END, 'violation', 'major',
            to_timestamp($2 / 1000.0) + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '4 hours',
            to_timestamp($2 / 1000.0) + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '5 hours',
            to_timestamp($2 / 1000.0) + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '4 hours', 'x'
     FROM generate_series(1, $1::int) i, generate_series(0, 2) k WHERE k < 2 OR i % 5 = 0`,
    [vehicles, from],
  );
  await pool.query('ANALYZE');
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
