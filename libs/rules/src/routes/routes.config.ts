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
}

export const DEFAULT_ROUTES_CONFIG: RoutesConfig = {
  corridorWidthM: 200,
  depotRadiusM: 500,
};

/** The defaults with a region's overrides applied. */
export const resolveRoutesConfig = (patch?: ConfigPatch<RoutesConfig>): RoutesConfig => mergeConfigPatch<RoutesConfig>(DEFAULT_ROUTES_CONFIG, patch);

/** §11: 255 m is the widest corridor a JT/T 808 0x8606 route segment can carry (one byte). */
export const MAX_CORRIDOR_WIDTH_M = 255;
