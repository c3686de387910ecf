import type { OverloadViolationV1 } from '@roadwatch/contracts';
import type { Dimension, DimensionExcess, OverloadConfig, ViolationAssessment } from '@roadwatch/rules';

/**
 * The detector decided the violation (`violations.overload`); the penalty rules take the
 * assessment it was decided from. This rebuilds that assessment from the message without
 * re-judging it: limit, error, confirmed gross, excess and 百吨王 are the message's own.
 * Only the dimension limits (not carried on the message) come from the overload config.
 */
export const assessmentOfViolation = (v: OverloadViolationV1, config: Pick<OverloadConfig, 'dimensionLimitsM'>): ViolationAssessment => {
  const m = v.measurement;
  const values: Record<Dimension, number | undefined> = { height: m.heightM, width: m.widthM, length: m.lengthM };
  const overDimensions: DimensionExcess[] = v.overDimensions
    .filter((d) => values[d] !== undefined)
    .map((d) => ({ dimension: d, valueM: values[d] as number, limitM: config.dimensionLimitsM[d] }));
  const dimensionsM = {
    ...(m.heightM !== undefined ? { heightM: m.heightM } : {}),
    ...(m.widthM !== undefined ? { widthM: m.widthM } : {}),
    ...(m.lengthM !== undefined ? { lengthM: m.lengthM } : {}),
  };
  const accuracyPct = m.grossKg > 0 ? Math.round((v.maxPermissibleErrorKg / m.grossKg) * 1e6) / 1e4 : 0;
  return {
    outcome: 'violation',
    measurementId: m.measurementId,
    stationId: m.stationId,
    measuredAtMs: m.measuredAtMs,
    plate: m.plate,
    plateColour: m.plateColour,
    vehicleId: v.vehicleId,
    registered: v.registered,
    ...(v.companyId !== undefined ? { companyId: v.companyId } : {}),
    violationId: v.violationId,
    alertId: v.alertId,
    limit: { limitKg: v.limitKg, baseLimitKg: v.limitKg, axleCount: m.axleCount, configuration: 'unknown', adjustments: [], basis: v.limitBasis },
    measuredGrossKg: m.grossKg,
    accuracyClass: { pct: m.accuracyClassPct ?? accuracyPct, source: m.accuracyClassPct !== undefined ? 'measurement' : 'default' },
    maxPermissibleErrorKg: v.maxPermissibleErrorKg,
    confirmedGrossKg: v.confirmedGrossKg,
    overWeight: v.overWeight,
    excessKg: v.excessKg,
    overloadRatio: v.overloadRatio,
    rawRatio: v.rawRatio,
    dimensionsM,
    overDimensions,
    isBaiDunWang: v.isBaiDunWang,
    severity: v.severity,
    escalation: { recommendedForReview: v.isBaiDunWang, reasons: v.isBaiDunWang ? ['百吨王'] : [] },
    summary: `${m.plate}：超限案件，源自${v.violationId}`,
    summaryEn: `${m.plate}: 超限 case from ${v.violationId}`,
  };
};
