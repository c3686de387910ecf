import type { CompanyReportRow, WimRecordItem } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { OWNER_OF, WimRepository, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, num, TS } from './rows';

export interface WimListQuery {
  plate?: string | undefined;
  stationId?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

/** WIM records and per-company reports, scoped like everything else. */
export class ReportsRepository {
  private readonly wims: WimRepository;

  constructor(private readonly pool: StoragePool) {
    this.wims = new WimRepository(pool);
  }

  /** WIM records through libs/storage, scoped there (company: its registered plates; region: station, else vehicle). */
  async wim(scope: Scope, query: WimListQuery): Promise<WimRecordItem[]> {
    const found = await this.wims.find(compact({ ...query, scope: scope.filter }));
    return found.map((m) => ({
      measurementId: m.measurementId,
      stationId: m.stationId,
      measuredAtMs: m.measuredAtMs,
      plate: m.plate,
      plateColour: m.plateColour,
      axleCount: m.axleCount,
      grossKg: m.grossKg,
      speedKmh: m.speedKmh,
    }));
  }

  /**
   * Per company in scope: fleet size, 上线率 (vehicles with at least one report in the
   * range / fleet), violations by rule, and mileage and driving hours from the daily
   * aggregate (`vehicle_daily`, refreshed by the archiver's maintenance). Driving hours
   * are estimated as the day's reporting span × the share of moving reports.
   *
   * The 联网联控 data-quality figures (RULES.md §6) come from the detector's counters per
   * vehicle and local day (`vehicle_quality_daily`), over the local days the range touches:
   * - 轨迹完整率 = Σ complete_track_m ÷ Σ track_m;
   * - 数据合格率 = (Σ received − Σ invalid) ÷ Σ received. Not the pipeline's `valid`: that is
   *   counted after the drift check, so it also leaves out drift points, whose records pass
   *   the JT/T 809 §4.5.8 check and which 漂移率 already marks — taking them off here too
   *   would count one fault twice;
   * - 卫星定位漂移车辆率 = vehicles with ≥ 1 drift point ÷ vehicles with ≥ 1 report counted,
   *   both from the same days (so the rate's parts cover the same vehicles and dates; the
   *   positions-based vehiclesOnline counts the exact ms range instead);
   * each absent when its denominator is 0; qualityDays is how many vehicle-days they cover.
   *
   * Scope: every figure counts the vehicles the scope admits as vehicles (`OWNER_OF.vehicle`:
   * own region, else the company's), grouped by their company — the same vehicles the vehicle
   * list shows. A company in scope itself (its own region or id) has its row even when none of
   * its vehicles is.
   */
  async companies(scope: Scope, fromMs: number, toMs: number): Promise<CompanyReportRow[]> {
    const params: unknown[] = [fromMs, toMs];
    const vehicleInScope = scope.sql(OWNER_OF.vehicle('v', 'c'), params);
    const companyInScope = scope.sql(OWNER_OF.company('c'), params);
    const fromDate = `$${params.push(chinaDateOf(fromMs))}::date`;
    const toDate = `$${params.push(chinaDateOf(Math.max(fromMs, toMs - 1)))}::date`;
    const { rows } = await this.pool.query(
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
    return rows.map((r) => {
      const byRule = Object.fromEntries(Object.entries((r.by_rule ?? {}) as Record<string, unknown>).map(([k, v]) => [k, Number(v)]));
      const vehicles = Number(r.vehicles);
      const online = Number(r.online);
      const received = Number(r.received);
      const trackM = Number(r.track_m);
      const reporting = Number(r.reporting);
      return compact({
        companyId: r.company_id,
        companyName: r.name,
        vehicles,
        vehiclesOnline: online,
        onlineRate: vehicles > 0 ? online / vehicles : 0,
        violations: Object.values(byRule).reduce((a, b) => a + b, 0),
        violationsByRule: byRule,
        mileageKm: num(r.km) ?? 0,
        drivingHours: num(r.hours) ?? 0,
        trackCompleteness: trackM > 0 ? Number(r.complete_track_m) / trackM : undefined,
        dataQualifiedRate: received > 0 ? (received - Number(r.invalid)) / received : undefined,
        driftVehicleRate: reporting > 0 ? Number(r.drifting) / reporting : undefined,
        qualityDays: Number(r.quality_days),
      }) as CompanyReportRow;
    });
  }
}
