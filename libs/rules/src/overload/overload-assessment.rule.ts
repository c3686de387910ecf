import type { Severity, WimMeasurementV1 } from '@roadwatch/contracts';
import { vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';
import { formatKg, grossWeightLimit, type GrossLimit } from './gross-limit.rule';
import { percentOf, roundKg, type OverloadConfig } from './overload.config';
import { checkWimPlausibility, type ImplausibilityReason } from './wim-plausibility.rule';

/**
 * RULES.md §4 and §8 "Overload": one WIM record, one assessment. Pure: the same record,
 * vehicle facts and config always give the same result, ids included.
 */

export type Dimension = 'height' | 'width' | 'length';

export interface DimensionExcess {
  dimension: Dimension;
  valueM: number;
  limitM: number;
}

export interface AccuracyClass {
  pct: number;
  /** Where the class came from; when the record and the station config both declare one, the larger (§8: doubt to the party). */
  source: 'measurement' | 'station_config' | 'measurement_and_station_config' | 'default';
}

export interface Escalation {
  recommendedForReview: boolean;
  reasons: string[];
}

interface AssessmentBase {
  measurementId: string;
  stationId: string;
  measuredAtMs: number;
  plate: string;
  plateColour: number;
  vehicleId: string;
  /** False for a plate not in the registry: the limit is then read from the measurement alone. */
  registered: boolean;
  companyId?: string;
  regionCode?: string;
}

export interface RejectedAssessment extends AssessmentBase {
  outcome: 'rejected';
  reasons: ImplausibilityReason[];
}

interface ScoredFields extends AssessmentBase {
  /** Deterministic, derived from the measurement id: re-processing never makes a second violation. */
  violationId: string;
  alertId: string;
  limit: GrossLimit;
  measuredGrossKg: number;
  accuracyClass: AccuracyClass;
  /** Accuracy class % of the measured gross (§8). */
  maxPermissibleErrorKg: number;
  /** Measured gross − maximum permissible error (§8); every penalty is taken on it. */
  confirmedGrossKg: number;
  /** Confirmed gross > limit, strictly. */
  overWeight: boolean;
  /** Confirmed gross − limit when over weight, else 0. */
  excessKg: number;
  /** (confirmed − limit) / limit; negative when under. */
  overloadRatio: number;
  /** (measured − limit) / limit, shown beside the confirmed figure. */
  rawRatio: number;
  /** The dimensions the record carries (the 一超四罚 dimension band needs all three). */
  dimensionsM: { heightM?: number; widthM?: number; lengthM?: number };
  overDimensions: DimensionExcess[];
  /** Confirmed violation with measured gross ≥ 100,000 kg (default): a label for targeting, not a penalty. */
  isBaiDunWang: boolean;
  severity: Severity;
  escalation: Escalation;
  /** Chinese, shown by default (超限, 超高/超宽/超长, 百吨王). */
  summary: string;
  /** `summary` in English, same figures. */
  summaryEn: string;
}

export interface CompliantAssessment extends ScoredFields {
  outcome: 'compliant';
}
/** Over weight (confirmed) or over on a dimension: an 超限 alert and a 一超四罚 case. */
export interface ViolationAssessment extends ScoredFields {
  outcome: 'violation';
}
export type ScoredAssessment = CompliantAssessment | ViolationAssessment;
export type OverloadAssessment = RejectedAssessment | ScoredAssessment;

export const overloadViolationIdOf = (measurementId: string): string => `overload:${measurementId}`;
export const overloadAlertIdOf = (measurementId: string): string => `alert:overload:${measurementId}`;

export const isOverloadViolation = (a: OverloadAssessment): a is ViolationAssessment => a.outcome === 'violation';

export const accuracyClassOf = (m: Pick<WimMeasurementV1, 'stationId' | 'accuracyClassPct'>, config: OverloadConfig): AccuracyClass => {
  const declared = m.accuracyClassPct;
  const station = config.tolerance.stationAccuracyClassPct[m.stationId];
  if (declared !== undefined && station !== undefined) {
    return { pct: Math.max(declared, station), source: 'measurement_and_station_config' };
  }
  if (declared !== undefined) return { pct: declared, source: 'measurement' };
  if (station !== undefined) return { pct: station, source: 'station_config' };
  return { pct: config.tolerance.defaultAccuracyClassPct, source: 'default' };
};

/**
 * §8: confirmed gross = measured gross − the scale's maximum permissible error (its class %).
 * Any weighing (WIM, a source site's exit scale, an entrance scale) is read this way.
 */
export const confirmedGrossOf = (
  m: Pick<WimMeasurementV1, 'stationId' | 'accuracyClassPct' | 'grossKg'>,
  config: OverloadConfig,
): { accuracyClass: AccuracyClass; maxPermissibleErrorKg: number; confirmedGrossKg: number } => {
  const accuracyClass = accuracyClassOf(m, config);
  const maxPermissibleErrorKg = percentOf(m.grossKg, accuracyClass.pct);
  return { accuracyClass, maxPermissibleErrorKg, confirmedGrossKg: roundKg(m.grossKg - maxPermissibleErrorKg) };
};

const SEVERITY_ORDER: readonly Severity[] = ['info', 'minor', 'major', 'serious', 'critical'];
const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b);

/** The first band (from the top) whose minRatio the confirmed ratio reaches. */
export const weightSeverityOf = (overloadRatio: number, config: OverloadConfig): Severity => {
  const bands = [...config.severity.weightBands].sort((x, y) => y.minRatio - x.minRatio);
  return bands.find((band) => overloadRatio >= band.minRatio)?.severity ?? 'minor';
};

const overDimensionsOf = (m: Pick<WimMeasurementV1, 'heightM' | 'widthM' | 'lengthM'>, config: OverloadConfig): DimensionExcess[] => {
  const limits = config.dimensionLimitsM;
  const candidates: Array<[Dimension, number | undefined, number]> = [
    ['height', m.heightM, limits.height],
    ['width', m.widthM, limits.width],
    ['length', m.lengthM, limits.length],
  ];
  return candidates
    .filter((c): c is [Dimension, number, number] => c[1] !== undefined && c[1] > c[2])
    .map(([dimension, valueM, limitM]) => ({ dimension, valueM, limitM }));
};

/** 超高/超宽/超长: the dimension named by its excess. */
const dimensionZh: Record<Dimension, string> = { height: '超高', width: '超宽', length: '超长' };

const pct = (ratio: number): string => `${roundKg(ratio * 100).toFixed(1)}%`;

export const assessOverload = (m: WimMeasurementV1, vehicle: VehicleFacts | undefined, config: OverloadConfig): OverloadAssessment => {
  const base: AssessmentBase = {
    measurementId: m.measurementId,
    stationId: m.stationId,
    measuredAtMs: m.measuredAtMs,
    plate: m.plate,
    plateColour: m.plateColour,
    vehicleId: vehicle?.vehicleId ?? vehicleIdOf(m.plate, m.plateColour),
    registered: vehicle !== undefined,
    ...(vehicle?.companyId !== undefined ? { companyId: vehicle.companyId } : {}),
    ...(vehicle?.regionCode !== undefined ? { regionCode: vehicle.regionCode } : {}),
  };

  const plausibility = checkWimPlausibility(m, config);
  if (!plausibility.plausible) return { ...base, outcome: 'rejected', reasons: plausibility.reasons };

  // The scale counted the axles on this pass (a tractor may pull a different trailer than
  // the one registered), so the axle count comes from the measurement.
  const limit = grossWeightLimit(m.axleCount, vehicle, config);
  const measuredGrossKg = m.grossKg;
  const { accuracyClass, maxPermissibleErrorKg, confirmedGrossKg } = confirmedGrossOf(m, config);
  const overWeight = confirmedGrossKg > limit.limitKg;
  const excessKg = overWeight ? roundKg(confirmedGrossKg - limit.limitKg) : 0;
  const overloadRatio = (confirmedGrossKg - limit.limitKg) / limit.limitKg;
  const rawRatio = (measuredGrossKg - limit.limitKg) / limit.limitKg;
  const overDimensions = overDimensionsOf(m, config);
  const violation = overWeight || overDimensions.length > 0;
  const isBaiDunWang = overWeight && measuredGrossKg >= config.baiDunWang.minMeasuredGrossKg;

  let severity: Severity = 'info';
  if (overWeight) severity = weightSeverityOf(overloadRatio, config);
  if (overDimensions.length > 0) severity = maxSeverity(severity, config.severity.dimensionsOnly);
  if (isBaiDunWang) severity = config.severity.baiDunWang;

  const escalation: Escalation = isBaiDunWang
    ? {
        recommendedForReview: true,
        // Read by enforcement officers: Chinese first, the English in the same line for others.
        reasons: [
          `百吨王：实测总质量${formatKg(measuredGrossKg)} ≥ ${formatKg(config.baiDunWang.minMeasuredGrossKg)}（百吨王 — measured gross ≥ ${formatKg(config.baiDunWang.minMeasuredGrossKg)}）`,
        ],
      }
    : { recommendedForReview: false, reasons: [] };

  // The same parts in Chinese (shown by default) and English, same figures.
  const zh: string[] = [];
  const en: string[] = [];
  if (overWeight) {
    zh.push(
      `超限${formatKg(excessKg)}，限值${formatKg(limit.limitKg)}（核定总质量${formatKg(confirmedGrossKg)} = 实测${formatKg(measuredGrossKg)} − ${accuracyClass.pct}%允许误差；超限率${pct(overloadRatio)}，实测超限率${pct(rawRatio)}）`,
    );
    en.push(
      `Overload ${formatKg(excessKg)} over ${formatKg(limit.limitKg)} (confirmed ${formatKg(confirmedGrossKg)} = measured ${formatKg(measuredGrossKg)} − ${accuracyClass.pct}% error; ${pct(overloadRatio)}, raw ${pct(rawRatio)})`,
    );
  }
  for (const d of overDimensions) {
    zh.push(`${dimensionZh[d.dimension]}${d.valueM} m，限值${d.limitM} m`);
    en.push(`${d.dimension} ${d.valueM} m > ${d.limitM} m`);
  }
  if (isBaiDunWang) {
    zh.push('百吨王');
    en.push(`百吨王 (measured ≥ ${formatKg(config.baiDunWang.minMeasuredGrossKg)})`);
  }
  const summary = violation ? `${m.plate}：${zh.join('；')}` : `${m.plate}：未超限（核定总质量${formatKg(confirmedGrossKg)} ≤ 限值${formatKg(limit.limitKg)}）`;
  const summaryEn = violation
    ? `${m.plate}: ${en.join('; ')}`
    : `${m.plate}: within limits (confirmed ${formatKg(confirmedGrossKg)} ≤ ${formatKg(limit.limitKg)})`;

  const fields: ScoredFields = {
    ...base,
    violationId: overloadViolationIdOf(m.measurementId),
    alertId: overloadAlertIdOf(m.measurementId),
    limit,
    measuredGrossKg,
    accuracyClass,
    maxPermissibleErrorKg,
    confirmedGrossKg,
    overWeight,
    excessKg,
    overloadRatio,
    rawRatio,
    dimensionsM: {
      ...(m.heightM !== undefined ? { heightM: m.heightM } : {}),
      ...(m.widthM !== undefined ? { widthM: m.widthM } : {}),
      ...(m.lengthM !== undefined ? { lengthM: m.lengthM } : {}),
    },
    overDimensions,
    isBaiDunWang,
    severity,
    escalation,
    summary,
    summaryEn,
  };
  return violation ? { ...fields, outcome: 'violation' } : { ...fields, outcome: 'compliant' };
};
