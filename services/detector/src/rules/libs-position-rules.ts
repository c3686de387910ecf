import { readFileSync } from 'node:fs';
import type { VehicleFacts } from '@roadwatch/domain';
import {
  buildRoadIndex,
  decodeVehicleState,
  DEFAULT_RULES_CONFIG,
  driverIdOfReport,
  driverTimesOf,
  processPosition,
  qualityDayOf,
  resolveRulesConfig,
  tickVehicle,
  vehicleDueMs,
  type ConfigPatch,
  type DriverTimeLookup,
  type PipelineContext,
  type RegistryNotice,
  type RelayLookup,
  type RoadIndex,
  type RosterDriverLookup,
  type RouteLookup,
  type RulesConfig,
  type VehicleRuleState,
} from '@roadwatch/rules';
import type { Logger } from '@roadwatch/runtime';
import type { PositionRules } from './position-rules.port';

export interface LibsPositionRulesOptions {
  config?: RulesConfig;
  /** Per-region overrides (行政区划代码 → partial config), applied by the vehicle's regionCode. */
  overridesByRegion?: Readonly<Record<string, ConfigPatch<RulesConfig>>>;
  /**
   * Road segments and speed zones; without them every position is an unmapped road (RULES.md reading of the rules lib).
   * A function is asked on every position: the index a registry reloader holds now.
   */
  roads?: RoadIndex | (() => RoadIndex | undefined);
  /** The 接驳运输 relay registry for the 02:00–05:00 rule. */
  relays?: RelayLookup;
  /** Each vehicle's approved routes (RULES §11), the lookup a reloader holds now; none: no route is judged. */
  routes?: () => RouteLookup | undefined;
  /** The drivers' shift roster (RULES §13), the lookup a reloader holds now: the driver of a report without an IC card; none: such reports count per vehicle. */
  roster?: () => RosterDriverLookup | undefined;
  /** A registry fact a rule needed and did not find (e.g. a long-distance bus without route_km). */
  onNotice?: (notice: RegistryNotice) => void;
}

/**
 * The detector's port bound to the libs/rules vehicle pipeline. The pipeline's clock for the
 * "time ≤ now + skew" check stays the position's receivedAtMs (its default), not the wall
 * clock, so replaying after a crash gives the same alerts with the same ids.
 */
export const libsPositionRules = (options: LibsPositionRulesOptions = {}): PositionRules => {
  const base = options.config ?? DEFAULT_RULES_CONFIG;
  const overrides = options.overridesByRegion ?? {};
  // Resolved once per region, not per position: the merge is pure and the overrides fixed.
  const byRegion = new Map<string | undefined, RulesConfig>();
  const configFor = (facts: VehicleFacts): RulesConfig => {
    let config = byRegion.get(facts.regionCode);
    if (!config) byRegion.set(facts.regionCode, (config = resolveRulesConfig(base, overrides, facts.regionCode)));
    return config;
  };
  const relays = options.relays ? { relays: options.relays } : {};
  const roadsNow = typeof options.roads === 'function' ? options.roads : () => options.roads as RoadIndex | undefined;
  const routesNow = options.routes ?? (() => undefined);
  const rosterNow = options.roster ?? (() => undefined);
  // One context per road index, route and roster lookup (a reload brings a new one), not one object per position.
  let ctxRoads: RoadIndex | undefined;
  let ctxRoutes: RouteLookup | undefined;
  let ctxRoster: RosterDriverLookup | undefined;
  let ctx: PipelineContext = relays;
  const ctxNow = (): PipelineContext => {
    const roads = roadsNow();
    const routes = routesNow();
    const roster = rosterNow();
    if (roads !== ctxRoads || routes !== ctxRoutes || roster !== ctxRoster) {
      ctxRoads = roads;
      ctxRoutes = routes;
      ctxRoster = roster;
      ctx = { ...relays, ...(roads ? { roads } : {}), ...(routes ? { routes } : {}), ...(roster ? { roster } : {}) };
    }
    return ctx;
  };
  // One context per (road index, driver-time lookup) pair, not one object per position.
  let driverCtxBase: PipelineContext | undefined;
  let driverCtxLookup: DriverTimeLookup | undefined;
  let driverCtx: PipelineContext = {};
  const withDriverTimes = (base: PipelineContext, driverTimes: DriverTimeLookup): PipelineContext => {
    if (base !== driverCtxBase || driverTimes !== driverCtxLookup) {
      driverCtxBase = base;
      driverCtxLookup = driverTimes;
      driverCtx = { ...base, driverTimes };
    }
    return driverCtx;
  };
  return {
    process(facts, state, position, _nowMs, driverTimes) {
      const ctx = driverTimes ? withDriverTimes(ctxNow(), driverTimes) : ctxNow();
      const result = processPosition(facts, state as VehicleRuleState | undefined, position, configFor(facts), ctx);
      for (const notice of result.notices) options.onNotice?.(notice);
      // Stamped with the receipt of the report that closed the day, not the wall clock: replay gives the same message.
      const qualityDays = result.closedDays.map((counters) => qualityDayOf(facts.vehicleId, counters, true, position.receivedAtMs));
      return { state: result.state, alerts: result.alerts, qualityDays };
    },
    tick(facts, state, nowMs) {
      const ticked = tickVehicle(facts, state as VehicleRuleState, nowMs, configFor(facts), ctxNow());
      for (const notice of ticked.notices) options.onNotice?.(notice);
      const qualityDays = ticked.closedDays.map((counters) => qualityDayOf(facts.vehicleId, counters, true, nowMs));
      for (const counters of ticked.openDays) qualityDays.push(qualityDayOf(facts.vehicleId, counters, false, nowMs));
      return { state: ticked.state, alerts: ticked.alerts, qualityDays };
    },
    dueMs: (facts, state) => vehicleDueMs(state as VehicleRuleState, configFor(facts)),
    decodeState: decodeVehicleState,
    driverTimesOf: (state) => driverTimesOf(state as VehicleRuleState),
    driverOf: (position) => driverIdOfReport(position, rosterNow()),
  };
};

/**
 * One warning per feature the index left out (larger than a speed zone may be, the contract's
 * SPEED_ZONE_BOUNDS), naming it, where it came from and why; the rest of the roads load.
 */
export const warnSkippedRoads = (skipped: RoadIndex['skipped'], logger: Logger | undefined, source: string): void => {
  for (const { segmentId, reason } of skipped)
    logger?.warn({ segmentId, source, reason }, `road data: ${segmentId} from ${source} left out of the road index: ${reason}`);
};

/** Reads a GeoJSON FeatureCollection of road segments / speed zones into the rules' index. */
export const loadRoadIndex = (path: string, config: RulesConfig = DEFAULT_RULES_CONFIG, logger?: Logger): RoadIndex => {
  const index = buildRoadIndex(JSON.parse(readFileSync(path, 'utf8')), config.roads);
  warnSkippedRoads(index.skipped, logger, path);
  return index;
};
