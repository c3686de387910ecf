import { chinaDateOf, DAY_MS } from '@roadwatch/domain';

/** A pg pool or client (libs/storage's pools are): only `query` is used. */
interface SqlRunner {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export interface KeySupervisionFleetOptions {
  vehicles: number;
  /** Whole local days of history before `nowMs`'s day. */
  days: number;
  nowMs: number;
  /** Vehicles per company (default 20). */
  perCompany?: number;
}

/**
 * A fleet with a month of facts for the 重点监管 job, seeded in bulk (benches and tests seed the
 * database directly): companies of `perCompany` vehicles, each vehicle bound to a terminal and on
 * the operating list of every month the days touch, a quality row per vehicle and day. Every
 * 50th vehicle has a poor track (55 %), every 50th (offset 25) reports nothing for its last 4
 * days, every 100th has a fatigue violation and every 7th three speeding episodes a day apart.
 */
export const seedKeySupervisionFleet = async (db: SqlRunner, options: KeySupervisionFleetOptions): Promise<void> => {
  const perCompany = options.perCompany ?? 20;
  const firstDay = chinaDateOf(options.nowMs - options.days * DAY_MS);
  const lastDay = chinaDateOf(options.nowMs - DAY_MS);
  await db.query(
    `INSERT INTO companies (company_id, name, region_code)
     SELECT 'KSC' || c, '企业' || c, '44' || lpad((c % 20 + 1)::text, 2, '0') || '00' FROM generate_series(0, $1::int - 1) c`,
    [Math.ceil(options.vehicles / perCompany)],
  );
  await db.query(
    `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id)
     SELECT 'KSV' || i, '粤K' || lpad(i::text, 5, '0'), 2, 'heavy_truck', 'KSC' || (i / $2::int) FROM generate_series(0, $1::int - 1) i`,
    [options.vehicles, perCompany],
  );
  await db.query(`INSERT INTO terminals (terminal_id, vehicle_id) SELECT 'KST' || i, 'KSV' || i FROM generate_series(0, $1::int - 1) i`, [options.vehicles]);
  await db.query(
    `INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id)
     SELECT DISTINCT date_trunc('month', d)::date, v.plate, v.plate_colour, v.company_id
       FROM vehicles v CROSS JOIN generate_series($1::date, $2::date, interval '1 day') d WHERE v.vehicle_id LIKE 'KSV%'`,
    [firstDay, lastDay],
  );
  // A quality row per vehicle and day; the offline ones miss their last 4 days.
  await db.query(
    `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
     SELECT 'KSV' || i, d::date, 8640, 8600, 40, 0, 0, 0, 300000, CASE WHEN i % 50 = 0 THEN 165000 ELSE 297000 END, 2, 0, true, now()
       FROM generate_series(0, $1::int - 1) i CROSS JOIN generate_series($2::date, $3::date, interval '1 day') d
      WHERE NOT (i % 50 = 25 AND d::date > $3::date - 4)`,
    [options.vehicles, firstDay, lastDay],
  );
  await db.query(
    `INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, company_id, rule, level, severity, raised_at, limit_passed_at, points, summary)
     SELECT 'KSF' || i, to_timestamp($2 / 1000.0) - interval '3 days', 0, 'KSV' || i, 'KSC' || (i / $3::int), 'fatigue_continuous', 'violation', 'serious',
            to_timestamp($2 / 1000.0) - interval '2 days', to_timestamp($2 / 1000.0) - interval '2 days 20 hours', NULL, '疲劳驾驶'
       FROM generate_series(0, $1::int - 1, 100) i
     UNION ALL
     SELECT 'KSS' || i || '-' || k, to_timestamp($2 / 1000.0) - (k || ' days')::interval, 0, 'KSV' || i, 'KSC' || (i / $3::int), 'speeding', 'violation', 'minor',
            to_timestamp($2 / 1000.0) - (k || ' days')::interval + interval '1 minute', NULL, 1, '超速'
       FROM generate_series(3, $1::int - 1, 7) i CROSS JOIN generate_series(1, 3) k`,
    [options.vehicles, options.nowMs, perCompany],
  );
};
