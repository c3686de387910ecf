import { confirmedGrossOf } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG, roundKg, type OverloadConfig } from '../overload/overload.config';
import { DEFAULT_WIM_GPS_CONFIG, type WimGpsConfig } from './wim-gps.config';
import { wimGpsTexts, type WimGpsReason } from './wim-gps-texts';

/**
 * 大吨小标 / 非法改装 suspicion (RULES.md §14, §15 "WIM × GPS"): the empty weight is the lowest
 * confirmed gross (§8: measured − the scale's class %) of the vehicle's weighings — WIM, a
 * source site's exit, an expressway entrance — in the 90 days up to the evaluated one; suspicion
 * when (empty − curb) / curb > 10 % (exactly 10 % is not). No curb mass, or a combination whose
 * trailer's curb mass is unknown → nothing. Repeated overloads are context, never a trigger.
 * A list for 公安/工信 referral, never a penalty.
 */

export interface VehicleWeighing {
  weighingId: string;
  kind: 'wim' | 'exit' | 'entrance';
  stationId: string;
  measuredAtMs: number;
  grossKg: number;
  accuracyClassPct?: number;
  /** Whether that weighing was a confirmed overload (context only). */
  overWeight?: boolean;
}

export interface CurbFacts {
  /** 整备质量 of the vehicle (the tractor, for a combination). */
  curbMassKg?: number;
  isCombination?: boolean;
  /** The trailer's 整备质量, needed for a combination. */
  trailerCurbMassKg?: number;
}

export interface EmptyWeightResult {
  outcome: 'suspicion' | 'none' | 'not_assessed';
  /** Why not assessed: no curb mass, or the trailer's unknown. */
  notAssessedBecause: 'no_curb_mass' | 'trailer_unknown' | 'no_weighing' | null;
  emptyKg: number | null;
  emptyWeighingId: string | null;
  curbKg: number | null;
  /** (empty − curb) / curb, as a percentage. */
  excessPct: number | null;
  weighingsInWindow: number;
  overloadsInWindow: number;
  reasons: WimGpsReason[];
}

export const emptyWeightSuspicion = (input: {
  /** The evaluated weighing's time: the window is (t − 90 d, t]. */
  atMs: number;
  weighings: readonly VehicleWeighing[];
  vehicle: CurbFacts;
  overloadConfig?: OverloadConfig;
  config?: WimGpsConfig;
}): EmptyWeightResult => {
  const config = input.config ?? DEFAULT_WIM_GPS_CONFIG;
  const overload = input.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG;
  const { vehicle, atMs } = input;
  const inWindow = input.weighings.filter(
    (w) => Number.isFinite(w.grossKg) && w.grossKg > 0 && w.measuredAtMs > atMs - config.emptyWeight.windowMs && w.measuredAtMs <= atMs,
  );
  const overloadsInWindow = inWindow.filter((w) => w.overWeight === true).length;
  const base: EmptyWeightResult = {
    outcome: 'not_assessed',
    notAssessedBecause: null,
    emptyKg: null,
    emptyWeighingId: null,
    curbKg: null,
    excessPct: null,
    weighingsInWindow: inWindow.length,
    overloadsInWindow,
    reasons: [],
  };
  if (vehicle.curbMassKg === undefined || !(vehicle.curbMassKg > 0)) return { ...base, notAssessedBecause: 'no_curb_mass' };
  if (vehicle.isCombination === true && !(vehicle.trailerCurbMassKg !== undefined && vehicle.trailerCurbMassKg > 0)) {
    return { ...base, notAssessedBecause: 'trailer_unknown' };
  }
  if (inWindow.length === 0) return { ...base, notAssessedBecause: 'no_weighing' };

  const curbKg = roundKg(vehicle.curbMassKg + (vehicle.isCombination === true ? (vehicle.trailerCurbMassKg as number) : 0));
  let lowest: { id: string; kg: number } | null = null;
  for (const w of inWindow) {
    const { confirmedGrossKg } = confirmedGrossOf(w, overload);
    if (!lowest || confirmedGrossKg < lowest.kg) lowest = { id: w.weighingId, kg: confirmedGrossKg };
  }
  const empty = lowest as { id: string; kg: number };
  const excessKg = roundKg(empty.kg - curbKg);
  const excessPct = (excessKg / curbKg) * 100;
  // Compared as products, not as a quotient: exactly 10 % stays exactly 10 %.
  const suspicion = excessKg * 100 > config.emptyWeight.thresholdPct * curbKg;
  const reasons = [suspicion ? wimGpsTexts.emptySuspicion(empty.kg, curbKg, excessPct) : wimGpsTexts.emptyWithin(empty.kg, curbKg, excessPct)];
  if (overloadsInWindow > 0) reasons.push(wimGpsTexts.repeatedOverloads(overloadsInWindow));
  return {
    ...base,
    outcome: suspicion ? 'suspicion' : 'none',
    emptyKg: empty.kg,
    emptyWeighingId: empty.id,
    curbKg,
    excessPct,
    reasons,
  };
};
