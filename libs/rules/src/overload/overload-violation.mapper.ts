import type { AlertV1, OverloadViolationV1, WimMeasurementV1 } from '@roadwatch/contracts';
import type { ViolationAssessment } from './overload-assessment.rule';

/**
 * Plain mapping from an assessment to the messages on `violations.overload` and `alerts`.
 * The clock stays with the caller: it passes the decision / raise time in.
 */
export const toOverloadViolationV1 = (a: ViolationAssessment, measurement: WimMeasurementV1, decidedAtMs: number): OverloadViolationV1 => ({
  v: 1,
  violationId: a.violationId,
  alertId: a.alertId,
  vehicleId: a.vehicleId,
  registered: a.registered,
  ...(a.companyId !== undefined ? { companyId: a.companyId } : {}),
  measurement,
  limitKg: a.limit.limitKg,
  limitBasis: a.limit.basis,
  maxPermissibleErrorKg: a.maxPermissibleErrorKg,
  confirmedGrossKg: a.confirmedGrossKg,
  excessKg: a.excessKg,
  overloadRatio: a.overloadRatio,
  rawRatio: a.rawRatio,
  isBaiDunWang: a.isBaiDunWang,
  overWeight: a.overWeight,
  overDimensions: a.overDimensions.map((d) => d.dimension),
  severity: a.severity,
  decidedAtMs,
});

export const toOverloadAlertV1 = (a: ViolationAssessment, raisedAtMs: number): AlertV1 => ({
  v: 1,
  alertId: a.alertId,
  revision: 0,
  vehicleId: a.vehicleId,
  plate: a.plate,
  ...(a.companyId !== undefined ? { companyId: a.companyId } : {}),
  ...(a.regionCode !== undefined ? { regionCode: a.regionCode } : {}),
  rule: 'overload',
  level: 'violation',
  severity: a.severity,
  startedAtMs: a.measuredAtMs,
  raisedAtMs,
  summary: a.summary,
  summaryEn: a.summaryEn,
  details: {
    violationId: a.violationId,
    stationId: a.stationId,
    registered: a.registered,
    limitKg: a.limit.limitKg,
    limitBasis: a.limit.basis,
    measuredGrossKg: a.measuredGrossKg,
    accuracyClassPct: a.accuracyClass.pct,
    maxPermissibleErrorKg: a.maxPermissibleErrorKg,
    confirmedGrossKg: a.confirmedGrossKg,
    excessKg: a.excessKg,
    overloadRatio: a.overloadRatio,
    rawRatio: a.rawRatio,
    overDimensions: a.overDimensions,
    isBaiDunWang: a.isBaiDunWang,
    recommendedForReview: a.escalation.recommendedForReview,
    escalationReasons: a.escalation.reasons,
  },
  evidence: { wimMeasurementId: a.measurementId },
});
