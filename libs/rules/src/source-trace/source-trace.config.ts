import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';
import { DEFAULT_RULES_CONFIG, type MotionConfig } from '../common/rules-config';

/**
 * 源头倒查 (RULES.md §13, read as §15 "Four parties" settles it). Every number cites its
 * section; *default* values an administrator overrides per region with `resolveSourceTraceConfig`.
 */
export interface SourceTraceConfig {
  /** Stops, gaps and rests are §8's: the motion model's own settings. */
  motion: MotionConfig;
  /** §13: the positions of the *default* 24 h before the weighing. */
  windowMs: number;
  /** §13: a stop counts at a dwell of ≥ 8 min *default*. */
  minStopMs: number;
  /** §15: the chain is broken when the last report lies more than 5 min before t_w. */
  maxLastReportAgeMs: number;
  /** §15: at = every report inside and ≥ 50 m from the boundary; near = inside the geofence grown by 50 m. */
  siteMarginM: number;
  /** §13: a circle geofence's *default* radius, also for a site given only as a point. */
  defaultCircleRadiusM: number;
  /** §15 未过磅出场: no exit record from (stop end − 10 min) to (departure + 10 min) *default*. */
  exitRecordToleranceMs: number;
  /** §15 第71条: a report more than 50 m outside the geofence shows the departure. */
  departureMarginM: number;
}

const MINUTE = 60_000;

export const DEFAULT_SOURCE_TRACE_CONFIG: SourceTraceConfig = {
  motion: DEFAULT_RULES_CONFIG.motion,
  windowMs: 24 * 60 * MINUTE,
  minStopMs: 8 * MINUTE,
  maxLastReportAgeMs: 5 * MINUTE,
  siteMarginM: 50,
  defaultCircleRadiusM: 200,
  exitRecordToleranceMs: 10 * MINUTE,
  departureMarginM: 50,
};

export const resolveSourceTraceConfig = (...overrides: Array<ConfigPatch<SourceTraceConfig> | undefined>): SourceTraceConfig =>
  overrides.reduce<SourceTraceConfig>((config, override) => mergeConfigPatch<SourceTraceConfig>(config, override), DEFAULT_SOURCE_TRACE_CONFIG);
