import type { Severity } from '@roadwatch/contracts';
import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';

/**
 * Every number the overload (超限) rules use. Defaults are RULES.md's figures; an
 * administrator overrides them per region (and per station where a station's scale says
 * otherwise) with `resolveOverloadConfig`, without a redeploy.
 */
export interface SpeedRangeKmh {
  minKmh: number;
  maxKmh: number;
}

export interface SeverityBand {
  /** The band applies when the confirmed overload ratio is at or above this value. */
  minRatio: number;
  severity: Severity;
}

export interface OverloadConfig {
  /** RULES.md §4 table (超限规定 第3条): over the limit when gross mass is *greater than*. */
  grossLimitsKg: {
    twoAxle: number;
    threeAxleRigid: number;
    threeAxleCombination: number;
    fourAxleRigid: number;
    fourAxleCombination: number;
    fiveAxleCombination: number;
    sixPlusAxleCombination: number;
    /** 牵引车驱动轴为单轴 — only when the vehicle record says so (§8: unknown → 49 t). */
    sixPlusAxleSingleDriveAxle: number;
  };
  /** RULES.md §4 "Adjustments (认定标准 notes)": each needs its data on the vehicle record. */
  adjustments: {
    singleTyreNonDriveDeductionKg: number;
    /**
     * Axle counts the single-tyre deduction applies to. RULES.md does not say; the source
     * note (GB 1589-2016 表3 注) names 二轴、三轴及四轴货车, so rigid 2–4 axle trucks only —
     * a stricter limit is not read into rows the source does not name (§8: doubt goes to the party).
     */
    singleTyreAxleCounts: number[];
    airSuspensionBonusKg: number;
    /** RULES.md §4: "+1,000 kg for 3- and 4-axle trucks". */
    airSuspensionAxleCounts: number[];
    /** RULES.md §4: "2-axle trucks also limited by the 行驶证 mass". */
    twoAxleCappedByRegisteredMass: boolean;
  };
  /** RULES.md §4 (超限规定 第3条): over when *greater than*, only when the record carries them. */
  dimensionLimitsM: { height: number; width: number; length: number };
  plausibility: {
    /** RULES.md §4: any axle weight ≤ 0 or > 40,000 kg is implausible. */
    maxAxleKg: number;
    /** RULES.md §4, §8: |gross − Σ axle weights| > 2% of Σ axle weights is implausible. */
    grossAxleSumTolerancePct: number;
    /**
     * RULES.md §4 "speed out of the scale's valid range" gives no figure. *default* 0.5–100 km/h,
     * a typical declared range of high-speed 非现场 WIM systems; set each station's own range
     * from its type approval in `stationSpeedRangeKmh`. Bounds are inclusive.
     */
    defaultSpeedRangeKmh: SpeedRangeKmh;
    stationSpeedRangeKmh: Record<string, SpeedRangeKmh>;
    /**
     * A record measured this far after the platform received it comes from a scale whose clock
     * is ahead: implausible. RULES.md gives no figure; *default* 10 min, the platform's
     * tolerance for terminals' clocks too.
     */
    maxMeasuredAheadMs: number;
    /**
     * A record measured this long before it was received is kept and scored, with a warning:
     * the intake remembers record ids for as long, so an older re-send is no longer recognised
     * as a duplicate. *default* 7 days.
     */
    staleAfterMs: number;
  };
  tolerance: {
    /** RULES.md §4, §8: the station's accuracy class, else *default* 5%. */
    defaultAccuracyClassPct: number;
    /** Accuracy class a station declares in configuration (JJG 907: 0.2/0.5/1/2/5/10). */
    stationAccuracyClassPct: Record<string, number>;
  };
  baiDunWang: {
    /** RULES.md §4, §8: *measured* gross ≥ 100,000 kg *default* on a confirmed violation. */
    minMeasuredGrossKg: number;
  };
  severity: {
    /** RULES.md §4: 百吨王 is its own top severity. */
    baiDunWang: Severity;
    /**
     * RULES.md leaves the other bands open. *default*: on the confirmed overload ratio, the
     * same 30% / 50% steps the 记分办法 uses for driver points (§5), so an operator's
     * severity and the driver's points move together: > 0 minor, ≥ 30% major, ≥ 50% serious.
     * Checked from the top; the first band whose minRatio the ratio reaches wins.
     */
    weightBands: SeverityBand[];
    /** A record over on dimensions only is still an 超限 alert (§8 "Edges"). *default* minor. */
    dimensionsOnly: Severity;
  };
}

export const DEFAULT_OVERLOAD_CONFIG: OverloadConfig = {
  grossLimitsKg: {
    twoAxle: 18_000, // RULES.md §4 table, 超限规定 第3条(一)
    threeAxleRigid: 25_000, // §4 table, 第3条(二)
    threeAxleCombination: 27_000, // §4 table, 第3条(二)
    fourAxleRigid: 31_000, // §4 table, 第3条(三)
    fourAxleCombination: 36_000, // §4 table, 第3条(三)
    fiveAxleCombination: 43_000, // §4 table, 第3条(四)
    sixPlusAxleCombination: 49_000, // §4 table, 第3条(五); §8: unknown drive axle → 49 t
    sixPlusAxleSingleDriveAxle: 46_000, // §4 table, 第3条(五)
  },
  adjustments: {
    singleTyreNonDriveDeductionKg: 3_000, // RULES.md §4 Adjustments
    singleTyreAxleCounts: [2, 3, 4], // GB 1589-2016 表3 注 (see the interface)
    airSuspensionBonusKg: 1_000, // RULES.md §4 Adjustments
    airSuspensionAxleCounts: [3, 4], // RULES.md §4 Adjustments
    twoAxleCappedByRegisteredMass: true, // RULES.md §4 Adjustments
  },
  dimensionLimitsM: { height: 4, width: 2.55, length: 18.1 }, // RULES.md §4, 超限规定 第3条
  plausibility: {
    maxAxleKg: 40_000, // RULES.md §4
    grossAxleSumTolerancePct: 2, // RULES.md §4, §8
    defaultSpeedRangeKmh: { minKmh: 0.5, maxKmh: 100 }, // *default*, see the interface
    stationSpeedRangeKmh: {},
    maxMeasuredAheadMs: 10 * 60_000, // *default*, see the interface
    staleAfterMs: 7 * 86_400_000, // *default*: the intake's duplicate memory
  },
  tolerance: {
    defaultAccuracyClassPct: 5, // RULES.md §4, §8 *default*
    stationAccuracyClassPct: {},
  },
  baiDunWang: { minMeasuredGrossKg: 100_000 }, // RULES.md §4, §8 *default*
  severity: {
    baiDunWang: 'critical', // RULES.md §4: its own top severity
    weightBands: [
      { minRatio: 0.5, severity: 'serious' },
      { minRatio: 0.3, severity: 'major' },
      { minRatio: 0, severity: 'minor' },
    ],
    dimensionsOnly: 'minor',
  },
};

/** The overload config for a region: the defaults, then each override in order (e.g. province, then city). */
export const resolveOverloadConfig = (...overrides: Array<ConfigPatch<OverloadConfig> | undefined>): OverloadConfig =>
  overrides.reduce<OverloadConfig>((config, override) => mergeConfigPatch<OverloadConfig>(config, override), DEFAULT_OVERLOAD_CONFIG);

/**
 * The config with the stations' accuracy classes of the registry (RULES.md §4: the station's
 * class, else 5%) over those configured here: the registry is what an administrator keeps current.
 */
export const withStationAccuracyClasses = (config: OverloadConfig, classesPct: Readonly<Record<string, number>>): OverloadConfig => ({
  ...config,
  tolerance: { ...config.tolerance, stationAccuracyClassPct: { ...config.tolerance.stationAccuracyClassPct, ...classesPct } },
});

/**
 * Kilogram arithmetic in binary floating point leaves noise (50,001.8 − 49,000 =
 * 1,001.8000000000029). Rounding to the milligram removes it, so comparisons at the
 * boundaries RULES.md quotes are exact.
 */
export const roundKg = (kg: number): number => Math.round(kg * 1e6) / 1e6;

/** `pct` percent of `value`, noise removed. */
export const percentOf = (value: number, pct: number): number => roundKg((value * pct) / 100);
