import { lineString } from '@turf/helpers';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { chinaDateOf, type LatLon } from '@roadwatch/domain';
import { prepareGeofence, type Geofence, type PreparedGeofence } from '../source-trace/geofence';
import { DEFAULT_ROUTES_CONFIG, MAX_CORRIDOR_WIDTH_M, type RoutesConfig } from './routes.config';

/** [longitude, latitude], WGS-84 (GeoJSON order, as `approved_routes.polyline` stores it). */
export type RouteLonLat = readonly [number, number];

/** A depot where leaving the corridor is no episode: a circle or a polygon ring. */
export type RouteDepot = { kind: 'circle'; centre: LatLon; radiusM: number } | { kind: 'polygon'; ring: readonly RouteLonLat[] };

/** What the corridor judgement needs of an approved route (RULES.md §11). */
export interface RouteGeometry {
  routeId: string;
  polyline: readonly RouteLonLat[];
  /** The corridor's half width: the route ± this (default 200 m, ≤ 255 m). */
  corridorWidthM: number;
  /** Empty → a circle of `depotRadiusM` (default 500 m) around each end of the polyline (§15). */
  depots: readonly RouteDepot[];
  /** Local (Asia/Shanghai) dates the route is active, inclusive, `YYYY-MM-DD`; absent = open-ended. */
  validFrom?: string | null;
  validTo?: string | null;
}

/** An operator-approved detour: reports in [fromMs, toMs) — inside the polygon when given — count as inside. */
export interface RouteDetour {
  routeId: string;
  /** Absent = every vehicle bound to the route. */
  vehicleId?: string | null;
  fromMs: number;
  toMs: number;
  polygon?: readonly RouteLonLat[] | null;
}

export interface PreparedRoute {
  readonly routeId: string;
  readonly corridorWidthM: number;
  /** Whether the route is active on a local date (`YYYY-MM-DD`). */
  activeOn(localDate: string): boolean;
  /** Distance from the polyline, metres. */
  distanceFromLineM(point: LatLon): number;
  /** Inside one of the route's depots (its own, or the default circles at its ends). */
  inDepot(point: LatLon): boolean;
}

export interface PreparedDetour {
  readonly routeId: string;
  readonly vehicleId: string | null;
  covers(point: LatLon, atMs: number): boolean;
}

/** Why a route's geometry cannot be used; undefined when it can (the API says this to the admin). */
export const routeGeometryIssue = (route: Pick<RouteGeometry, 'polyline' | 'corridorWidthM'>): string | undefined => {
  const { polyline, corridorWidthM } = route;
  if (!Array.isArray(polyline) || polyline.length < 2) return 'a route needs a polyline of at least 2 points';
  for (const [index, point] of polyline.entries()) {
    const [lon, lat] = point ?? [];
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90)
      return `polyline point ${index} is not a [longitude, latitude] pair in degrees`;
  }
  if (new Set(polyline.map(([lon, lat]) => `${lon},${lat}`)).size < 2) return 'a route needs at least 2 distinct points';
  if (!Number.isInteger(corridorWidthM) || corridorWidthM < 1 || corridorWidthM > MAX_CORRIDOR_WIDTH_M)
    return `corridor width ${String(corridorWidthM)} m is not a whole number of metres in 1–${MAX_CORRIDOR_WIDTH_M}`;
  return undefined;
};

const latLonOf = ([lon, lat]: RouteLonLat): LatLon => ({ latitudeDeg: lat, longitudeDeg: lon });

const geofenceOfDepot = (depot: RouteDepot): Geofence =>
  depot.kind === 'circle' ? { kind: 'circle', centre: depot.centre, radiusM: depot.radiusM } : { kind: 'polygon', rings: [depot.ring] };

/** The route ready for many reports. Throws on geometry `routeGeometryIssue` refuses. */
export const prepareRoute = (route: RouteGeometry, config: RoutesConfig = DEFAULT_ROUTES_CONFIG): PreparedRoute => {
  const issue = routeGeometryIssue(route);
  if (issue) throw new Error(`route ${route.routeId}: ${issue}`);
  const line = lineString(route.polyline.map(([lon, lat]) => [lon, lat]));
  const depotShapes: Geofence[] =
    route.depots.length > 0
      ? route.depots.map(geofenceOfDepot)
      : [route.polyline[0]!, route.polyline[route.polyline.length - 1]!].map((end) => ({
          kind: 'circle',
          centre: latLonOf(end),
          radiusM: config.depotRadiusM,
        }));
  const depots: PreparedGeofence[] = depotShapes.map((shape) => prepareGeofence(shape, config.depotRadiusM, 0));
  return {
    routeId: route.routeId,
    corridorWidthM: route.corridorWidthM,
    activeOn: (localDate) => (!route.validFrom || localDate >= route.validFrom) && (!route.validTo || localDate <= route.validTo),
    distanceFromLineM: (p) => pointToLineDistance([p.longitudeDeg, p.latitudeDeg], line, { units: 'meters' }),
    inDepot: (p) => depots.some((depot) => depot.withinGrown(p, 0)),
  };
};

export const prepareDetour = (detour: RouteDetour): PreparedDetour => {
  const area = detour.polygon && detour.polygon.length > 0 ? prepareGeofence({ kind: 'polygon', rings: [detour.polygon] }, 0, 0) : null;
  return {
    routeId: detour.routeId,
    vehicleId: detour.vehicleId ?? null,
    covers: (p, atMs) => atMs >= detour.fromMs && atMs < detour.toMs && (area === null || area.place(p).inside),
  };
};

/** Where one report lies against a vehicle's routes (RULES.md §15 "Routes and areas"). */
export interface CorridorJudgement {
  /** No route is active that local date: the report is not judged (neither inside nor outside). */
  judged: boolean;
  inside: boolean;
  /** What kept it inside: within a corridor's width, a depot, or an approved detour. */
  insideBy: 'corridor' | 'depot' | 'detour' | null;
  /** Metres beyond the nearest active corridor's edge (0 when within a corridor's width). */
  offsetM: number;
  /** The active route whose corridor lies nearest. */
  nearestRouteId: string | null;
}

/**
 * One report against every route of the vehicle active on its local date: outside = farther
 * than the width from every corridor (exactly the width is inside); inside a depot or an
 * approved detour's window (and polygon, if given) counts as inside (§15). Only fixed, non-drift
 * reports are to be judged — the caller filters them (§15: "§11–§12 measure only fixed, non-drift
 * reports"); the straight line between two reports is never judged.
 */
export const judgeAgainstCorridors = (
  routes: readonly PreparedRoute[],
  detours: readonly PreparedDetour[],
  report: { position: LatLon; atMs: number; vehicleId?: string },
): CorridorJudgement => {
  const localDate = chinaDateOf(report.atMs);
  const active = routes.filter((route) => route.activeOn(localDate));
  if (active.length === 0) return { judged: false, inside: false, insideBy: null, offsetM: 0, nearestRouteId: null };
  let offsetM = Number.POSITIVE_INFINITY;
  let nearestRouteId: string | null = null;
  for (const route of active) {
    const beyondEdgeM = Math.max(0, route.distanceFromLineM(report.position) - route.corridorWidthM);
    if (beyondEdgeM < offsetM) {
      offsetM = beyondEdgeM;
      nearestRouteId = route.routeId;
    }
  }
  if (offsetM === 0) return { judged: true, inside: true, insideBy: 'corridor', offsetM, nearestRouteId };
  if (active.some((route) => route.inDepot(report.position))) return { judged: true, inside: true, insideBy: 'depot', offsetM, nearestRouteId };
  const activeIds = new Set(active.map((route) => route.routeId));
  const detoured = detours.some(
    (detour) =>
      activeIds.has(detour.routeId) && (detour.vehicleId === null || detour.vehicleId === report.vehicleId) && detour.covers(report.position, report.atMs),
  );
  if (detoured) return { judged: true, inside: true, insideBy: 'detour', offsetM, nearestRouteId };
  return { judged: true, inside: false, insideBy: null, offsetM, nearestRouteId };
};
