import { z } from 'zod';
import { safeString } from './safe-string';
import { boundingBoxOf } from './bounding-box';
import { divisionCode, epochMs, wimStationKind } from './common.schema';

/**
 * Registry administration (`/v1/admin/...`, role admin): terminals, drivers, road speed
 * zones, WIM stations and 货运源头单位 source sites. A `…Dto` is what a client sends (POST
 * creates, PUT replaces the whole record); a `…Item` is what the API answers. Companies
 * and vehicles keep `companyDto` / `vehicleDto` of api.schema.ts.
 */

const registryId = safeString()
  .min(1)
  .max(64)
  .regex(/^[^\s/?#]+$/, 'no spaces, slashes, ? or #');
const text = (max: number) => safeString().min(1).max(max);

/**
 * China's bounds as RULES.md §6 states them (JT/T 809-2011 §4.5.8: longitude
 * 73.55°–135.083° E, latitude 3.85°–53.55° N), the validity bounds of a position too
 * (libs/rules `quality` config): a zone or a place outside them could never match a valid report.
 */
export const CHINA_BOUNDS = { minLongitudeDeg: 73.55, maxLongitudeDeg: 135.083, minLatitudeDeg: 3.85, maxLatitudeDeg: 53.55 } as const;
const longitudeDeg = z.number().min(CHINA_BOUNDS.minLongitudeDeg).max(CHINA_BOUNDS.maxLongitudeDeg);
const latitudeDeg = z.number().min(CHINA_BOUNDS.minLatitudeDeg).max(CHINA_BOUNDS.maxLatitudeDeg);

/** A place: both coordinates or neither. */
const withPlace = <T extends z.ZodObject>(schema: T) =>
  schema.refine((v: { latitudeDeg?: number; longitudeDeg?: number }) => (v.latitudeDeg === undefined) === (v.longitudeDeg === undefined), {
    message: 'latitudeDeg and longitudeDeg go together',
    path: ['longitudeDeg'],
  });

// ─── terminals ───

/** A terminal (SIM number) and the vehicle it is fitted to. The auth code is the gateway's: never sent, never returned. */
export const terminalDto = z.object({
  /** Digits only, padded or not: `013800000001` and `13800000001` are the same terminal (as the gateway reads them). */
  terminalId: safeString().regex(/^\d{1,20}$/, 'the SIM number: 1–20 digits'),
  vehicleId: registryId.optional(),
  manufacturerId: text(32).optional(),
  model: text(64).optional(),
});
export type TerminalDto = z.infer<typeof terminalDto>;

/** The auth code column is never part of an answer (the gateway keeps the codes it issues in its own table). */
export const terminalItem = terminalDto.extend({
  /** Its last 0x0100 (absent until it registers, and after a logout). */
  registeredAtMs: epochMs.optional(),
  /** Its last successful 0x0102. */
  lastAuthAtMs: epochMs.optional(),
  /** The plate it declared in its 0x0100 — compare with the vehicle it is bound to. */
  declaredPlate: safeString().optional(),
  declaredPlateColour: z.number().int().optional(),
});
export type TerminalItem = z.infer<typeof terminalItem>;

// ─── drivers ───

export const driverDto = z.object({
  driverId: registryId,
  name: text(100),
  companyId: registryId.optional(),
  /** 居民身份证号码: 17 digits and a check digit or X. */
  idCardNo: safeString()
    .regex(/^\d{17}[\dXx]$/, '18 characters: 17 digits and a digit or X')
    .optional(),
  /** 从业资格证 number. */
  qualificationNo: text(64).optional(),
  phone: safeString()
    .regex(/^[\d+\- ]{5,20}$/, 'digits, +, - and spaces (5–20)')
    .optional(),
});
export type DriverDto = z.infer<typeof driverDto>;
export const driverItem = driverDto;
export type DriverItem = z.infer<typeof driverItem>;

// ─── road speed zones ───

/** Road classes as migration 0001 constrains them (and libs/domain's ROAD_CLASSES). */
export const roadClass = z.enum(['expressway', 'urban_expressway', 'national', 'provincial', 'county', 'urban', 'other']);
export type RoadClassDto = z.infer<typeof roadClass>;

/**
 * How large one speed zone may be — in the registry and in the road file (libs/rules road
 * index) — so that no zone, however drawn, costs the index or a lookup more than a real one:
 * a posted limit holds for a stretch between signs (an expressway's longest uniform stretch
 * runs a few hundred km, a city's urban zone spans well under 1°).
 * - `maxPoints`: 5,000 [lon, lat] points, a 500 km road surveyed at a point every 100 m.
 * - `maxExtentDeg`: the zone's bounding box spans at most 5° of longitude and 5° of latitude
 *   (≈ 555 km north–south, 390–530 km east–west at China's road latitudes). In degrees, not
 *   km, so the check needs no distance model; it bounds each segment of the zone too.
 */
export const SPEED_ZONE_BOUNDS = { maxPoints: 5_000, maxExtentDeg: 5 } as const;

type Position = readonly [number, number];

/** Why the zone's bounding box is too wide, or undefined when it spans ≤ SPEED_ZONE_BOUNDS.maxExtentDeg both ways. */
export const speedZoneExtentIssue = (points: Iterable<Position>): string | undefined => {
  const box = boundingBoxOf(points);
  if (!box) return undefined;
  const lonSpanDeg = box.maxLongitudeDeg - box.minLongitudeDeg,
    latSpanDeg = box.maxLatitudeDeg - box.minLatitudeDeg;
  return lonSpanDeg > SPEED_ZONE_BOUNDS.maxExtentDeg || latSpanDeg > SPEED_ZONE_BOUNDS.maxExtentDeg
    ? `a speed zone spans at most ${SPEED_ZONE_BOUNDS.maxExtentDeg}° of longitude and ${SPEED_ZONE_BOUNDS.maxExtentDeg}° of latitude (≈ 400–550 km); this one spans ${lonSpanDeg.toFixed(2)}° × ${latSpanDeg.toFixed(2)}°`
    : undefined;
};

/** Why the zone is too large (points, then extent), or undefined when it fits SPEED_ZONE_BOUNDS. */
export const speedZoneSizeIssue = (points: readonly Position[]): string | undefined =>
  points.length > SPEED_ZONE_BOUNDS.maxPoints
    ? `a speed zone has at most ${SPEED_ZONE_BOUNDS.maxPoints} points; this one has ${points.length}`
    : speedZoneExtentIssue(points);

/** A posted limit along a polyline; the speeding rule matches positions within its buffer (libs/rules road index). */
export const speedZoneDto = z.object({
  segmentId: registryId,
  name: text(200).optional(),
  roadClass,
  /** Posted limit; Chinese signs range from 5 (yards) to 120 (expressways), 130 leaves room for none. */
  postedLimitKmh: z.number().min(5).max(130),
  /** [longitude, latitude] points (WGS-84), at least two, all inside China's bounds, within SPEED_ZONE_BOUNDS. */
  polyline: z
    .array(z.tuple([longitudeDeg, latitudeDeg]))
    .min(2)
    .max(SPEED_ZONE_BOUNDS.maxPoints)
    // The point count is .max's issue (and the OpenAPI maxItems); the extent is checked here,
    // only on points that are otherwise valid (a point outside China is its own issue).
    .refine((points) => speedZoneExtentIssue(points) === undefined, {
      error: (issue) => speedZoneExtentIssue(issue.input as Position[]),
      when: (payload) => payload.issues.length === 0,
    }),
});
export type SpeedZoneDto = z.infer<typeof speedZoneDto>;

export const boundingBox = z.object({ minLatitudeDeg: z.number(), minLongitudeDeg: z.number(), maxLatitudeDeg: z.number(), maxLongitudeDeg: z.number() });

export const speedZoneItem = speedZoneDto.extend({
  /** Computed by the server from the polyline. */
  bbox: boundingBox,
});
export type SpeedZoneItem = z.infer<typeof speedZoneItem>;

// ─── WIM stations ───

/** JJG 907 accuracy classes, as a percentage. */
const ACCURACY_CLASSES = [0.2, 0.5, 1, 2, 5, 10] as const;

export const wimStationDto = withPlace(
  z.object({
    stationId: registryId,
    name: text(200),
    kind: wimStationKind.default('fixed'),
    /** The source site a `site_exit` scale weighs the exits of. */
    sourceSiteId: registryId.optional(),
    accuracyClassPct: z
      .number()
      .refine((v) => (ACCURACY_CLASSES as readonly number[]).includes(v), `one of ${ACCURACY_CLASSES.join(', ')} (JJG 907)`)
      .optional(),
    regionCode: divisionCode.optional(),
    roadName: text(200).optional(),
    latitudeDeg: latitudeDeg.optional(),
    longitudeDeg: longitudeDeg.optional(),
    /** The speed range the station's accuracy class holds for. */
    validSpeedMinKmh: z.number().min(0).max(200).optional(),
    validSpeedMaxKmh: z.number().min(0).max(200).optional(),
    calibrationRef: text(200).optional(),
    /** The road through the station, [longitude, latitude] points upstream → downstream: evasion's screen lines are drawn on it (RULES.md §14). */
    corridorPolyline: z
      .array(z.tuple([longitudeDeg, latitudeDeg]))
      .min(2)
      .max(500)
      .optional(),
  }),
).refine((s) => s.validSpeedMinKmh === undefined || s.validSpeedMaxKmh === undefined || s.validSpeedMinKmh < s.validSpeedMaxKmh, {
  message: 'must be above validSpeedMinKmh',
  path: ['validSpeedMaxKmh'],
});
export type WimStationDto = z.infer<typeof wimStationDto>;
export const wimStationAdminItem = wimStationDto;
export type WimStationAdminItem = z.infer<typeof wimStationAdminItem>;

// ─── 货运源头单位 source sites ───

/** Twice the signed area of the triangle (a, b, c): its sign says on which side of a→b c lies. */
const cross = (a: Position, b: Position, c: Position): number => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
const onSegment = (a: Position, b: Position, p: Position): boolean =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
/** Whether segments a–b and c–d share a point (crossing, touching or overlapping). */
const segmentsMeet = (a: Position, b: Position, c: Position, d: Position): boolean => {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && onSegment(c, d, a)) || (d2 === 0 && onSegment(c, d, b)) || (d3 === 0 && onSegment(a, b, c)) || (d4 === 0 && onSegment(a, b, d));
};

/** A source site's polygon (RULES.md §13, WGS-84 [lon, lat]): at most this many points. */
export const GEOFENCE_MAX_POINTS = 500;

/**
 * Why a geofence ring cannot be a site's boundary, or undefined: open or closed (a last point
 * repeating the first closes it), at least 3 distinct points, no repeated point, and no edge
 * meeting another except its two neighbours at their shared corner (self-intersection).
 */
export const geofenceRingIssue = (points: readonly Position[]): string | undefined => {
  const first = points[0];
  const last = points[points.length - 1];
  const ring = first && last && points.length > 1 && first[0] === last[0] && first[1] === last[1] ? points.slice(0, -1) : [...points];
  const distinct = new Set(ring.map(([lon, lat]) => `${lon},${lat}`));
  if (distinct.size < 3) return `a geofence polygon needs at least 3 distinct points; this one has ${distinct.size}`;
  if (distinct.size < ring.length) return 'a geofence polygon repeats a point (only the closing point may repeat the first)';
  const n = ring.length;
  for (let i = 0; i < n; i += 1) {
    for (let j = i + 1; j < n; j += 1) {
      // Neighbouring edges share a corner; every other pair must not meet.
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsMeet(ring[i] as Position, ring[(i + 1) % n] as Position, ring[j] as Position, ring[(j + 1) % n] as Position))
        return `the geofence polygon intersects itself: edge ${i + 1} (point ${i + 1}→${((i + 1) % n) + 1}) meets edge ${j + 1} (point ${j + 1}→${((j + 1) % n) + 1})`;
    }
  }
  return undefined;
};

export const sourceSiteDto = withPlace(
  z.object({
    sourceSiteId: registryId,
    name: text(200),
    /** The registered company running the site, when it is one. */
    companyId: registryId.optional(),
    regionCode: divisionCode.optional(),
    address: text(300).optional(),
    latitudeDeg: latitudeDeg.optional(),
    longitudeDeg: longitudeDeg.optional(),
    /** The site's boundary (§13): a ring of [lon, lat] (WGS-84) inside China, open or closed; else a circle around the site's point. */
    geofencePolygon: z
      .array(z.tuple([longitudeDeg, latitudeDeg]))
      .min(3)
      .max(GEOFENCE_MAX_POINTS + 1)
      .refine((points) => geofenceRingIssue(points) === undefined, {
        error: (issue) => geofenceRingIssue(issue.input as Position[]),
        when: (payload) => payload.issues.length === 0,
      })
      .optional(),
    /** The circle's radius around the site's point (default 200 m, §13). */
    geofenceRadiusM: z.number().min(10).max(10_000).optional(),
    /** One of `source_site_kinds` (砂石料场, 矿山, …). */
    siteKind: registryId.optional(),
    /** 重点源头 (§13); absent → false (so a record without it reads back as it was given). */
    keySite: z.boolean().default(false),
    /** The station id of the site's own exit scale: a weighing there names the site without the track (§15). */
    exitStationId: registryId.optional(),
  }),
)
  .refine((s) => !(s.geofencePolygon && s.geofenceRadiusM !== undefined), {
    message: 'a polygon or a circle radius, not both',
    path: ['geofenceRadiusM'],
  })
  .refine((s) => s.geofenceRadiusM === undefined || s.latitudeDeg !== undefined, {
    message: 'a circle needs the site point (latitudeDeg, longitudeDeg) as its centre',
    path: ['geofenceRadiusM'],
  });
export type SourceSiteDto = z.infer<typeof sourceSiteDto>;

/** A place inside China and the both-or-neither rule, for the other registrations that name one (relay.schema.ts). */
export { latitudeDeg as chinaLatitudeDeg, longitudeDeg as chinaLongitudeDeg, withPlace };
