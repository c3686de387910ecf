import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';
import { DEFAULT_RULES_CONFIG, type MotionConfig, type QualityConfig } from '../common/rules-config';

/**
 * Signal tampering (RULES.md §12, read as §15 "Tampering (§12)" settles it). Every number is a
 * *default* of §12/§15 and is overridden per region with `resolveTamperingConfig`.
 */
export interface TamperingConfig {
  /** §8: moving, jitter and the 5 min gap: the motion model's own. */
  motion: MotionConfig;
  /** §6 drift speed (160 km/h): §15 measures only fixed, non-drift reports. */
  quality: QualityConfig;
  /** §15 I1 / I3: "displaced" = more than 1 km *default* from the last accepted position. */
  displacedM: number;
  /** §15 I3: a run of not-fixed / few-satellite reports spanning ≥ 5 min *default*. */
  i3MinSpanMs: number;
  /** §15 I3: satellites (0x31) ≤ 3 *default* is as good as not fixed. */
  i3MaxSatellites: number;
  /** §15 I3: signal strength (0x30) ≥ 10 *default* is normal … */
  i3MinSignal: number;
  /** … except this value, which means "unknown" in JT/T 808 (99). */
  i3UnknownSignal: number;
  /** §15 I4: positions within 50 m *default* … */
  i4FrozenRadiusM: number;
  /** … spanning ≥ 10 min *default* … */
  i4MinSpanMs: number;
  /** … while the odometer (0x01) grows by more than 1.0 km *default*. */
  i4MinMileageKm: number;
  /** §12 I5: ≥ 3 *default* drift jumps in one local day. */
  i5MinDriftPerDay: number;
  /** §15: indicators ≤ 5 min *default* apart form one episode. */
  joinWithinMs: number;
  /** §12 / §15 I7: within 5 km *default* of a 治超 station's point or a source site's area. */
  contextRadiusM: number;
  /** §12 I7 "at night": local 22:00–06:00 *default* (start inclusive, end exclusive). */
  nightStart: string;
  nightEnd: string;
  /** §15 network outage: ≥ 5 *default* vehicles, this one included … */
  outageMinVehicles: number;
  /** … with a gap starting in the same cell of 0.05° *default* or a neighbour. */
  outageCellDeg: number;
  /** Not in RULES.md: the radius of a blind area registered as a point without one. */
  blindAreaDefaultRadiusM: number;
}

const MINUTE = 60_000;

export const DEFAULT_TAMPERING_CONFIG: TamperingConfig = {
  motion: DEFAULT_RULES_CONFIG.motion,
  quality: DEFAULT_RULES_CONFIG.quality,
  displacedM: 1_000,
  i3MinSpanMs: 5 * MINUTE,
  i3MaxSatellites: 3,
  i3MinSignal: 10,
  i3UnknownSignal: 99,
  i4FrozenRadiusM: 50,
  i4MinSpanMs: 10 * MINUTE,
  i4MinMileageKm: 1.0,
  i5MinDriftPerDay: 3,
  joinWithinMs: 5 * MINUTE,
  contextRadiusM: 5_000,
  nightStart: '22:00',
  nightEnd: '06:00',
  outageMinVehicles: 5,
  outageCellDeg: 0.05,
  blindAreaDefaultRadiusM: 200,
};

export const resolveTamperingConfig = (...overrides: Array<ConfigPatch<TamperingConfig> | undefined>): TamperingConfig =>
  overrides.reduce<TamperingConfig>((config, patch) => mergeConfigPatch<TamperingConfig>(config, patch), DEFAULT_TAMPERING_CONFIG);
