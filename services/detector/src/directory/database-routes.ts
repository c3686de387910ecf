import {
  DEFAULT_ROUTES_CONFIG,
  prepareDetour,
  prepareLine,
  prepareRoute,
  type PreparedLine,
  type PreparedRoute,
  type RouteLabel,
  type RouteLookup,
  type RoutesConfig,
  type VehicleRouteSet,
} from '@roadwatch/rules';
import type { Logger } from '@roadwatch/runtime';
import { RouteRepository, type Queryable, type StoredRoute, type VehicleRoutes } from '@roadwatch/storage';

/**
 * Each vehicle's approved routes, detours and 班线 prepared once per load (RULES.md §11): a route
 * bound to many vehicles is prepared once. A route whose geometry the rules refuse is left out
 * with a warning naming it and why; the others load.
 */
export const routeLookupOf = (byVehicle: ReadonlyMap<string, VehicleRoutes>, config: RoutesConfig = DEFAULT_ROUTES_CONFIG, logger?: Logger): RouteLookup => {
  const routes = new Map<string, { prepared: PreparedRoute; line: PreparedLine | null; label: RouteLabel } | null>();
  const prepared = (route: StoredRoute) => {
    if (routes.has(route.routeId)) return routes.get(route.routeId) ?? null;
    try {
      const entry = {
        prepared: prepareRoute(
          {
            routeId: route.routeId,
            polyline: route.polyline,
            corridorWidthM: route.corridorWidthM,
            depots: route.depots,
            validFrom: route.validFrom ?? null,
            validTo: route.validTo ?? null,
          },
          config,
        ),
        // Stops are checked on 班线 with a stop between their first and last.
        line: route.kind === 'scheduled_line' && route.stops.length >= 3 ? prepareLine(route, route.stops, config) : null,
        label: { name: route.name, corridorWidthM: route.corridorWidthM },
      };
      routes.set(route.routeId, entry);
      return entry;
    } catch (error) {
      logger?.warn({ routeId: route.routeId, err: error }, `approved route ${route.routeId} left out: ${(error as Error).message}`);
      routes.set(route.routeId, null);
      return null;
    }
  };
  const sets = new Map<string, VehicleRouteSet>();
  for (const [vehicleId, entry] of byVehicle) {
    const usable = entry.routes.flatMap((route) => {
      const p = prepared(route);
      return p ? [p] : [];
    });
    if (usable.length === 0) continue;
    sets.set(vehicleId, {
      routes: usable.map((u) => u.prepared),
      detours: entry.detours.map((d) =>
        prepareDetour({ routeId: d.routeId, vehicleId: d.vehicleId ?? null, fromMs: d.fromMs, toMs: d.toMs, polygon: d.polygon ?? null }),
      ),
      lines: usable.flatMap((u) => (u.line ? [u.line] : [])),
      labelOf: (routeId) => routes.get(routeId)?.label,
      config,
    });
  }
  return (vehicleId) => sets.get(vehicleId);
};

/** The lookup from `approved_routes` and its tables: routes not retired nor expired, detours not yet closed, at `now()`. */
export const databaseRoutesLoader =
  (db: Queryable, options: { now?: () => number; config?: RoutesConfig; logger?: Logger } = {}): (() => Promise<RouteLookup>) =>
  async () =>
    routeLookupOf(await new RouteRepository(db).activeByVehicle((options.now ?? Date.now)()), options.config, options.logger);
