import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';

/**
 * Every number of the 一超四罚 rules (RULES.md §5, §8). Defaults are RULES.md's figures;
 * regions override them with `resolvePenaltyConfig`.
 */
export interface YuanRange {
  minYuan: number;
  maxYuan: number;
}

/** A dimension band: applies when every bound it names holds (a bound left out is unbounded). */
export interface DimensionFineBand extends YuanRange {
  maxHeightM?: number;
  maxWidthM?: number;
  maxLengthM?: number;
  label: string;
}

export interface PenaltyConfig {
  vehicleOwner: {
    /** §5/§8: excess ≤ 1,000 kg → a warning. */
    warningMaxExcessKg: number;
    /** §5/§8: ¥500 per started 1,000 kg over. */
    yuanPerTonne: number;
    tonneKg: number;
    /** §5 *default*: part tonnes round up ("started" tonnes). */
    partTonne: 'round_up' | 'round_down';
    /** §5/§8: weight and dimension fines of one case summed, capped at ¥30,000. */
    caseCapYuan: number;
    /** §5 (超限规定 第43条(一)): checked in order; the first (lowest) band whose bounds all hold. */
    dimensionBands: DimensionFineBand[];
    /** The brief: propose the band's upper figure; the range is shown beside it. */
    dimensionProposal: 'max' | 'min';
  };
  driver: {
    /** §5/§8 (记分办法): at or above minRatio; checked from the top; needs ratio > 0. */
    pointsBands: Array<{ minRatio: number; points: number }>;
    /** §5 (道交法 第92条): strictly above ratioAbove; checked from the top; needs ratio > 0. */
    fineBands: Array<{ ratioAbove: number } & YuanRange>;
  };
  sourceUnit: {
    /** §5: 公路安全保护条例 第68条; 超限规定 第49条 — "up to ¥30,000". */
    directingOrForcing: YuanRange;
    /** §5: 道路运输条例 第71条. */
    lettingOverloadedLeave: YuanRange;
  };
  repeat: {
    /** §5: rolling 12 months. */
    windowMonths: number;
    /** §5: "more than 3" — the 4th violation triggers. */
    moreThan: number;
    /** §5: violating vehicles > 10% of the fleet → 停业整顿. */
    companyFleetShareAbove: number;
  };
  blacklist: {
    /** §5: source unit fined ≥ ¥20,000 (within the window). */
    sourceUnitFineAtLeastYuan: number;
    /** §5: source unit penalised 3+ times in 12 months. */
    sourceUnitPenaltiesAtLeast: number;
  };
  reportDeadline: {
    /** §5 (超限规定 第44条): within 7 working days. */
    workingDays: number;
    /**
     * Public holidays (YYYY-MM-DD, local) falling on Mon–Fri. Empty by default: load each
     * year's 国务院办公厅 holiday notice per deployment.
     */
    holidays: string[];
    /** 调休 Saturdays/Sundays that are working days (YYYY-MM-DD, local). */
    workingWeekendDays: string[];
  };
}

export const DEFAULT_PENALTY_CONFIG: PenaltyConfig = {
  vehicleOwner: {
    warningMaxExcessKg: 1_000, // RULES.md §5, §8
    yuanPerTonne: 500, // RULES.md §5, §8 (超限规定 第43条; 公路安全保护条例 第64条)
    tonneKg: 1_000, // RULES.md §5
    partTonne: 'round_up', // RULES.md §5 *default*
    caseCapYuan: 30_000, // RULES.md §5, §8
    dimensionBands: [
      // RULES.md §5 (超限规定 第43条(一))
      { maxHeightM: 4.2, maxWidthM: 3, maxLengthM: 20, minYuan: 0, maxYuan: 200, label: '高 ≤ 4.2 m, 宽 ≤ 3 m, 长 ≤ 20 m: up to ¥200' },
      { maxHeightM: 4.5, maxWidthM: 3.75, maxLengthM: 28, minYuan: 200, maxYuan: 1_000, label: '高 ≤ 4.5 m, 宽 ≤ 3.75 m, 长 ≤ 28 m: ¥200–1,000' },
      { minYuan: 1_000, maxYuan: 3_000, label: 'beyond: ¥1,000–3,000' },
    ],
    dimensionProposal: 'max',
  },
  driver: {
    pointsBands: [
      { minRatio: 0.5, points: 6 }, // RULES.md §5, §8 (记分办法): ≥ 50% → 6
      { minRatio: 0.3, points: 3 }, // ≥ 30% → 3
      { minRatio: 0, points: 1 }, // below 30% (and > 0) → 1
    ],
    fineBands: [
      { ratioAbove: 0.3, minYuan: 500, maxYuan: 2_000 }, // RULES.md §5 (道交法 第92条): > 30%
      { ratioAbove: 0, minYuan: 200, maxYuan: 500 }, // RULES.md §5
    ],
  },
  sourceUnit: {
    directingOrForcing: { minYuan: 0, maxYuan: 30_000 }, // RULES.md §5
    lettingOverloadedLeave: { minYuan: 10_000, maxYuan: 30_000 }, // RULES.md §5
  },
  repeat: {
    windowMonths: 12, // RULES.md §5
    moreThan: 3, // RULES.md §5: "more than 3 means the 4th violation triggers"
    companyFleetShareAbove: 0.1, // RULES.md §5
  },
  blacklist: {
    sourceUnitFineAtLeastYuan: 20_000, // RULES.md §5 严重违法失信
    sourceUnitPenaltiesAtLeast: 3, // RULES.md §5
  },
  reportDeadline: {
    workingDays: 7, // RULES.md §5 (超限规定 第44条)
    holidays: [],
    workingWeekendDays: [],
  },
};

export const resolvePenaltyConfig = (...overrides: Array<ConfigPatch<PenaltyConfig> | undefined>): PenaltyConfig =>
  overrides.reduce<PenaltyConfig>((config, override) => mergeConfigPatch<PenaltyConfig>(config, override), DEFAULT_PENALTY_CONFIG);
