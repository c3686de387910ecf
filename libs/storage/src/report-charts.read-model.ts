import { chinaDateOf } from '@roadwatch/domain';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, type Queryable } from './sql';

/** One local day's sums of the vehicles in scope (numbers, not yet rates). */
export interface QualityDaySums {
  /** YYYY-MM-DD, China local. */
  day: string;
  vehicles: number;
  /** Vehicles with ≥ 1 valid record counted by the detector that day (RULES.md §15's 上线). */
  vehiclesOnline: number;
  /** Of them, with ≥ 1 drift point. */
  vehiclesDrifting: number;
  received: number;
  invalid: number;
  trackM: number;
  completeTrackM: number;
}

export interface ViolationsByHour {
  rule: string;
  /** Local (China) hour of day the violation started, 0–23. */
  hour: number;
  count: number;
}

/** What the charts narrow the caller's scope to: one company and/or a region prefix (each only narrows). */
export interface ReportChartsFilter {
  companyId?: string | undefined;
  regionPrefix?: string | undefined;
}

interface DayDbRow {
  day: string;
  vehicles: string;
  online: string;
  drifting: string;
  received: string;
  invalid: string;
  track_m: string;
  complete_track_m: string;
}

/**
 * The reports' charts: the data-quality trend per local day and violations by rule and local
 * hour. Both count the vehicles the scope admits as vehicles (`OWNER_OF.vehicle`), as the
 * company report does, narrowed by the filter on the same owner.
 */
export class ReportChartsReadModel {
  constructor(private readonly db: Queryable) {}

  private fleet(scope: OwnerScope, filter: ReportChartsFilter, params: unknown[]): string {
    const owner = OWNER_OF.vehicle('v', 'vc');
    return `SELECT v.vehicle_id FROM vehicles v LEFT JOIN companies vc ON vc.company_id = v.company_id
            WHERE ${ownerScopeSql(scope, owner, params)} AND ${ownerScopeSql(filter, owner, params)}`;
  }

  /**
   * Every local day [fromMs, toMs) touches, oldest first, days without counters included, from
   * the detector's counters per vehicle and day (`vehicle_quality_daily`).
   */
  async qualityTrend(scope: OwnerScope, filter: ReportChartsFilter, fromMs: number, toMs: number): Promise<QualityDaySums[]> {
    const params: unknown[] = [chinaDateOf(fromMs), chinaDateOf(Math.max(fromMs, toMs - 1))];
    const fleet = this.fleet(scope, filter, params);
    const { rows } = await this.db.query<DayDbRow>(
      `WITH fleet AS (${fleet}),
       days AS (SELECT d::date AS day FROM generate_series($1::date, $2::date, interval '1 day') d),
       q AS (
         -- Online (RULES.md §15): at least one valid record (received − invalid > 0) that day.
         SELECT q.day, count(*) FILTER (WHERE q.received > q.invalid) AS online, count(*) FILTER (WHERE q.received > q.invalid AND q.drift > 0) AS drifting,
                sum(q.received) AS received, sum(q.invalid) AS invalid, sum(q.track_m) AS track_m, sum(q.complete_track_m) AS complete_track_m
         FROM vehicle_quality_daily q JOIN fleet f ON f.vehicle_id = q.vehicle_id
         WHERE q.day >= $1::date AND q.day <= $2::date
         GROUP BY q.day
       )
       SELECT to_char(days.day, 'YYYY-MM-DD') AS day, (SELECT count(*) FROM fleet) AS vehicles,
              coalesce(q.online, 0) AS online, coalesce(q.drifting, 0) AS drifting, coalesce(q.received, 0) AS received,
              coalesce(q.invalid, 0) AS invalid, coalesce(q.track_m, 0) AS track_m, coalesce(q.complete_track_m, 0) AS complete_track_m
       FROM days LEFT JOIN q ON q.day = days.day ORDER BY days.day`,
      params,
    );
    return rows.map((r) => ({
      day: r.day,
      vehicles: Number(r.vehicles),
      vehiclesOnline: Number(r.online),
      vehiclesDrifting: Number(r.drifting),
      received: Number(r.received),
      invalid: Number(r.invalid),
      trackM: Number(r.track_m),
      completeTrackM: Number(r.complete_track_m),
    }));
  }

  /**
   * Distinct violation alerts (all revisions of one alert are one) started in [fromMs, toMs),
   * by rule and the local hour they started in (China time, UTC+8 all year).
   */
  async violationsByHour(scope: OwnerScope, filter: ReportChartsFilter, fromMs: number, toMs: number): Promise<ViolationsByHour[]> {
    const params: unknown[] = [fromMs, toMs];
    const fleet = this.fleet(scope, filter, params);
    const { rows } = await this.db.query<{ rule: string; hour: number; n: string }>(
      `WITH fleet AS (${fleet}),
       v AS (
         SELECT DISTINCT ON (a.alert_id) a.alert_id, a.rule, a.started_at FROM alerts a
         WHERE a.level = 'violation' AND a.started_at >= ${msToTs('$1::float8')} AND a.started_at < ${msToTs('$2::float8')}
           AND a.vehicle_id IN (SELECT vehicle_id FROM fleet)
         ORDER BY a.alert_id, a.started_at
       )
       SELECT v.rule, extract(hour FROM (v.started_at AT TIME ZONE 'UTC') + interval '8 hours')::int AS hour, count(*) AS n
       FROM v GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    );
    return rows.map((r) => ({ rule: r.rule, hour: Number(r.hour), count: Number(r.n) }));
  }
}
