import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { polygon as turfPolygon } from '@turf/helpers';
import { chinaDateOf, chinaMidnightMs, DAY_MS, type LatLon, type RoadClass } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';
import { localDateOf, parseTimeOfDay } from '../common/time-window';
import type { RouteLonLat } from './corridor';
import { DEFAULT_PERMITS_CONFIG, type PermitsConfig } from './permit';
import { qualifyingStretches, type RouteReport, type TrackEpisode } from './track';

/** A time window of an area ban: local [from, to), `to` < `from` wraps midnight; `days` = ISO weekdays (1 = Monday) on which an occurrence starts. */
export interface AreaBanWindow {
  from: string;
  to: string;
  days?: readonly number[];
}

/**
 * An area ban (RULES.md §11): a polygon, the classes it binds, its windows, dates and
 * (optionally) road classes. A ban without a polygon is region-wide: it binds the vehicles
 * registered in its region (`regionCode`, a 行政区划代码 prefix: a province's ban binds its
 * cities' vehicles) wherever they drive — how the configured time-window bans of RULES.md §3
 * read, per region, before they were administered here (the platform has no region boundaries).
 */
export interface AreaBan {
  banId: string;
  name: string;
  /** One ring [[lon, lat], …]; the edge is outside (§15). Absent = region-wide. */
  polygon?: readonly RouteLonLat[] | null;
  /** The region whose operators administer it; for a region-wide ban, the vehicles it binds. */
  regionCode?: string | null;
  vehicleClasses: readonly string[];
  windows: readonly AreaBanWindow[];
  /** Local dates, inclusive; absent = open-ended. */
  validFrom?: string | null;
  validTo?: string | null;
  /** The road classes it binds when named; absent or empty = every road. */
  roadClasses?: readonly RoadClass[] | null;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** 行政区划代码 or a prefix of one (省 2 digits … 县 6, 乡 9, 村 12). */
const REGION_CODE = /^\d{2,12}$/;

/** Whether a ban binds a vehicle registered in `vehicleRegionCode` by where it is registered: polygon bans bind everyone of their classes. */
export const areaBanBindsRegion = (ban: Pick<AreaBan, 'polygon' | 'regionCode'>, vehicleRegionCode: string | undefined): boolean =>
  (ban.polygon !== undefined && ban.polygon !== null) || (!!ban.regionCode && !!vehicleRegionCode && vehicleRegionCode.startsWith(ban.regionCode));

/** Why a ban cannot be used; undefined when it can (the API says this to the admin). */
export const areaBanIssue = (ban: Pick<AreaBan, 'polygon' | 'regionCode' | 'vehicleClasses' | 'windows' | 'validFrom' | 'validTo'>): string | undefined => {
  if (ban.polygon === undefined || ban.polygon === null) {
    if (!ban.regionCode || !REGION_CODE.test(ban.regionCode))
      return 'a ban needs a polygon, or a regionCode (行政区划代码 prefix) to bind the vehicles registered in that region';
  } else {
    if (!Array.isArray(ban.polygon) || ban.polygon.length < 3) return 'a ban needs a polygon of at least 3 points';
    for (const [index, point] of ban.polygon.entries()) {
      const [lon, lat] = point ?? [];
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon!) > 180 || Math.abs(lat!) > 90)
        return `polygon point ${index} is not a [longitude, latitude] pair in degrees`;
    }
    if (new Set(ban.polygon.map(([lon, lat]) => `${lon},${lat}`)).size < 3) return 'a ban needs at least 3 distinct polygon points';
  }
  if (ban.vehicleClasses.length === 0) return 'a ban binds at least one vehicle class';
  if (ban.windows.length === 0) return 'a ban needs at least one time window';
  for (const [index, w] of ban.windows.entries()) {
    if (!HH_MM.test(w.from) || !HH_MM.test(w.to)) return `window ${index}: from and to are local 'HH:MM'`;
    if (w.from === w.to) return `window ${index}: from and to are the same instant (an empty window)`;
    if (w.days && w.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return `window ${index}: days are ISO weekdays 1–7`;
  }
  if (ban.validFrom && ban.validTo && ban.validTo < ban.validFrom) return 'valid_to is before valid_from';
  return undefined;
};

/** ISO weekday (1 = Monday … 7 = Sunday) of a local date 'YYYY-MM-DD'. */
const isoWeekdayOf = (localDate: string): number => {
  const day = new Date(`${localDate}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

/** The occurrence of one of the ban's windows holding the instant: `windowIndex@startDate`; null outside every window. */
export const banOccurrenceAt = (ban: Pick<AreaBan, 'windows'>, atMs: number): string | null => {
  const todayMidnightMs = chinaMidnightMs(atMs);
  for (const [index, w] of ban.windows.entries()) {
    const fromMs = parseTimeOfDay(w.from);
    const toMs = parseTimeOfDay(w.to);
    if (fromMs === toMs) continue;
    const lengthMs = fromMs < toMs ? toMs - fromMs : DAY_MS - fromMs + toMs;
    // An occurrence starting yesterday can still run (a window wrapping midnight).
    for (const midnightMs of [todayMidnightMs - DAY_MS, todayMidnightMs]) {
      const startMs = midnightMs + fromMs;
      if (atMs < startMs || atMs >= startMs + lengthMs) continue;
      const startDate = chinaDateOf(midnightMs);
      if (w.days && w.days.length > 0 && !w.days.includes(isoWeekdayOf(startDate))) continue;
      return `${index}@${startDate}`;
    }
  }
  return null;
};

/** The inside test of a ban's polygon (the edge is outside, §15); every point is inside a region-wide ban. */
const insideTest = (polygon: AreaBan['polygon']): ((p: LatLon) => boolean) => {
  if (polygon === undefined || polygon === null) return () => true;
  const ring = polygon.map(([lon, lat]) => [lon, lat]);
  const [firstLon, firstLat] = ring[0]!;
  const [lastLon, lastLat] = ring[ring.length - 1]!;
  if (firstLon !== lastLon || firstLat !== lastLat) ring.push([firstLon!, firstLat!]);
  const shape = turfPolygon([ring]);
  return (p) => booleanPointInPolygon([p.longitudeDeg, p.latitudeDeg], shape, { ignoreBoundary: true });
};

/** `atMs`: the report at which it first counted (≥ 3 min or ≥ 1 km). */
export interface AreaBanEpisode extends TrackEpisode {
  banId: string;
  vehicleId: string;
  /** `windowIndex@local start date` of the window occurrence it happened in. */
  occurrence: string;
}

/**
 * Area bans (§11, §15): a report counts against a ban binding the vehicle's class when it lies
 * inside the polygon (the edge is outside) — anywhere, for a region-wide ban binding the vehicle's
 * registered region (`vehicleRegionCode`; a vehicle of no known region is not bound) — on a local date within the ban's dates, in an
 * occurrence of one of its windows [from, to) (a wrapping window belongs to the date it starts,
 * and `days` reads that date), and — when the ban names road classes — on a road every matching
 * segment of which is of those classes (`roadClassesAt`, the driver's reading as for the
 * configured bans; no road known → not bound). Moving time or distance between consecutive
 * moving such reports of one occurrence ≥ 3 min or ≥ 1 km is an episode. `track` holds the
 * fixed, non-drift reports (`routeReportsOf`).
 */
export const areaBanEpisodes = (input: {
  vehicleId: string;
  vehicleClass: string;
  /** The vehicle's registered region (its own, else its company's): what a region-wide ban binds. */
  vehicleRegionCode?: string;
  bans: readonly AreaBan[];
  track: readonly RouteReport[];
  motion: Pick<MotionConfig, 'movingSpeedKmh' | 'jitterM' | 'gapMs'>;
  roadClassesAt?: (point: LatLon) => readonly RoadClass[];
  config?: PermitsConfig;
}): AreaBanEpisode[] => {
  const config = input.config ?? DEFAULT_PERMITS_CONFIG;
  const episodes: AreaBanEpisode[] = [];
  for (const ban of input.bans) {
    if (!ban.vehicleClasses.includes(input.vehicleClass)) continue;
    if (areaBanIssue(ban)) continue;
    if (!areaBanBindsRegion(ban, input.vehicleRegionCode)) continue;
    const inside = insideTest(ban.polygon);
    const roadClasses = ban.roadClasses ?? [];
    const onBannedRoad = (p: LatLon): boolean => {
      if (roadClasses.length === 0) return true;
      const classes = input.roadClassesAt?.(p) ?? [];
      return classes.length > 0 && classes.every((c) => roadClasses.includes(c));
    };
    const stretches = qualifyingStretches(
      input.track,
      (report) => {
        const date = localDateOf(report.timeMs);
        if ((ban.validFrom && date < ban.validFrom) || (ban.validTo && date > ban.validTo)) return null;
        const occurrence = banOccurrenceAt(ban, report.timeMs);
        if (occurrence === null) return null;
        if (!inside(report)) return null;
        return onBannedRoad(report) ? occurrence : null;
      },
      input.motion,
      (movingMs, movingM) => movingMs >= config.areaBanMinMovingMs || movingM >= config.areaBanMinMovingM,
    );
    for (const s of stretches) {
      if (s.reachedAtMs === null) continue;
      episodes.push({
        banId: ban.banId,
        vehicleId: input.vehicleId,
        occurrence: s.key,
        startMs: s.first.timeMs,
        endMs: s.last.timeMs,
        atMs: s.reachedAtMs,
        movingMs: s.movingMs,
        movingM: Math.round(s.movingM),
        track: s.track,
      });
    }
  }
  return episodes.sort((a, b) => a.startMs - b.startMs || a.banId.localeCompare(b.banId));
};
