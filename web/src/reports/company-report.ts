import type { CompanyReportRow } from '@roadwatch/contracts';
import { chinaDateOf, chinaLocalToEpochMs, DAY_MS } from '@roadwatch/domain';
import { t, type Lang, type MessageKey } from '../i18n';

/**
 * The company report's pure parts: the date range (local China days), the figures'
 * formatting and the 联网联控 assessment floors. The CSV and XLSX files are the API's
 * (`/v1/reports/companies.{csv,xlsx}`: one export path with the audit log's).
 */

/** What one request may span (as the track query: the report reads the same archive). */
export const MAX_REPORT_DAYS = 31;
export const DEFAULT_REPORT_DAYS = 7;

/** Today and the six local days before it, as YYYY-MM-DD (the date inputs' values). */
export const defaultReportDates = (nowMs: number): { from: string; to: string } => ({
  from: chinaDateOf(nowMs - (DEFAULT_REPORT_DAYS - 1) * DAY_MS),
  to: chinaDateOf(nowMs),
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The midnight (China time) that starts a YYYY-MM-DD date; undefined for anything else. */
export const midnightOf = (date: string): number | undefined => {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const ms = chinaLocalToEpochMs(Number(m[1]), Number(m[2]), Number(m[3]));
  // Rejects 2026-02-30 and the like, which Date.UTC would roll over.
  return chinaDateOf(ms) === date ? ms : undefined;
};

export type ReportRange = { ok: true; fromMs: number; toMs: number; days: number } | { ok: false; error: 'invalid' | 'order' | 'tooLong' };

/** From the first local day's midnight to the midnight after the last day (both days included). */
export const reportRangeOf = (from: string, to: string): ReportRange => {
  const fromMs = midnightOf(from);
  const lastMs = midnightOf(to);
  if (fromMs === undefined || lastMs === undefined) return { ok: false, error: 'invalid' };
  if (lastMs < fromMs) return { ok: false, error: 'order' };
  const days = Math.round((lastMs - fromMs) / DAY_MS) + 1;
  if (days > MAX_REPORT_DAYS) return { ok: false, error: 'tooLong' };
  return { ok: true, fromMs, toMs: lastMs + DAY_MS, days };
};

/** A rate as a percentage with one decimal; "—" when the API had no data for it. */
export const fmtRate = (rate: number | undefined): string => (rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

export type QualityRate = 'trackCompleteness' | 'dataQualifiedRate' | 'driftVehicleRate';

/**
 * RULES.md §6: in the 联网联控 enterprise assessment these score zero — 轨迹完整率 below
 * 70%, 数据合格率 below 80%, 卫星定位漂移车辆率 above 5%.
 */
export const ASSESSMENT_FLOORS: Readonly<Record<QualityRate, { below?: number; above?: number }>> = {
  trackCompleteness: { below: 0.7 },
  dataQualifiedRate: { below: 0.8 },
  driftVehicleRate: { above: 0.05 },
};

export const scoresZero = (metric: QualityRate, rate: number | undefined): boolean => {
  if (rate === undefined) return false;
  const floor = ASSESSMENT_FLOORS[metric];
  return (floor.below !== undefined && rate < floor.below) || (floor.above !== undefined && rate > floor.above);
};

/** Violations by rule, most first (ties by rule name, so the order is stable). */
export const violationsByRule = (row: Pick<CompanyReportRow, 'violationsByRule'>): Array<{ rule: string; count: number }> =>
  Object.entries(row.violationsByRule)
    .filter(([, count]) => count > 0)
    .map(([rule, count]) => ({ rule, count }))
    .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));

export const fmtViolationsByRule = (row: Pick<CompanyReportRow, 'violationsByRule'>, language?: Lang): string =>
  violationsByRule(row)
    .map((v) => `${t(`rule.${v.rule}`, language)} ${v.count}`)
    .join(language === 'en' ? ', ' : '、') || '—';

/** The table's columns, in order: header key and the cell's text. */
export const REPORT_COLUMNS: ReadonlyArray<{ key: MessageKey; rate?: QualityRate; cell: (r: CompanyReportRow, language?: Lang) => string }> = [
  { key: 'report.company', cell: (r) => r.companyName ?? r.companyId },
  { key: 'report.vehicles', cell: (r) => String(r.vehicles) },
  { key: 'report.vehiclesOnline', cell: (r) => String(r.vehiclesOnline) },
  { key: 'report.onlineRate', cell: (r) => fmtRate(r.onlineRate) },
  { key: 'report.trackCompleteness', rate: 'trackCompleteness', cell: (r) => fmtRate(r.trackCompleteness) },
  { key: 'report.dataQualifiedRate', rate: 'dataQualifiedRate', cell: (r) => fmtRate(r.dataQualifiedRate) },
  { key: 'report.driftVehicleRate', rate: 'driftVehicleRate', cell: (r) => fmtRate(r.driftVehicleRate) },
  { key: 'report.qualityDays', cell: (r) => (r.qualityDays === undefined ? '—' : String(r.qualityDays)) },
  { key: 'report.violations', cell: (r) => String(r.violations) },
  { key: 'report.violationsByRule', cell: (r, language) => fmtViolationsByRule(r, language) },
  { key: 'report.mileageKm', cell: (r) => r.mileageKm.toFixed(1) },
  { key: 'report.drivingHours', cell: (r) => r.drivingHours.toFixed(1) },
];
