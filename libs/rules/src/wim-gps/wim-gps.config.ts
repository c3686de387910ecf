import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';
import { DEFAULT_RULES_CONFIG, type MotionConfig, type QualityConfig } from '../common/rules-config';

/**
 * WIM × GPS (RULES.md §14, read as §15 "WIM × GPS" settles it): 套牌, evasion, 大吨小标.
 * Every number cites its section; *default* values are overridden per region with `resolveWimGpsConfig`.
 */
export interface WimGpsConfig {
  /** §6 valid-record bounds and the 160 km/h drift speed: the pipeline's own. */
  quality: QualityConfig;
  /** Stops (§8) and the jitter a drift judgement allows first: the motion model's. */
  motion: MotionConfig;
  clonedPlate: {
    /** §15: fixes with |t − t_w| ≤ 10 min *default*, inclusive. */
    windowMs: number;
    /** §14: *default* 1 km of position error before the speed is taken. */
    positionErrorM: number;
    /** §14: a speed above 130 km/h *default* to reach the station is a conflict. */
    maxPlausibleSpeedKmh: number;
    /** §14 / §15: conflicts within the 30 days up to and including this one … */
    priorityWindowMs: number;
    /** … two of them raise the priority. */
    priorityConflicts: number;
  };
  evasion: {
    /** §14: screen lines *default* 3 km up and down stream of the station, along the corridor. */
    screenLineOffsetM: number;
    /** Not in RULES.md: how far a derived screen line reaches to each side of the corridor (it must cut the bypasses). */
    screenLineHalfLengthM: number;
    /** Not in RULES.md: the corridor's half-width when the station gives none (the road and its verges). */
    corridorHalfWidthM: number;
    /** §14: a detour leaves the corridor by > 200 m. */
    detourMarginM: number;
    /** §14 / §15: both lines crossed within 20 min *default*, for both kinds. */
    maxPassMs: number;
    /** §14: closure when ≥ 30 % *default* of the same-direction passes detour … */
    closureShare: number;
    /** … counting passes whose first crossing is within ± 30 min *default* of the subject's (§15). */
    closureWindowMs: number;
    /** §14: a stop of ≥ 10 min outside the corridor suppresses a detour. */
    bypassStopMs: number;
  };
  emptyWeight: {
    /** §14: the lowest confirmed gross of the last 90 days *default*. */
    windowMs: number;
    /** §14: above the curb mass by more than 10 % *default* (exactly 10 % is not). */
    thresholdPct: number;
  };
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_WIM_GPS_CONFIG: WimGpsConfig = {
  quality: DEFAULT_RULES_CONFIG.quality,
  motion: DEFAULT_RULES_CONFIG.motion,
  clonedPlate: {
    windowMs: 10 * MINUTE,
    positionErrorM: 1_000,
    maxPlausibleSpeedKmh: 130,
    priorityWindowMs: 30 * DAY,
    priorityConflicts: 2,
  },
  evasion: {
    screenLineOffsetM: 3_000,
    screenLineHalfLengthM: 5_000,
    corridorHalfWidthM: 50,
    detourMarginM: 200,
    maxPassMs: 20 * MINUTE,
    closureShare: 0.3,
    closureWindowMs: 30 * MINUTE,
    bypassStopMs: 10 * MINUTE,
  },
  emptyWeight: {
    windowMs: 90 * DAY,
    thresholdPct: 10,
  },
};

export const resolveWimGpsConfig = (...overrides: Array<ConfigPatch<WimGpsConfig> | undefined>): WimGpsConfig =>
  overrides.reduce<WimGpsConfig>((config, override) => mergeConfigPatch<WimGpsConfig>(config, override), DEFAULT_WIM_GPS_CONFIG);
