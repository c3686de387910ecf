import { chinaDateOf } from '@roadwatch/domain';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, type Queryable } from './sql';

/** One company's sums over a time range, as `CompanyReportReadModel.companies` reads them (numbers, not yet rates). */
export interface CompanyReportSums {
  companyId: string;
  companyName: string;
  /** Vehicles in scope of the company. */
  vehicles: number;
  /** Of them, with at least one position in the range. */
  vehiclesOnline: number;
  mileageKm: number;
  /** Estimated: each day's reporting span × its share of moving reports. */
  drivingHours: number;
  /** Distinct violation alerts started in the range, by rule. */
  violationsByRule: Record<string, number>;
  /** Vehicle-days of the detector's quality counters over the local days the range touches. */
  qualityDays: number;
  received: number;
  invalid: number;
  trackM: number;
  completeTrackM: number;
  /** Vehicles with at least one report counted on those days. */
  reportingVehicles: number;
  /** Vehicles with at least one drift point on those days. */
  driftingVehicles: number;
}

/** numeric and bigint sums arrive as strings. */
interface CompanyReportDbRow {
  company_id: string;
  name: string;
  vehicles: string;
  online: string;
  km: string;
  hours: string | number;
  quality_days: string;
  received: string;
  invalid: string;
  track_m: string;
  complete_track_m: string;
  reporting: string;
  drifting: string;
  by_rule: Record<string, string | number> | null;
}

const TS = (param: string): string => msToTs(`${param}::float8`);

/** The per-company report (报表) of the API: fleet, 上线率, violations, mileage and the 联网联控 quality counters. */
export class CompanyReportReadModel {
  constructor(private readonly db: Queryable) {}

  /**
   * Every figure counts the vehicles the scope admits as vehicles (`OWNER_OF.vehicle`: own
   * region, else the company's), grouped by their company. A company in scope itself (its own
   * region or id) has its row even when none of its vehicles is.
   */
  async companies(scope: OwnerScope, fromMs: number, toMs: number): Promise<CompanyReportSums[]> {
    const params: unknown[] = [fromMs, toMs];
    const vehicleInScope = ownerScopeSql(scope, OWNER_OF.vehicle('v', 'c'), params);
    const companyInScope = ownerScopeSql(scope, OWNER_OF.company('c'), params);
    const fromDate = `$${params.push(chinaDateOf(fromMs))}::date`;
    const toDate = `$${params.push(chinaDateOf(Math.max(fromMs, toMs - 1)))}::date`;
    const { rows } = await this.db.query<CompanyReportDbRow>(
      `WITH fleet AS (
         SELECT c.company_id, c.name, v.vehicle_id FROM companies c LEFT JOIN vehicles v ON v.company_id = c.company_id AND ${vehicleInScope}
         WHERE v.vehicle_id IS NOT NULL OR ${companyInScope}
       ), daily AS (
         SELECT d.vehicle_id, sum(d.mileage_km) AS km,
                sum(extract(epoch FROM d.last_report_at - d.first_report_at) / 3600.0 * d.moving_reports::float8 / greatest(d.reports, 1)) AS hours
         FROM vehicle_daily d
         -- The local days overlapping the range: each starts before its end and ends after its start.
         WHERE d.day > ${TS('$1')} - interval '1 day' AND d.day < ${TS('$2')} AND d.vehicle_id IN (SELECT vehicle_id FROM fleet)
         GROUP BY d.vehicle_id
       ), online AS (
         SELECT DISTINCT p.vehicle_id FROM positions p
         WHERE p.device_time >= ${TS('$1')} AND p.device_time < ${TS('$2')} AND p.vehicle_id IN (SELECT vehicle_id FROM fleet)
       ), violations AS (
         SELECT a.vehicle_id, a.rule, count(DISTINCT a.alert_id) AS n FROM alerts a
         WHERE a.level = 'violation' AND a.started_at >= ${TS('$1')} AND a.started_at < ${TS('$2')} AND a.vehicle_id IN (SELECT vehicle_id FROM fleet)
         GROUP BY a.vehicle_id, a.rule
       ), quality AS (
         SELECT q.vehicle_id, count(*) AS days, sum(q.received) AS received, sum(q.invalid) AS invalid, sum(q.drift) AS drift,
                sum(q.track_m) AS track_m, sum(q.complete_track_m) AS complete_track_m
         FROM vehicle_quality_daily q
         WHERE q.day >= ${fromDate} AND q.day <= ${toDate} AND q.vehicle_id IN (SELECT vehicle_id FROM fleet)
         GROUP BY q.vehicle_id
       )
       SELECT f.company_id, f.name, count(f.vehicle_id) AS vehicles,
              count(o.vehicle_id) AS online,
              coalesce(sum(d.km), 0) AS km, coalesce(sum(d.hours), 0) AS hours,
              coalesce(sum(q.days), 0) AS quality_days, coalesce(sum(q.received), 0) AS received, coalesce(sum(q.invalid), 0) AS invalid,
              coalesce(sum(q.track_m), 0) AS track_m, coalesce(sum(q.complete_track_m), 0) AS complete_track_m,
              count(q.vehicle_id) FILTER (WHERE q.received > 0) AS reporting, count(q.vehicle_id) FILTER (WHERE q.drift > 0) AS drifting,
              (SELECT jsonb_object_agg(rule, n) FROM (SELECT x.rule, sum(x.n) AS n FROM violations x JOIN fleet g ON g.vehicle_id = x.vehicle_id
                 WHERE g.company_id = f.company_id GROUP BY x.rule) r) AS by_rule
       FROM fleet f LEFT JOIN online o ON o.vehicle_id = f.vehicle_id LEFT JOIN daily d ON d.vehicle_id = f.vehicle_id
         LEFT JOIN quality q ON q.vehicle_id = f.vehicle_id
       GROUP BY f.company_id, f.name ORDER BY f.company_id`,
      params,
    );
    return rows.map((r) => ({
      companyId: r.company_id,
      companyName: r.name,
      vehicles: Number(r.vehicles),
      vehiclesOnline: Number(r.online),
      mileageKm: Number(r.km),
      drivingHours: Number(r.hours),
      violationsByRule: Object.fromEntries(Object.entries(r.by_rule ?? {}).map(([rule, n]) => [rule, Number(n)])),
      qualityDays: Number(r.quality_days),
      received: Number(r.received),
      invalid: Number(r.invalid),
      trackM: Number(r.track_m),
      completeTrackM: Number(r.complete_track_m),
      reportingVehicles: Number(r.reporting),
      driftingVehicles: Number(r.drifting),
    }));
  }
}
