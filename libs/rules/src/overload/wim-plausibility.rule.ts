import type { WimMeasurementV1 } from '@roadwatch/contracts';
import { percentOf, roundKg, type OverloadConfig, type SpeedRangeKmh } from './overload.config';

/**
 * RULES.md §4 and §8: an implausible WIM record is rejected with its reasons and never
 * scored. Every failing check is listed, not only the first.
 */
export type ImplausibilityCode =
  | 'non_finite_value'
  | 'axle_count_mismatch'
  | 'axle_weight_out_of_range'
  | 'gross_axle_sum_mismatch'
  | 'speed_out_of_range';

export interface ImplausibilityReason {
  code: ImplausibilityCode;
  message: string;
  details: Record<string, number | string>;
}

export type WimPlausibility = { plausible: true } | { plausible: false; reasons: ImplausibilityReason[] };

export type WimPlausibilityInput = Pick<
  WimMeasurementV1,
  'stationId' | 'axleCount' | 'axleWeightsKg' | 'grossKg' | 'speedKmh'
>;

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
