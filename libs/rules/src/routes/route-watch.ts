import { nearestPointOnLine } from '@turf/nearest-point-on-line';
import { lineString } from '@turf/helpers';
import { chinaDateOf, haversineMeters, type LatLon } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';
import { initialMotionState, stepMotion, type MotionState } from '../motion/motion-model';
import type { PreparedGeofence } from '../source-trace/geofence';
import { judgeAgainstCorridors, routeGeometryIssue, type CorridorJudgement, type PreparedDetour, type PreparedRoute, type RouteGeometry } from './corridor';
import { DEFAULT_ROUTES_CONFIG, type RoutesConfig } from './routes.config';
import type { RouteReport } from './track';

/**
 * Off-route episodes and 班线 stop checks (RULES.md §11, read as §15 "Routes and areas"), one
 * report at a time over a vehicle's fixed, non-drift reports in device-time order (the caller
 * filters: §15 "§11–§12 measure only fixed, non-drift reports"). Built on the corridor
 * judgement (`judgeAgainstCorridors`) and the motion model (`stepMotion`, §8: moving, gaps).
 *
 * Off-route: an *excursion* is a run of outside reports. The episode measures only moving time
 * and the distance between consecutive *moving* outside reports — a leg crossing the edge, an
 * inside interlude and an interval over the gap (5 min) add nothing. It counts when ≥ 180 s or
 * ≥ 1,000 m, at the report that reaches it (its `at`). It ends at its last outside report once
 * the reports back inside span ≥ 60 s; a shorter interlude joins two excursions into one. A
 * report no active route judges (its local date outside every route's validity) counts as back
 * inside: nothing is judged against a route that is not in force.
 *
 * 班线 stops: a stop (not the line's first or last) is *passed* when, inside the corridor, the
 * track goes from outside its radius on one side (along the line) to outside it on the other,
 * and the bracket — from the last report before to the first report beyond — is under 60 s (a
 * bracket of ≥ 60 s allows a dwell: served). An *unapproved dwell* (疑似站外上下客) is
 * consecutive still reports outside every stop, service area and depot spanning ≥ 120 s.
 */

/** A 班线 stop as `approved_routes.stops` holds it; `radiusM` absent = `stopRadiusM`. */
export interface LineStop {
  name: string;
  lon: number;
  lat: number;
  radiusM?: number | undefined;
}

export interface PreparedStop {
  index: number;
  name: string;
  centre: LatLon;
  radiusM: number;
  /** Distance along the line to the stop's nearest point, metres. */
  alongM: number;
}

/** A 班线's stops ready for many reports. */
export interface PreparedLine {
  readonly routeId: string;
  readonly stops: readonly PreparedStop[];
  /** Distance along the line to the point's nearest point on it, metres. */
  alongM(point: LatLon): number;
}

export const prepareLine = (
  route: Pick<RouteGeometry, 'routeId' | 'polyline' | 'corridorWidthM'>,
  stops: readonly LineStop[],
  config: RoutesConfig = DEFAULT_ROUTES_CONFIG,
): PreparedLine => {
  const issue = routeGeometryIssue(route);
  if (issue) throw new Error(`route ${route.routeId}: ${issue}`);
  const line = lineString(route.polyline.map(([lon, lat]) => [lon, lat]));
  const alongM = (p: LatLon): number => nearestPointOnLine(line, [p.longitudeDeg, p.latitudeDeg], { units: 'meters' }).properties.location ?? 0;
  return {
    routeId: route.routeId,
    stops: stops.map((s, index) => {
      const centre = { latitudeDeg: s.lat, longitudeDeg: s.lon };
      return { index, name: s.name, centre, radiusM: s.radiusM ?? config.stopRadiusM, alongM: alongM(centre) };
    }),
    alongM,
  };
};

/** What one vehicle's reports are judged against. */
export interface RouteWatchContext {
  routes: readonly PreparedRoute[];
  detours: readonly PreparedDetour[];
  /** The vehicle's 班线 (their stops are checked); each must also be among `routes`. */
  lines: readonly PreparedLine[];
  /** Service areas (服务区) where a dwell is no 疑似站外上下客. */
  serviceAreas?: readonly PreparedGeofence[];
  vehicleId?: string;
  config: RoutesConfig;
  motion: MotionConfig;
}

export interface OffRoutePoint {
  atMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  /** Metres beyond the nearest active corridor's edge. */
  offsetM: number;
}

export interface OffRouteEpisode {
  /** The first outside report. */
  startMs: number;
  /** The last outside report (the episode's end once it ends). */
  lastOutsideMs: number;
  /** The report at which it counted (≥ 180 s or ≥ 1,000 m); null before. */
  countedAtMs: number | null;
  movingMs: number;
  distanceM: number;
  maxOffsetM: number;
  /** The route whose corridor lay nearest at the maximum offset. */
  routeId: string | null;
  /** The outside reports, thinned evenly beyond `MAX_STRETCH_POINTS`. */
  stretch: OffRoutePoint[];
  /** The first report of the current interlude back inside; null while outside. */
  interludeStartMs: number | null;
  /** Revision last published; −1 before it counted. */
  revision: number;
  revisedAtMs: number;
  revisedDistanceM: number;
}

export interface UnapprovedDwell {
  startMs: number;
  lastMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  routeId: string;
  /** The report at which it reached 120 s; null before. */
  countedAtMs: number | null;
}

export interface RouteWatchState {
  motion: MotionState;
  /** Whether the previous report was outside (an interval counts only between two outside reports). */
  previousOutside: boolean;
  episode: OffRouteEpisode | null;
  /** Per 班线 stop: the side (−1 before, +1 beyond, along the line) and time of the last in-corridor report outside its radius. */
  stopSides: StopSide[];
  dwell: UnapprovedDwell | null;
}

export interface StopSide {
  routeId: string;
  stopIndex: number;
  side: -1 | 1;
  atMs: number;
}

export type RouteWatchEvent =
  | { kind: 'off_route'; phase: 'counted' | 'grew' | 'ended'; episode: OffRouteEpisode; atMs: number }
  | { kind: 'stop_passed'; routeId: string; stop: PreparedStop; lastBeforeMs: number; firstBeyondMs: number; bracketMs: number; atMs: number }
  | { kind: 'unapproved_dwell'; phase: 'counted' | 'ended'; dwell: UnapprovedDwell; atMs: number };

/** The stretch kept in an episode (and its alert's evidence); beyond it, every other point is dropped. */
export const MAX_STRETCH_POINTS = 1_000;

export const initialRouteWatchState = (): RouteWatchState => ({
  motion: initialMotionState(),
  previousOutside: false,
  episode: null,
  stopSides: [],
  dwell: null,
});

const thinned = (stretch: OffRoutePoint[]): OffRoutePoint[] =>
  stretch.length <= MAX_STRETCH_POINTS ? stretch : stretch.filter((_, i) => i % 2 === 0 || i === stretch.length - 1);

const stepOffRoute = (
  episode: OffRouteEpisode | null,
  previousOutside: boolean,
  report: RouteReport,
  judgement: CorridorJudgement,
  movingInterval: { ms: number; distanceM: number } | null,
  config: RoutesConfig,
): { episode: OffRouteEpisode | null; events: RouteWatchEvent[] } => {
  const outside = judgement.judged && !judgement.inside;
  if (!outside) {
    if (!episode) return { episode, events: [] };
    const interludeStartMs = episode.interludeStartMs ?? report.timeMs;
    if (report.timeMs - interludeStartMs < config.offRouteBackInsideMs) return { episode: { ...episode, interludeStartMs }, events: [] };
    // Back inside for long enough: the episode ends at its last outside report.
    const ended = { ...episode, interludeStartMs, revision: episode.revision + 1 };
    return { episode: null, events: episode.countedAtMs !== null ? [{ kind: 'off_route', phase: 'ended', episode: ended, atMs: report.timeMs }] : [] };
  }
  const point: OffRoutePoint = {
    atMs: report.timeMs,
    latitudeDeg: report.latitudeDeg,
    longitudeDeg: report.longitudeDeg,
    speedKmh: report.speedKmh,
    offsetM: judgement.offsetM,
  };
  if (!episode) {
    return {
      episode: {
        startMs: report.timeMs,
        lastOutsideMs: report.timeMs,
        countedAtMs: null,
        movingMs: 0,
        distanceM: 0,
        maxOffsetM: judgement.offsetM,
        routeId: judgement.nearestRouteId,
        stretch: [point],
        interludeStartMs: null,
        revision: -1,
        revisedAtMs: report.timeMs,
        revisedDistanceM: 0,
      },
      events: [],
    };
  }
  // Only an interval between two outside reports both moving and within the gap adds (§15).
  const adds = previousOutside && episode.interludeStartMs === null && movingInterval !== null;
  const grown: OffRouteEpisode = {
    ...episode,
    lastOutsideMs: report.timeMs,
    movingMs: episode.movingMs + (adds ? movingInterval.ms : 0),
    distanceM: episode.distanceM + (adds ? movingInterval.distanceM : 0),
    maxOffsetM: Math.max(episode.maxOffsetM, judgement.offsetM),
    routeId: judgement.offsetM > episode.maxOffsetM ? judgement.nearestRouteId : episode.routeId,
    stretch: thinned([...episode.stretch, point]),
    interludeStartMs: null,
  };
  if (grown.countedAtMs === null) {
    if (grown.movingMs < config.offRouteMinMovingMs && grown.distanceM < config.offRouteMinDistanceM) return { episode: grown, events: [] };
    const counted = { ...grown, countedAtMs: report.timeMs, revision: 0, revisedAtMs: report.timeMs, revisedDistanceM: grown.distanceM };
    return { episode: counted, events: [{ kind: 'off_route', phase: 'counted', episode: counted, atMs: report.timeMs }] };
  }
  if (grown.distanceM - grown.revisedDistanceM < config.offRouteRevisionStepM && report.timeMs - grown.revisedAtMs < config.offRouteRevisionIntervalMs)
    return { episode: grown, events: [] };
  const revised = { ...grown, revision: grown.revision + 1, revisedAtMs: report.timeMs, revisedDistanceM: grown.distanceM };
  return { episode: revised, events: [{ kind: 'off_route', phase: 'grew', episode: revised, atMs: report.timeMs }] };
};

const stepStops = (
  sides: readonly StopSide[],
  report: RouteReport,
  point: LatLon,
  activeLines: readonly { line: PreparedLine; route: PreparedRoute }[],
  config: RoutesConfig,
): { sides: StopSide[]; events: RouteWatchEvent[] } => {
  const next: StopSide[] = [];
  const events: RouteWatchEvent[] = [];
  for (const { line, route } of activeLines) {
    // Only inside the corridor (§15); outside it the line's sides are forgotten.
    if (line.stops.length < 3 || route.distanceFromLineM(point) > route.corridorWidthM) continue;
    const alongM = line.alongM(point);
    for (const stop of line.stops.slice(1, -1)) {
      const previous = sides.find((s) => s.routeId === line.routeId && s.stopIndex === stop.index);
      if (haversineMeters(point, stop.centre) <= stop.radiusM) {
        // Inside the radius: the bracket stays open.
        if (previous) next.push(previous);
        continue;
      }
      const side: -1 | 1 = alongM < stop.alongM ? -1 : 1;
      if (previous && previous.side !== side) {
        const bracketMs = report.timeMs - previous.atMs;
        if (bracketMs < config.stopMinDwellMs)
          events.push({
            kind: 'stop_passed',
            routeId: line.routeId,
            stop,
            lastBeforeMs: previous.atMs,
            firstBeyondMs: report.timeMs,
            bracketMs,
            atMs: report.timeMs,
          });
      }
      next.push({ routeId: line.routeId, stopIndex: stop.index, side, atMs: report.timeMs });
    }
  }
  return { sides: next, events };
};

const stepDwell = (
  dwell: UnapprovedDwell | null,
  report: RouteReport,
  point: LatLon,
  moving: boolean,
  activeLines: readonly { line: PreparedLine; route: PreparedRoute }[],
  ctx: RouteWatchContext,
): { dwell: UnapprovedDwell | null; events: RouteWatchEvent[] } => {
  const first = activeLines[0];
  const approvedPlace =
    first === undefined ||
    activeLines.some(({ line, route }) => route.inDepot(point) || line.stops.some((s) => haversineMeters(point, s.centre) <= s.radiusM)) ||
    (ctx.serviceAreas ?? []).some((area) => area.place(point).inside);
  if (moving || approvedPlace) {
    const ended = dwell && dwell.countedAtMs !== null ? [{ kind: 'unapproved_dwell' as const, phase: 'ended' as const, dwell, atMs: report.timeMs }] : [];
    return { dwell: null, events: ended };
  }
  const held: UnapprovedDwell = dwell
    ? { ...dwell, lastMs: report.timeMs }
    : {
        startMs: report.timeMs,
        lastMs: report.timeMs,
        latitudeDeg: report.latitudeDeg,
        longitudeDeg: report.longitudeDeg,
        routeId: first.line.routeId,
        countedAtMs: null,
      };
  if (held.countedAtMs !== null || held.lastMs - held.startMs < ctx.config.unapprovedDwellMs) return { dwell: held, events: [] };
  const counted = { ...held, countedAtMs: report.timeMs };
  return { dwell: counted, events: [{ kind: 'unapproved_dwell', phase: 'counted', dwell: counted, atMs: report.timeMs }] };
};

/** One fixed, non-drift report of the vehicle, in device-time order. */
export const stepRouteWatch = (state: RouteWatchState, report: RouteReport, ctx: RouteWatchContext): { state: RouteWatchState; events: RouteWatchEvent[] } => {
  const point: LatLon = { latitudeDeg: report.latitudeDeg, longitudeDeg: report.longitudeDeg };
  const motion = stepMotion(
    state.motion,
    { timeMs: report.timeMs, latitudeDeg: report.latitudeDeg, longitudeDeg: report.longitudeDeg, speedKmh: report.speedKmh, subject: 'vehicle' },
    ctx.motion,
  );
  const judgement = judgeAgainstCorridors(ctx.routes, ctx.detours, {
    position: point,
    atMs: report.timeMs,
    ...(ctx.vehicleId !== undefined ? { vehicleId: ctx.vehicleId } : {}),
  });
  const movingInterval =
    motion.interval?.kind === 'moving' ? { ms: motion.interval.endMs - motion.interval.startMs, distanceM: motion.interval.distanceM } : null;
  const offRoute = stepOffRoute(state.episode, state.previousOutside, report, judgement, movingInterval, ctx.config);
  const localDate = chinaDateOf(report.timeMs);
  const activeLines = ctx.lines.flatMap((line) => {
    const route = ctx.routes.find((r) => r.routeId === line.routeId);
    return route && route.activeOn(localDate) ? [{ line, route }] : [];
  });
  const stops = stepStops(state.stopSides, report, point, activeLines, ctx.config);
  const dwell = stepDwell(state.dwell, report, point, motion.moving, activeLines, ctx);
  return {
    state: {
      motion: motion.state,
      previousOutside: judgement.judged && !judgement.inside,
      episode: offRoute.episode,
      stopSides: stops.sides,
      dwell: dwell.dwell,
    },
    events: [...offRoute.events, ...stops.events, ...dwell.events],
  };
};
