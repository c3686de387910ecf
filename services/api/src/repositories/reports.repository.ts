import type { CompanyReportRow, QualityTrendDay, ViolationsByHourCell, WimRecordItem } from '@roadwatch/contracts';
import { monthPeriod } from '@roadwatch/rules';
import {
  CompanyReportReadModel,
  MonthlyNoticeReadModel,
  ReportChartsReadModel,
  WimRepository,
  type NoticeKeyEntryRow,
  type NoticeScoreRow,
  type ReportChartsFilter,
  type StoragePool,
} from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact } from './rows';

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
  private readonly report: CompanyReportReadModel;
  private readonly charts: ReportChartsReadModel;
  private readonly notice: MonthlyNoticeReadModel;

  constructor(pool: StoragePool) {
    this.wims = new WimRepository(pool);
    this.report = new CompanyReportReadModel(pool);
    this.charts = new ReportChartsReadModel(pool);
    this.notice = new MonthlyNoticeReadModel(pool);
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
    return (await this.report.companies(scope.filter, fromMs, toMs)).map(
      (r) =>
        compact({
          companyId: r.companyId,
          companyName: r.companyName,
          vehicles: r.vehicles,
          vehiclesOnline: r.vehiclesOnline,
          onlineRate: r.vehicles > 0 ? r.vehiclesOnline / r.vehicles : 0,
          violations: Object.values(r.violationsByRule).reduce((a, b) => a + b, 0),
          violationsByRule: r.violationsByRule,
          mileageKm: r.mileageKm,
          drivingHours: r.drivingHours,
          trackCompleteness: r.trackM > 0 ? r.completeTrackM / r.trackM : undefined,
          dataQualifiedRate: r.received > 0 ? (r.received - r.invalid) / r.received : undefined,
          driftVehicleRate: r.reportingVehicles > 0 ? r.driftingVehicles / r.reportingVehicles : undefined,
          qualityDays: r.qualityDays,
        }) as CompanyReportRow,
    );
  }

  /**
   * The charts' figures per local day (RULES.md §6 as the company report reads them, from the
   * detector's counters): 上线率 = vehicles with ≥ 1 valid record ÷ vehicles in scope (§15); 数据合格率
   * = Σ (received − invalid) ÷ Σ received; 轨迹完整率 = Σ complete ÷ Σ track metres; 漂移率 =
   * vehicles with ≥ 1 drift point ÷ vehicles online. Each absent when its denominator is 0.
   */
  async qualityTrend(scope: Scope, filter: ReportChartsFilter, fromMs: number, toMs: number): Promise<QualityTrendDay[]> {
    const rate = (part: number, whole: number): number | undefined => (whole > 0 ? part / whole : undefined);
    return (await this.charts.qualityTrend(scope.filter, filter, fromMs, toMs)).map(
      (d) =>
        compact({
          day: d.day,
          vehicles: d.vehicles,
          vehiclesOnline: d.vehiclesOnline,
          onlineRate: rate(d.vehiclesOnline, d.vehicles),
          dataQualifiedRate: rate(d.received - d.invalid, d.received),
          trackCompleteness: rate(d.completeTrackM, d.trackM),
          driftVehicleRate: rate(d.vehiclesDrifting, d.vehiclesOnline),
        }) as QualityTrendDay,
    );
  }

  /** Violations started in the range by rule and local hour, in scope and the filter. */
  violationsByHour(scope: Scope, filter: ReportChartsFilter, fromMs: number, toMs: number): Promise<ViolationsByHourCell[]> {
    return this.charts.violationsByHour(scope.filter, filter, fromMs, toMs);
  }

  /**
   * What the monthly 通报 of a region lists: company scores of the month and the 重点监管
   * listings open during it. `month` is `YYYY-MM` (China local); `regionPrefix` absent: every region.
   */
  async monthlyNotice(month: string, regionPrefix: string | undefined): Promise<{ scores: NoticeScoreRow[]; entries: NoticeKeyEntryRow[] }> {
    const { startMs: fromMs, endMs: toMs } = monthPeriod(month);
    const scope = regionPrefix === undefined ? {} : { regionPrefix };
    const [scores, entries] = await Promise.all([this.notice.scores(scope, fromMs, toMs), this.notice.keyEntries(scope, fromMs, toMs)]);
    return { scores, entries };
  }
}
