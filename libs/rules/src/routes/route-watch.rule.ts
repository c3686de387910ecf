import type { PositionRule } from '../pipeline/position-rule';
import type { PreparedDetour, PreparedRoute } from './corridor';
import type { RoutesConfig } from './routes.config';
import { initialRouteWatchState, stepRouteWatch, type PreparedLine, type RouteWatchState } from './route-watch';
import { routeWatchAlerts, type RouteLabel } from './route-watch.alerts';

/** What one vehicle's reports are judged against: its active routes, detours and 班线, prepared once per load. */
export interface VehicleRouteSet {
  routes: readonly PreparedRoute[];
  detours: readonly PreparedDetour[];
  lines: readonly PreparedLine[];
  labelOf(routeId: string): RouteLabel | undefined;
  config: RoutesConfig;
}

/** A vehicle's route set, or undefined when no route is bound to it (the detector's directory of approved routes). */
export type RouteLookup = (vehicleId: string) => VehicleRouteSet | undefined;

/**
 * Routes (RULES.md §11, §15) as a position rule: each accepted (valid, non-drift) report with a
 * fix (`gnssFixed`, status bit 1) goes through `stepRouteWatch` against the vehicle's route set (`PipelineContext.routes`).
 * A vehicle without routes keeps no state (null); a state checkpointed before this rule existed
 * reads as null too.
 */
export const routeWatchRule: PositionRule<RouteWatchState | null> = {
  initial: () => null,
  onReport(state, report, { facts, config, pipeline }) {
    // A checkpoint older than this rule has no slice: read as none.
    const current = state ?? null;
    if (report.kind !== 'accepted' || !report.position.gnssFixed) return { state: current, alerts: [] };
    const set = pipeline.routes?.(facts.vehicleId);
    if (!set) return { state: current, alerts: [] };
    const p = report.position;
    const step = stepRouteWatch(
      current ?? initialRouteWatchState(),
      { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh },
      { routes: set.routes, detours: set.detours, lines: set.lines, vehicleId: facts.vehicleId, config: set.config, motion: config.motion },
    );
    return { state: step.state, alerts: routeWatchAlerts(facts, step.events, set.labelOf) };
  },
};
