import { mergeConfigPatch, type ConfigPatch } from '../common/config-patch';

/**
 * Routes and areas (RULES.md §11, read as §15 "Routes and areas" settles it). Every number cites
 * its section; *default* values an administrator overrides per region with `resolveRoutesConfig`.
 * The parts built on the corridor (off-route episodes, 班线 stops, 大件 permits, area bans) add
 * their own settings here.
 */
export interface RoutesConfig {
  /** §11: the corridor is the route ± *default* 200 m (≤ 255 m, so it fits a JT/T 808 0x8606 route). */
  corridorWidthM: number;
  /** §15: a route without depots has a circle of *default* 500 m around each end of its polyline. */
  depotRadiusM: number;
  // Off-route episodes and 班线 stops (§11, read as §15):
  /** An off-route episode counts at ≥ 180 s *default* of moving time outside… */
  offRouteMinMovingMs: number;
  /** …or ≥ 1,000 m *default* between consecutive moving outside reports. */
  offRouteMinDistanceM: number;
  /** It ends once reports back inside span ≥ 60 s *default*; a shorter interlude joins two excursions. */
  offRouteBackInsideMs: number;
  /** A 班线 stop's radius when the route gives none (*default* 100 m). */
  stopRadiusM: number;
  /** A stop is served when the bracket around the reports inside its radius allows a dwell ≥ 60 s *default*. */
  stopMinDwellMs: number;
  /** 疑似站外上下客: still reports outside every stop, service area and depot spanning ≥ 120 s *default*. */
  unapprovedDwellMs: number;
  /** A counted episode is re-published (same id, next revision) when it grew by this much since the last revision… */
  offRouteRevisionStepM: number;
  /** …or this much device time passed since it. */
  offRouteRevisionIntervalMs: number;
}

export const DEFAULT_ROUTES_CONFIG: RoutesConfig = {
  corridorWidthM: 200,
  depotRadiusM: 500,
  offRouteMinMovingMs: 180_000,
  offRouteMinDistanceM: 1_000,
  offRouteBackInsideMs: 60_000,
  stopRadiusM: 100,
  stopMinDwellMs: 60_000,
  unapprovedDwellMs: 120_000,
  offRouteRevisionStepM: 500,
  offRouteRevisionIntervalMs: 30_000,
};

/** The defaults with a region's overrides applied. */
export const resolveRoutesConfig = (patch?: ConfigPatch<RoutesConfig>): RoutesConfig => mergeConfigPatch<RoutesConfig>(DEFAULT_ROUTES_CONFIG, patch);

/** §11: 255 m is the widest corridor a JT/T 808 0x8606 route segment can carry (one byte). */
export const MAX_CORRIDOR_WIDTH_M = 255;
