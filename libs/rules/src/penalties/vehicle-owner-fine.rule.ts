import type { DimensionExcess } from '../overload/overload-assessment.rule';
import type { DimensionFineBand, PenaltyConfig, YuanRange } from './penalties.config';
import { dimensionFineText, vehicleOwnerBasisText, weightFineText, weightWarningText } from './penalty-texts';

/**
 * RULES.md §5 and §8: the vehicle / owner party of 一超四罚. Weight on the *confirmed*
 * excess; dimensions by one band for the case; both summed under one cap.
 */
export interface WeightFine {
  excessKg: number;
  /** Excess ≤ 1,000 kg (default): a warning, no fine. */
  warning: boolean;
  /** Started (or whole, if configured) tonnes over; 0 for a warning. */
  tonnes: number;
  fineYuan: number;
  /** Chinese; `basisEn` the same figures in English. */
  basis: string;
  basisEn: string;
}

export interface DimensionFine extends YuanRange {
  /** 1-based index of the band in the config (1 = lowest). */
  band: number;
  label: string;
  proposedYuan: number;
  basis: string;
  basisEn: string;
}

export interface VehicleOwnerPenalty {
  outcome: 'warning' | 'fine';
  weight: WeightFine | null;
  dimension: DimensionFine | null;
  /** Weight + dimension, each end capped. */
  range: YuanRange;
  proposedYuan: number;
  capYuan: number;
  /** True when the uncapped sum of the proposal or the range's top was above the cap. */
  capped: boolean;
  /** Chinese; `basisEn` the same figures in English. */
  basis: string;
  basisEn: string;
}

export const weightFine = (excessKg: number, config: PenaltyConfig): WeightFine => {
  const c = config.vehicleOwner;
  if (excessKg <= c.warningMaxExcessKg) {
    const text = weightWarningText(excessKg, c.warningMaxExcessKg);
    return { excessKg, warning: true, tonnes: 0, fineYuan: 0, basis: text.zh, basisEn: text.en };
  }
  // Integer tonnes from kilograms; the milligram rounding upstream keeps 2,000 kg at 2 t.
  const exactTonnes = excessKg / c.tonneKg;
  const tonnes = c.partTonne === 'round_up' ? Math.ceil(exactTonnes) : Math.floor(exactTonnes);
  const fineYuan = Math.min(tonnes * c.yuanPerTonne, c.caseCapYuan);
  const text = weightFineText({
    excessKg,
    tonnes,
    partTonne: c.partTonne,
    tonneKg: c.tonneKg,
    yuanPerTonne: c.yuanPerTonne,
    cappedAtYuan: tonnes * c.yuanPerTonne > c.caseCapYuan ? c.caseCapYuan : undefined,
  });
  return {
    excessKg,
    warning: false,
    tonnes,
    fineYuan,
    basis: text.zh,
    basisEn: text.en,
  };
};

const bandHolds = (band: DimensionFineBand, d: { heightM?: number; widthM?: number; lengthM?: number }): boolean => {
  // A dimension the record does not carry cannot push the case into a higher band (§8: doubt to the party).
  const within = (value: number | undefined, bound: number | undefined): boolean => value === undefined || bound === undefined || value <= bound;
  return within(d.heightM, band.maxHeightM) && within(d.widthM, band.maxWidthM) && within(d.lengthM, band.maxLengthM);
};

/** §8 "Edges": one band for the case, the lowest whose three bounds all hold. Null when no dimension is over. */
export const dimensionFine = (
  dimensionsM: { heightM?: number; widthM?: number; lengthM?: number },
  overDimensions: readonly DimensionExcess[],
  config: PenaltyConfig,
): DimensionFine | null => {
  if (overDimensions.length === 0) return null;
  const bands = config.vehicleOwner.dimensionBands;
  const index = bands.findIndex((band) => bandHolds(band, dimensionsM));
  // Bands from the config should end with an unbounded one; if a region's list does not, the top band applies.
  const bandIndex = index === -1 ? bands.length - 1 : index;
  const band = bands[bandIndex];
  if (band === undefined) return null;
  const proposedYuan = config.vehicleOwner.dimensionProposal === 'max' ? band.maxYuan : band.minYuan;
  const text = dimensionFineText(overDimensions, bandIndex + 1, band.minYuan, band.maxYuan);
  return {
    band: bandIndex + 1,
    label: band.label,
    minYuan: band.minYuan,
    maxYuan: band.maxYuan,
    proposedYuan,
    basis: text.zh,
    basisEn: text.en,
  };
};

export const vehicleOwnerPenalty = (
  input: {
    overWeight: boolean;
    excessKg: number;
    dimensionsM: { heightM?: number; widthM?: number; lengthM?: number };
    overDimensions: readonly DimensionExcess[];
  },
  config: PenaltyConfig,
): VehicleOwnerPenalty => {
  const cap = config.vehicleOwner.caseCapYuan;
  const weight = input.overWeight ? weightFine(input.excessKg, config) : null;
  const dimension = dimensionFine(input.dimensionsM, input.overDimensions, config);
  const weightYuan = weight?.fineYuan ?? 0;
  const uncappedMax = weightYuan + (dimension?.maxYuan ?? 0);
  const uncappedProposal = weightYuan + (dimension?.proposedYuan ?? 0);
  const range = { minYuan: Math.min(weightYuan + (dimension?.minYuan ?? 0), cap), maxYuan: Math.min(uncappedMax, cap) };
  const proposedYuan = Math.min(uncappedProposal, cap);
  const outcome = (weight === null || weight.warning) && dimension === null ? 'warning' : 'fine';
  const parts = [weight, dimension].flatMap((p) => (p ? [{ zh: p.basis, en: p.basisEn }] : []));
  const text = vehicleOwnerBasisText(parts, cap);
  return {
    outcome,
    weight,
    dimension,
    range,
    proposedYuan,
    capYuan: cap,
    capped: uncappedMax > cap || uncappedProposal > cap,
    basis: text.zh,
    basisEn: text.en,
  };
};
