import type { WimMeasurementV1 } from '@roadwatch/contracts';
import { percentOf, roundKg, type OverloadConfig, type SpeedRangeKmh } from './overload.config';

/**
 * RULES.md §4 and §8: an implausible WIM record is rejected with its reasons and never
 * scored. Every failing check is listed, not only the first.
 */
export type ImplausibilityCode =
  'non_finite_value' | 'axle_count_mismatch' | 'axle_weight_out_of_range' | 'gross_axle_sum_mismatch' | 'speed_out_of_range' | 'measured_in_future';

export interface ImplausibilityReason {
  code: ImplausibilityCode;
  message: string;
  details: Record<string, number | string>;
}

export type WimPlausibility = { plausible: true } | { plausible: false; reasons: ImplausibilityReason[] };

export type WimPlausibilityInput = Pick<WimMeasurementV1, 'stationId' | 'axleCount' | 'axleWeightsKg' | 'grossKg' | 'speedKmh'> &
  Partial<Pick<WimMeasurementV1, 'measuredAtMs' | 'receivedAtMs'>>;

export const speedRangeOf = (stationId: string, config: OverloadConfig): SpeedRangeKmh =>
  config.plausibility.stationSpeedRangeKmh[stationId] ?? config.plausibility.defaultSpeedRangeKmh;

export const checkWimPlausibility = (m: WimPlausibilityInput, config: OverloadConfig): WimPlausibility => {
  const reasons: ImplausibilityReason[] = [];
  const { maxAxleKg, grossAxleSumTolerancePct } = config.plausibility;

  const numbers: Array<[string, number]> = [
    ['grossKg', m.grossKg],
    ['speedKmh', m.speedKmh],
    ...m.axleWeightsKg.map((kg, i): [string, number] => [`axleWeightsKg[${i}]`, kg]),
  ];
  for (const [field, value] of numbers) {
    if (!Number.isFinite(value)) {
      reasons.push({ code: 'non_finite_value', message: `${field} is not a finite number`, details: { field } });
    }
  }

  if (m.axleCount !== m.axleWeightsKg.length) {
    reasons.push({
      code: 'axle_count_mismatch',
      message: `axle count ${m.axleCount} ≠ ${m.axleWeightsKg.length} axle weights`,
      details: { axleCount: m.axleCount, axleWeights: m.axleWeightsKg.length },
    });
  }

  // A scale whose clock runs ahead cannot date the offence: the record is kept as evidence,
  // never scored (a case dated in the future would not hold).
  if (m.measuredAtMs !== undefined && m.receivedAtMs !== undefined && m.measuredAtMs - m.receivedAtMs > config.plausibility.maxMeasuredAheadMs) {
    const aheadMs = m.measuredAtMs - m.receivedAtMs;
    reasons.push({
      code: 'measured_in_future',
      message: `measured ${Math.round(aheadMs / 60_000)} min after it was received (the station's clock is ahead; > ${config.plausibility.maxMeasuredAheadMs / 60_000} min is implausible)`,
      details: { measuredAtMs: m.measuredAtMs, receivedAtMs: m.receivedAtMs, aheadMs },
    });
  }

  m.axleWeightsKg.forEach((kg, index) => {
    if (Number.isFinite(kg) && (kg <= 0 || kg > maxAxleKg)) {
      reasons.push({
        code: 'axle_weight_out_of_range',
        message: `axle ${index + 1} weighs ${kg} kg (valid: > 0 and ≤ ${maxAxleKg} kg)`,
        details: { axle: index + 1, weightKg: kg, maxAxleKg },
      });
    }
  });

  const sumKg = roundKg(m.axleWeightsKg.reduce((sum, kg) => sum + kg, 0));
  if (Number.isFinite(sumKg) && Number.isFinite(m.grossKg)) {
    const differenceKg = roundKg(Math.abs(m.grossKg - sumKg));
    const allowedKg = percentOf(Math.abs(sumKg), grossAxleSumTolerancePct);
    if (differenceKg > allowedKg) {
      reasons.push({
        code: 'gross_axle_sum_mismatch',
        message: `gross ${m.grossKg} kg differs from Σ axle weights ${sumKg} kg by ${differenceKg} kg (> ${grossAxleSumTolerancePct}% = ${allowedKg} kg)`,
        details: { grossKg: m.grossKg, axleSumKg: sumKg, differenceKg, allowedKg },
      });
    }
  }

  const range = speedRangeOf(m.stationId, config);
  if (Number.isFinite(m.speedKmh) && (m.speedKmh < range.minKmh || m.speedKmh > range.maxKmh)) {
    reasons.push({
      code: 'speed_out_of_range',
      message: `speed ${m.speedKmh} km/h outside the scale's valid range ${range.minKmh}–${range.maxKmh} km/h`,
      details: { speedKmh: m.speedKmh, minKmh: range.minKmh, maxKmh: range.maxKmh },
    });
  }

  return reasons.length === 0 ? { plausible: true } : { plausible: false, reasons };
};

/**
 * A warning, not a reason to refuse: a record measured long before it reached the platform (a
 * station uploading after an outage) is kept and scored, but the station and the operator are
 * told, since the intake no longer recognises a re-send of it as a duplicate.
 */
export const staleWimWarning = (m: Pick<WimMeasurementV1, 'measuredAtMs' | 'receivedAtMs'>, config: OverloadConfig): string | undefined => {
  const lateMs = m.receivedAtMs - m.measuredAtMs;
  if (lateMs <= config.plausibility.staleAfterMs) return undefined;
  return `measured ${(lateMs / 86_400_000).toFixed(1)} days before it was received (> ${config.plausibility.staleAfterMs / 86_400_000} days): kept and scored, but a re-send of it is no longer recognised as a duplicate`;
};
