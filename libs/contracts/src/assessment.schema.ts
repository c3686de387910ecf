import { z } from 'zod';
import { divisionCode, epochMs, requestMonth } from './common.schema';
import { safeJsonObject, safeString } from './safe-string';
import type { RouteSpec } from './api-routes';

/**
 * 考核 (RULES.md §10, §15) over HTTP: the scores per company and per authority platform with
 * how each indicator was computed, the ranking with the companies whose 处理率 is below the
 * line, the XLSX export, the 运政 list import, a region's table and a month's recomputation.
 */

export const assessmentPeriodKind = z.enum(['month', 'rolling_7d']);
export const assessmentSubjectKind = z.enum(['company', 'platform']);

export const indicatorCode = z.enum([
  'network_access',
  'online',
  'drift',
  'track_completeness',
  'data_qualified',
  'speeding',
  'fatigue',
  'inspection_response',
]);
export const indicatorOutcome = z.enum([
  'weighted',
  'below_threshold',
  'above_threshold',
  'not_assessed',
  'regional_average_zero',
  'at_or_below_average',
  'between_average_and_double',
  'at_or_above_double_average',
]);

/** One indicator and how it was computed. */
export const indicatorScoreItem = z.object({
  code: indicatorCode,
  numerator: z.number(),
  denominator: z.number(),
  /** Rates: the rate in % (2 decimals half up); speeding / fatigue: E (episodes or hours per online vehicle). */
  value: z.number().optional(),
  regionalAverage: z.number().optional(),
  regionalNumerator: z.number().optional(),
  regionalDenominator: z.number().optional(),
  thresholdPct: z.number().optional(),
  outcome: indicatorOutcome,
  assessed: z.boolean(),
  thresholdHit: z.boolean(),
  weight: z.number(),
  score: z.number(),
});

export const assessmentScoreItem = z.object({
  subjectKind: assessmentSubjectKind,
  subjectId: safeString(),
  subjectName: safeString().optional(),
  regionCode: safeString().optional(),
  periodKind: assessmentPeriodKind,
  periodStartMs: epochMs,
  periodEndMs: epochMs,
  assessed: z.boolean(),
  totalScore: z.number().optional(),
  anyIndicatorZero: z.boolean(),
  /** 处理率 (listed, never scored); absent when nothing was due. */
  handlingRatePct: z.number().optional(),
  handling: z.object({ numerator: z.number(), denominator: z.number(), pendingAppeals: z.number(), acceptedAppeals: z.number() }).optional(),
  indicators: z.array(indicatorScoreItem),
  computedAtMs: epochMs.optional(),
});
export type AssessmentScoreItem = z.infer<typeof assessmentScoreItem>;

export const assessmentScoreQuery = z.object({
  periodKind: assessmentPeriodKind.default('month'),
  subjectKind: assessmentSubjectKind.optional(),
  subjectId: safeString().min(1).optional(),
  /** Months from … to (inclusive), local; default: the last 12. */
  fromMonth: requestMonth.optional(),
  toMonth: requestMonth.optional(),
});
export type AssessmentScoreQuery = z.infer<typeof assessmentScoreQuery>;
export const assessmentScoresResponse = z.object({ items: z.array(assessmentScoreItem) });

export const assessmentRankingQuery = z.object({
  periodKind: assessmentPeriodKind.default('month'),
  /** The month ranked (month periods); default: the latest computed. */
  month: requestMonth.optional(),
});
export const assessmentRankingResponse = z.object({
  periodKind: assessmentPeriodKind,
  periodStartMs: epochMs.optional(),
  periodEndMs: epochMs.optional(),
  /** Assessed companies in scope, best first; equal totals share a rank. */
  ranking: z.array(
    z.object({ rank: z.number().int(), companyId: safeString(), companyName: safeString(), totalScore: z.number(), handlingRatePct: z.number().optional() }),
  ),
  /** Companies whose 处理率 is below their region's line (default 90 %): a 重点监管 trigger, no points lost. */
  handlingBelowLine: z.array(z.object({ companyId: safeString(), companyName: safeString(), handlingRatePct: z.number(), linePct: z.number() })),
  /** Companies without operating vehicles this period. */
  notAssessed: z.array(z.object({ companyId: safeString(), companyName: safeString() })),
});
export type AssessmentRankingResponse = z.infer<typeof assessmentRankingResponse>;

export const operatingVehiclesImportQuery = z.object({ month: requestMonth });
export const operatingVehiclesImportResponse = z.object({
  month: safeString(),
  accepted: z.number().int(),
  /** Replaced rows of the month (the caller's region's only, for an operator). */
  replaced: z.number().int(),
  /** Rows refused, by their row number in the file (the header is row 1), each with its reason. */
  rejected: z.array(z.object({ row: z.number().int(), reason: safeString() })),
});
export type OperatingVehiclesImportResponse = z.infer<typeof operatingVehiclesImportResponse>;

/** A region's override of the 2016 table, checked key by key against it. */
export const assessmentSettingsRequest = z.object({ configPatch: safeJsonObject() });
export const assessmentSettingsItem = z.object({
  regionCode: safeString(),
  configPatch: safeJsonObject(),
  /** The table the region scores with (defaults with its override). */
  effective: safeJsonObject(),
  updatedBy: safeString().optional(),
  updatedAtMs: epochMs.optional(),
});
export const assessmentRegionParam = z.object({ regionCode: divisionCode });
export const assessmentRecomputeRequest = z.object({ month: requestMonth });

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const signedIn = [401, 403] as const;

/** The 考核 routes (services/api AssessmentController); spread into `apiRoutes`. */
export const ASSESSMENT_ROUTES: RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/assessment/scores',
    summary:
      '考核 scores in scope (a company: its own only; platforms: admin and operators) with each indicator’s numerator, denominator, rate, score and line',
    security: 'bearer',
    query: assessmentScoreQuery,
    status: 200,
    response: assessmentScoresResponse,
    errors: [...signedIn],
  },
  {
    method: 'get',
    path: '/v1/assessment/ranking',
    summary: 'The companies in scope ranked by total score for one period, and those whose 处理率 is below the line',
    security: 'bearer',
    query: assessmentRankingQuery,
    status: 200,
    response: assessmentRankingResponse,
    errors: [...signedIn],
  },
  {
    method: 'get',
    path: '/v1/assessment/scores.xlsx',
    summary: 'The scores in scope as an XLSX workbook (one row per subject and period, one column per indicator score and rate)',
    security: 'bearer',
    query: assessmentScoreQuery,
    status: 200,
    response: z.string(),
    responseType: XLSX_MEDIA_TYPE,
    errors: [...signedIn],
  },
  {
    method: 'post',
    path: '/v1/assessment/operating-vehicles',
    summary:
      'Import the 运政 list of operating vehicles for a month: the file as the body (Content-Type text/csv or the XLSX type); columns 车牌号/plate, 车牌颜色/plateColour, 企业编号/companyId, 行政区划/regionCode, 车辆类型/vehicleClass, 营运状态/status (营运 or 报停). Valid rows replace the month (an operator: its region’s rows); bad rows are listed with their row numbers and reasons',
    security: 'bearer',
    query: operatingVehiclesImportQuery,
    status: 200,
    response: operatingVehiclesImportResponse,
    errors: [...signedIn],
  },
  {
    method: 'get',
    path: '/v1/admin/assessment/settings',
    summary: 'Each region’s override of the 2016 table and the table it scores with (admin)',
    security: 'bearer',
    status: 200,
    response: z.object({ defaults: safeJsonObject(), items: z.array(assessmentSettingsItem) }),
    errors: [...signedIn],
  },
  {
    method: 'put',
    path: '/v1/admin/assessment/settings/:regionCode',
    summary: 'Set a region’s override of the 2016 table (admin); 400 names a key that is not a setting; an empty patch restores the defaults',
    security: 'bearer',
    params: assessmentRegionParam,
    body: assessmentSettingsRequest,
    status: 200,
    response: assessmentSettingsItem,
    errors: [...signedIn],
  },
  {
    method: 'post',
    path: '/v1/admin/assessment/recompute',
    summary: 'Ask for a month’s scores to be computed again (admin), e.g. after an appeal decision or a late import; the scores job does it on its next pass',
    security: 'bearer',
    body: assessmentRecomputeRequest,
    status: 202,
    errors: [...signedIn],
  },
];
