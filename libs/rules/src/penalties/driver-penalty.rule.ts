import type { PenaltyConfig, YuanRange } from './penalties.config';
import { driverNotOverText, driverPenaltyText } from './penalty-texts';

/**
 * RULES.md §5 and §8: the driver's points and fine are taken on the vehicle's registered
 * 最大允许总质量 (行驶证) where the registry has it, else on the limit; they need the
 * confirmed gross over that mass (ratio > 0), otherwise neither.
 */
export interface DriverPenalty {
  driverId?: string;
  massKg: number;
  massBasis: 'registered_max_gross' | 'limit';
  /** (confirmed gross − mass) / mass. */
  ratio: number;
  /** Null when ratio ≤ 0. */
  points: number | null;
  /** A range decided by an officer; null when ratio ≤ 0. */
  fine: YuanRange | null;
  /** Chinese (shown by default); `basisEn` the same figures in English. */
  basis: string;
  basisEn: string;
}

/** Ratios compared at 30% / 50% must not flip on float noise. */
const roundRatio = (ratio: number): number => Math.round(ratio * 1e9) / 1e9;

export const driverPenalty = (
  input: { confirmedGrossKg: number; limitKg: number; registeredMaxGrossKg?: number | undefined; driverId?: string | undefined },
  config: PenaltyConfig,
): DriverPenalty => {
  const registered = input.registeredMaxGrossKg;
  const useRegistered = registered !== undefined && registered > 0;
  const massKg = useRegistered ? registered : input.limitKg;
  const massBasis = useRegistered ? 'registered_max_gross' : 'limit';
  const ratio = roundRatio((input.confirmedGrossKg - massKg) / massKg);
  const id = input.driverId !== undefined ? { driverId: input.driverId } : {};

  if (!(ratio > 0)) {
    const text = driverNotOverText(input.confirmedGrossKg, massBasis, massKg);
    return { ...id, massKg, massBasis, ratio, points: null, fine: null, basis: text.zh, basisEn: text.en };
  }
  const pointsBand = [...config.driver.pointsBands].sort((a, b) => b.minRatio - a.minRatio).find((b) => ratio >= b.minRatio);
  const fineBand = [...config.driver.fineBands].sort((a, b) => b.ratioAbove - a.ratioAbove).find((b) => ratio > b.ratioAbove);
  const points = pointsBand?.points ?? null;
  const fine = fineBand === undefined ? null : { minYuan: fineBand.minYuan, maxYuan: fineBand.maxYuan };
  const text = driverPenaltyText({ confirmedGrossKg: input.confirmedGrossKg, massBasis, massKg, ratio, points: points ?? 0, fine });
  return {
    ...id,
    massKg,
    massBasis,
    ratio,
    points,
    fine,
    basis: text.zh,
    basisEn: text.en,
  };
};
