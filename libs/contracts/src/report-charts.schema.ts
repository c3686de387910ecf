import { z } from 'zod';
import { divisionCode, epochMs, queryEpochMs, requestMonth } from './common.schema';
import { safeString } from './safe-string';

/**
 * The reports' charts, file exports and the monthly 通报 (issue #14 item 6): query strings and
 * answers of `/v1/reports/charts`, `/v1/reports/companies.{csv,xlsx}` and `/v1/reports/notice.xlsx`.
 */

const DAY_MS = 86_400_000;
/** A range of at most 31 days, as the company report's (`reportQuery`). */
const inRange = (q: { fromMs: number; toMs: number }, ctx: z.RefinementCtx): void => {
  if (q.toMs <= q.fromMs) ctx.addIssue({ code: 'custom', message: 'toMs must be after fromMs', path: ['toMs'] });
  else if (q.toMs - q.fromMs > 31 * DAY_MS) ctx.addIssue({ code: 'custom', message: 'at most 31 days per request', path: ['toMs'] });
};

/** The charts read one company, or a region prefix, inside the caller's scope (both narrow it, never widen it). */
export const reportChartsQuery = z
  .object({ fromMs: queryEpochMs, toMs: queryEpochMs, companyId: safeString().min(1).optional(), regionCode: divisionCode.optional() })
  .superRefine(inRange);
export type ReportChartsQuery = z.infer<typeof reportChartsQuery>;

/** One local (China) day of the data-quality trend; a rate is absent when its denominator is 0 that day. */
export const qualityTrendDay = z.object({
  /** YYYY-MM-DD, China local. */
  day: safeString().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Vehicles in scope (the filter's). */
  vehicles: z.number().int().nonnegative(),
  /** Of them, with ≥ 1 valid record (received − invalid > 0) counted by the detector that day (RULES.md §15). */
  vehiclesOnline: z.number().int().nonnegative(),
  /** 上线率: vehiclesOnline ÷ vehicles. */
  onlineRate: z.number().min(0).max(1).optional(),
  /** 数据合格率: Σ (received − invalid) ÷ Σ received. */
  dataQualifiedRate: z.number().min(0).max(1).optional(),
  /** 轨迹完整率: Σ complete-track metres ÷ Σ track metres. */
  trackCompleteness: z.number().min(0).max(1).optional(),
  /** 漂移率 (卫星定位漂移车辆率): vehicles with ≥ 1 drift point ÷ vehicles online. */
  driftVehicleRate: z.number().min(0).max(1).optional(),
});
export type QualityTrendDay = z.infer<typeof qualityTrendDay>;

/** Violations (distinct alerts of level violation) started in the range, by rule and local hour of day (0–23). */
export const violationsByHourCell = z.object({ rule: safeString(), hour: z.number().int().min(0).max(23), count: z.number().int().positive() });
export type ViolationsByHourCell = z.infer<typeof violationsByHourCell>;

export const reportChartsResponse = z.object({
  fromMs: epochMs,
  toMs: epochMs,
  /** Every local day the range touches, oldest first, also the days without data. */
  days: z.array(qualityTrendDay),
  violationsByHour: z.array(violationsByHourCell),
});
export type ReportChartsResponse = z.infer<typeof reportChartsResponse>;

/** The company report as a file: the same rows as `/v1/reports/companies`, headers in the language asked (Chinese by default). */
export const reportExportQuery = z.object({ fromMs: queryEpochMs, toMs: queryEpochMs, lang: z.enum(['zh', 'en']).default('zh') }).superRefine(inRange);

/**
 * The monthly 通报 of one region (operators: their own region or a part of it, by default all
 * of it; admin: any, by default every region). Company users are refused: a 通报 names other
 * companies.
 */
export const monthlyNoticeQuery = z.object({ month: requestMonth, regionCode: divisionCode.optional() });
export type MonthlyNoticeQuery = z.infer<typeof monthlyNoticeQuery>;
