import type { AssessmentConfig, AverageIndicatorConfig, RateIndicatorConfig } from './assessment-config';
import { ratePct, roundHalfUp2 } from './percent';

/**
 * What the platform recorded for one subject (a company, or every vehicle of an authority
 * platform's region) over one period, as counts and sums (RULES.md §10 with §6, §15).
 */
export interface AssessmentFacts {
  /** On the month-end 运政 list, not 报停. */
  operatingVehicles: number;
  /** Of them, with a bound terminal (入网). */
  networkedVehicles: number;
  /** 入网 vehicles with ≥ 1 valid record in the period. */
  onlineVehicles: number;
  /** Online vehicles with ≥ 1 drift point. */
  driftVehicles: number;
  /** Pooled over the period's days (records, not day averages). */
  receivedRecords: number;
  validRecords: number;
  trackM: number;
  completeTrackM: number;
  /** Speeding episodes started in the period, every band, withdrawn ones left out. */
  speedingEpisodes: number;
  /** Fatigue time over the limit, overlaps of one vehicle once, cut at the period's ends. */
  fatigueOverLimitMs: number;
  /** 查岗 whose window ends in the period, and of them answered within the window. */
  inspectionsSent: number;
  inspectionsAnsweredInTime: number;
}

/** The regional average R's parts (§15): the region's assessed companies, this one included. */
export interface RegionalTotals {
  onlineVehicles: number;
  speedingEpisodes: number;
  fatigueOverLimitMs: number;
}

export type EnterpriseIndicatorCode =
  'network_access' | 'online' | 'drift' | 'track_completeness' | 'data_qualified' | 'speeding' | 'fatigue' | 'inspection_response';
export type PlatformIndicatorCode = 'network_access' | 'online' | 'drift' | 'track_completeness' | 'data_qualified';
export type IndicatorCode = EnterpriseIndicatorCode;

/**
 * Why an indicator scored what it did: `below_threshold` / `above_threshold` (scored 0 by the
 * table's line), `not_assessed` (zero denominator: full marks), `regional_average_zero` (R = 0:
 * full marks), `at_or_below_average` (E ≤ R), `between_average_and_double` (R < E < 2R),
 * `at_or_above_double_average` (E ≥ 2R: 0), `weighted` (weight × rate).
 */
export type IndicatorOutcome =
  | 'weighted'
  | 'below_threshold'
  | 'above_threshold'
  | 'not_assessed'
  | 'regional_average_zero'
  | 'at_or_below_average'
  | 'between_average_and_double'
  | 'at_or_above_double_average';

/** One indicator with how it was computed (stored as `assessment_scores.indicators`). */
export interface IndicatorScore {
  code: IndicatorCode;
  numerator: number;
  denominator: number;
  /** Rates: the rate in %, 2 decimals half up. E-vs-R indicators: E, 2 decimals (episodes or hours per online vehicle). */
  value?: number;
  /** E-vs-R indicators: R (episodes or hours per online vehicle, 2 decimals), and its parts. */
  regionalAverage?: number;
  regionalNumerator?: number;
  regionalDenominator?: number;
  /** The table's line applied, when there is one (in %). */
  thresholdPct?: number;
  outcome: IndicatorOutcome;
  assessed: boolean;
  /** Whether the table's line (threshold, or E ≥ 2R) set the score to 0. */
  thresholdHit: boolean;
  weight: number;
  score: number;
}

export interface AssessmentResult {
  /** False when the subject has no operating vehicles (§15): no total. */
  assessed: boolean;
  totalScore?: number;
  anyIndicatorZero: boolean;
  indicators: IndicatorScore[];
}

const HOUR_MS = 3_600_000;

/** weight × rate, or weight − weight × rate (`inverse`), with the table's strict lines (§15). */
const rateIndicator = (code: IndicatorCode, numerator: number, denominator: number, config: RateIndicatorConfig, inverse = false): IndicatorScore => {
  const pct = ratePct(numerator, denominator);
  const base = { code, numerator, denominator, weight: config.weight };
  if (pct === undefined) return { ...base, outcome: 'not_assessed', assessed: false, thresholdHit: false, score: config.weight };
  if (config.zeroBelowPct !== undefined && pct < config.zeroBelowPct) {
    return { ...base, value: pct, thresholdPct: config.zeroBelowPct, outcome: 'below_threshold', assessed: true, thresholdHit: true, score: 0 };
  }
  if (config.zeroAbovePct !== undefined && pct > config.zeroAbovePct) {
    return { ...base, value: pct, thresholdPct: config.zeroAbovePct, outcome: 'above_threshold', assessed: true, thresholdHit: true, score: 0 };
  }
  // The score takes the rate itself (the fraction); the % shown is its rounding.
  const rate = numerator / denominator;
  const score = roundHalfUp2(inverse ? config.weight - config.weight * rate : config.weight * rate);
  const thresholdPct = config.zeroBelowPct ?? config.zeroAbovePct;
  return { ...base, value: pct, ...(thresholdPct === undefined ? {} : { thresholdPct }), outcome: 'weighted', assessed: true, thresholdHit: false, score };
};

/**
 * E against R (§10): E ≤ R → W/2 + W/2 (R − E)/R; R < E < 2R → W/2 (2R − E)/R; E ≥ 2R → 0. Both
 * lines are W − W/2 · E/R, so the score is that, floored at 0. E/R is taken as
 * (e · onlineR) / (online · eR), compared exactly, so E = R and E = 2R land on their lines.
 */
export const averageIndicator = (
  code: IndicatorCode,
  numerator: number,
  onlineVehicles: number,
  region: { numerator: number; onlineVehicles: number },
  config: AverageIndicatorConfig,
  unitMs = 1,
): IndicatorScore => {
  const base = {
    code,
    numerator,
    denominator: onlineVehicles,
    regionalNumerator: region.numerator,
    regionalDenominator: region.onlineVehicles,
    weight: config.weight,
  };
  if (onlineVehicles <= 0) return { ...base, outcome: 'not_assessed', assessed: false, thresholdHit: false, score: config.weight };
  const value = roundHalfUp2(numerator / unitMs / onlineVehicles);
  const regionalAverage = region.onlineVehicles > 0 ? roundHalfUp2(region.numerator / unitMs / region.onlineVehicles) : 0;
  const shown = { ...base, value, regionalAverage };
  if (region.numerator <= 0 || region.onlineVehicles <= 0) {
    return { ...shown, outcome: 'regional_average_zero', assessed: true, thresholdHit: false, score: config.weight };
  }
  // Whole numbers compared as BigInt: milliseconds × vehicles can pass 2^53.
  const left = BigInt(Math.round(numerator)) * BigInt(region.onlineVehicles);
  const right = BigInt(onlineVehicles) * BigInt(Math.round(region.numerator));
  if (left >= 2n * right) return { ...shown, outcome: 'at_or_above_double_average', assessed: true, thresholdHit: true, score: 0 };
  const ratio = (numerator * region.onlineVehicles) / (onlineVehicles * region.numerator);
  const score = left === right ? config.weight / 2 : roundHalfUp2(config.weight - (config.weight / 2) * ratio);
  return { ...shown, outcome: left <= right ? 'at_or_below_average' : 'between_average_and_double', assessed: true, thresholdHit: false, score };
};

const total = (indicators: IndicatorScore[]): AssessmentResult => ({
  assessed: true,
  totalScore: roundHalfUp2(indicators.reduce((sum, indicator) => sum + indicator.score, 0)),
  anyIndicatorZero: indicators.some((indicator) => indicator.score === 0),
  indicators,
});

const notAssessed = (indicators: IndicatorScore[]): AssessmentResult => ({ assessed: false, anyIndicatorZero: false, indicators });

/** The common rate indicators of both columns, in the table's order. */
const rateIndicators = (facts: AssessmentFacts, config: AssessmentConfig['platform']): IndicatorScore[] => [
  rateIndicator('network_access', facts.networkedVehicles, facts.operatingVehicles, config.networkAccess),
  rateIndicator('online', facts.onlineVehicles, facts.networkedVehicles, config.online),
  rateIndicator('drift', facts.driftVehicles, facts.onlineVehicles, config.drift, true),
  rateIndicator('track_completeness', facts.completeTrackM, facts.trackM, config.trackCompleteness),
  rateIndicator('data_qualified', facts.validRecords, facts.receivedRecords, config.dataQualified),
];

/** A company's score (the enterprise column of §10): not assessed without operating vehicles. */
export const scoreEnterprise = (facts: AssessmentFacts, region: RegionalTotals, config: AssessmentConfig): AssessmentResult => {
  const { enterprise } = config;
  const indicators = [
    ...rateIndicators(facts, enterprise),
    averageIndicator(
      'speeding',
      facts.speedingEpisodes,
      facts.onlineVehicles,
      { numerator: region.speedingEpisodes, onlineVehicles: region.onlineVehicles },
      enterprise.speeding,
    ),
    averageIndicator(
      'fatigue',
      facts.fatigueOverLimitMs,
      facts.onlineVehicles,
      { numerator: region.fatigueOverLimitMs, onlineVehicles: region.onlineVehicles },
      enterprise.fatigue,
      HOUR_MS,
    ),
    rateIndicator('inspection_response', facts.inspectionsAnsweredInTime, facts.inspectionsSent, enterprise.inspectionResponse),
  ];
  return facts.operatingVehicles > 0 ? total(indicators) : notAssessed(indicators);
};

/** An authority platform's score (the platform column of §10): every vehicle of its region pooled. */
export const scorePlatform = (facts: AssessmentFacts, config: AssessmentConfig): AssessmentResult => {
  const indicators = rateIndicators(facts, config.platform);
  return facts.operatingVehicles > 0 ? total(indicators) : notAssessed(indicators);
};

/**
 * R's parts for each company (§15): the totals over the region's assessed companies (those with
 * operating vehicles), the company included. Keyed by company id.
 */
export const regionalTotalsOf = <T extends { companyId: string; regionCode: string | undefined; facts: AssessmentFacts }>(
  companies: readonly T[],
): Map<string, RegionalTotals> => {
  const byRegion = new Map<string, RegionalTotals>();
  const regionKey = (regionCode: string | undefined) => regionCode ?? '';
  for (const { regionCode, facts } of companies) {
    if (facts.operatingVehicles <= 0) continue;
    const sums = byRegion.get(regionKey(regionCode)) ?? { onlineVehicles: 0, speedingEpisodes: 0, fatigueOverLimitMs: 0 };
    sums.onlineVehicles += facts.onlineVehicles;
    sums.speedingEpisodes += facts.speedingEpisodes;
    sums.fatigueOverLimitMs += facts.fatigueOverLimitMs;
    byRegion.set(regionKey(regionCode), sums);
  }
  const empty: RegionalTotals = { onlineVehicles: 0, speedingEpisodes: 0, fatigueOverLimitMs: 0 };
  return new Map(companies.map(({ companyId, regionCode }) => [companyId, byRegion.get(regionKey(regionCode)) ?? empty]));
};
