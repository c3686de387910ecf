import type { Queryable } from '../sql';

export interface AssessmentMonthSeed {
  /** A local month, `yyyy-mm`. */
  month: string;
  companies: number;
  /** Operating vehicles, each 入网 (a terminal bound) and on the month's 运政 list. */
  vehicles: number;
}

/**
 * A province-sized month of 考核 facts for the scores benchmark, written in bulk with
 * generate_series (one statement a table; row by row through the repositories would take longer
 * than the job it measures): the companies spread over 20 districts, every vehicle with 30 quality
 * days, 2 speeding episodes, and a fatigue violation for every fifth vehicle.
 */
export const seedAssessmentMonth = async (db: Queryable, { month, companies, vehicles }: AssessmentMonthSeed): Promise<void> => {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`a month is yyyy-mm, not ${JSON.stringify(month)}`);
  const firstDay = `${month}-01`;
  await db.query(
    `INSERT INTO companies (company_id, name, region_code) SELECT 'C' || i, '公司' || i, '1101' || lpad((i % 20)::text, 2, '0') FROM generate_series(1, $1::int) i`,
    [companies],
  );
  await db.query(
    `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) SELECT 'P' || i || ':2', 'P' || i, 2, 'hazmat', 'C' || (1 + i % $2::int) FROM generate_series(1, $1::int) i`,
    [vehicles, companies],
  );
  await db.query(`INSERT INTO terminals (terminal_id, vehicle_id) SELECT 't' || i, 'P' || i || ':2' FROM generate_series(1, $1::int) i`, [vehicles]);
  await db.query(
    `INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code)
     SELECT $3::date, 'P' || i, 2, 'C' || (1 + i % $2::int), '1101' || lpad(((1 + i % $2::int) % 20)::text, 2, '0') FROM generate_series(1, $1::int) i`,
    [vehicles, companies, firstDay],
  );
  await db.query(
    `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
     SELECT 'P' || i || ':2', $2::date + d, 8640, 8600, 40, (i % 50 = 0)::int, 0, 0, 300000, 297000, 1, 0, true, now() FROM generate_series(1, $1::int) i, generate_series(0, 29) d`,
    [vehicles, firstDay],
  );
  // The alerts start at the month's local midnight (China, UTC+8, no daylight saving).
  await db.query(
    `WITH m AS (SELECT ($3::date)::timestamp AT TIME ZONE 'Asia/Shanghai' AS start)
     INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, company_id, rule, level, severity, raised_at, ended_at, limit_passed_at, summary)
     SELECT 'a' || i || '-' || k, m.start + (i % 29) * interval '1 day' + k * interval '1 hour', 0, 'P' || i || ':2', 'C' || (1 + i % $2::int),
            CASE WHEN k < 2 THEN 'speeding' ELSE 'fatigue_continuous' END, 'violation', 'major',
            m.start + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '4 hours',
            m.start + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '5 hours',
            m.start + (i % 29) * interval '1 day' + k * interval '1 hour' + interval '4 hours', 'x'
     FROM m, generate_series(1, $1::int) i, generate_series(0, 2) k WHERE k < 2 OR i % 5 = 0`,
    [vehicles, companies, firstDay],
  );
  await db.query('ANALYZE');
};
