import { z } from 'zod';
import { divisionCode, epochMs } from './common.schema';
import { freeText, safeJsonObject, safeString } from './safe-string';

/**
 * Approved routes over HTTP (`/v1/routes/…`, RULES.md §11, issue #16): 班线 with ordered stops,
 * 包车 trips, hazmat e-waybill routes and 大件 permits; the vehicles bound to each, operator-
 * approved detour windows, and the off-route / 班线 stop episodes the detector found.
 */

export const approvedRouteKind = z.enum(['scheduled_line', 'charter', 'hazmat_waybill', 'oversize_permit']);

/** [longitude, latitude], WGS-84 degrees (GeoJSON order). */
export const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const routeStop = z.object({
  name: freeText().min(1).max(100),
  lon: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
  radiusM: z.number().positive().max(5_000).optional(),
});

export const routeDepot = z.union([
  z.object({
    kind: z.literal('circle'),
    centre: z.object({ latitudeDeg: z.number().min(-90).max(90), longitudeDeg: z.number().min(-180).max(180) }),
    radiusM: z.number().positive().max(20_000),
  }),
  z.object({ kind: z.literal('polygon'), ring: z.array(lonLat).min(3).max(1_000) }),
]);

const localDate = safeString().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');
const clock = safeString().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM');

/**
 * A route as its administrator gives it. The geometry is `polyline` (and `stops`), or a
 * GeoJSON document in `geojson` or a KML document in `kml` (LineString / MultiLineString → the
 * polyline, Points → the stops in document order; KML as UTF-8 text) — one of the three.
 */
export const routeRequest = z
  .object({
    kind: approvedRouteKind,
    name: freeText().min(1).max(200),
    referenceNo: safeString().max(100).optional(),
    companyId: safeString().min(1).optional(),
    regionCode: divisionCode.optional(),
    polyline: z.array(lonLat).min(2).max(20_000).optional(),
    geojson: freeText().max(5_000_000).optional(),
    kml: freeText().max(5_000_000).optional(),
    corridorWidthM: z.number().int().min(1).max(255).default(200),
    depots: z.array(routeDepot).max(50).default([]),
    stops: z.array(routeStop).max(200).default([]),
    validFrom: localDate.optional(),
    validTo: localDate.optional(),
    allowedHours: z
      .array(z.object({ from: clock, to: clock }))
      .max(10)
      .optional(),
    declared: z
      .object({
        grossKg: z.number().positive().optional(),
        axles: z.number().int().positive().optional(),
        lengthMm: z.number().positive().optional(),
        widthMm: z.number().positive().optional(),
        heightMm: z.number().positive().optional(),
      })
      .optional(),
  })
  .refine((r) => [r.polyline, r.geojson, r.kml].filter((g) => g !== undefined).length === 1, {
    message: 'give the geometry as polyline, geojson or kml, one of the three',
  })
  .refine((r) => !r.validFrom || !r.validTo || r.validTo >= r.validFrom, { message: 'validTo is before validFrom' });
export type RouteRequest = z.infer<typeof routeRequest>;
/** A route as a client writes it (defaults may be left out). */
export type RouteRequestInput = z.input<typeof routeRequest>;

export const routeItem = z.object({
  routeId: safeString(),
  kind: approvedRouteKind,
  name: safeString(),
  referenceNo: safeString().optional(),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  polyline: z.array(lonLat),
  corridorWidthM: z.number().int(),
  depots: z.array(routeDepot),
  stops: z.array(routeStop),
  validFrom: safeString().optional(),
  validTo: safeString().optional(),
  allowedHours: z.array(z.object({ from: safeString(), to: safeString() })).optional(),
  declared: safeJsonObject().optional(),
  source: safeString(),
  vehicleIds: z.array(safeString()),
  /** The user who saved it first (the audit log has every change). */
  createdBy: safeString().optional(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
  retiredAtMs: epochMs.optional(),
});
export type RouteItem = z.infer<typeof routeItem>;

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const routeListQuery = z.object({
  kind: approvedRouteKind.optional(),
  vehicleId: safeString().min(1).optional(),
  includeRetired: flag.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const routeVehiclesRequest = z.object({ vehicleIds: z.array(safeString().min(1)).max(500) });

export const routeDetourRequest = z
  .object({
    vehicleId: safeString().min(1).optional(),
    fromMs: epochMs,
    toMs: epochMs,
    polygon: z.array(lonLat).min(3).max(1_000).optional(),
    comment: freeText().min(1).max(500),
  })
  .refine((d) => d.toMs > d.fromMs, { message: 'toMs must be after fromMs' });
export type RouteDetourRequest = z.input<typeof routeDetourRequest>;

export const routeDetourItem = z.object({
  detourId: safeString(),
  routeId: safeString(),
  vehicleId: safeString().optional(),
  fromMs: epochMs,
  toMs: epochMs,
  polygon: z.array(lonLat).optional(),
  comment: freeText(),
  approvedBy: safeString(),
  createdAtMs: epochMs,
});
export type RouteDetourItem = z.infer<typeof routeDetourItem>;

export const routeEpisodeKind = z.enum(['off_route', 'stop_passed', 'unapproved_dwell']);

export const routeEpisodeQuery = z.object({
  vehicleId: safeString().min(1).optional(),
  routeId: safeString().min(1).optional(),
  kind: routeEpisodeKind.optional(),
  fromMs: z.coerce.number().int().min(0).optional(),
  toMs: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const routeEpisodeItem = z.object({
  episodeId: safeString(),
  kind: routeEpisodeKind,
  vehicleId: safeString(),
  plate: safeString().optional(),
  routeId: safeString().optional(),
  startedAtMs: epochMs,
  endedAtMs: epochMs.optional(),
  countedAtMs: epochMs.optional(),
  maxOffsetM: z.number().optional(),
  offRouteM: z.number().optional(),
  /** [longitude, latitude, device time ms, metres beyond the corridor] per outside report. */
  stretch: z.array(z.tuple([z.number(), z.number(), z.number(), z.number()])),
  details: safeJsonObject(),
  revision: z.number().int(),
  /** When the detector last revised it (the live map ages a stretch out by it). */
  updatedAtMs: epochMs,
});
export type RouteEpisodeItem = z.infer<typeof routeEpisodeItem>;
