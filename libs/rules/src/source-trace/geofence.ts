import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { lineString, polygon } from '@turf/helpers';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { haversineMeters, type LatLon } from '@roadwatch/domain';

/**
 * Source-site geofences (RULES.md §13): a polygon, or a circle (*default* 200 m). Coordinates
 * of a polygon are [longitude, latitude] (GeoJSON order), outer ring first then holes, in
 * either orientation, closed or not. The geometry is @turf's.
 */
export type Geofence =
  { kind: 'polygon'; rings: ReadonlyArray<ReadonlyArray<readonly [number, number]>> } | { kind: 'circle'; centre: LatLon; radiusM?: number };

/** Where a point lies against a geofence. */
export interface FencePlacement {
  inside: boolean;
  /** Distance to the boundary (inside or out), metres. */
  boundaryDistanceM: number;
}

export interface PreparedGeofence {
  /** Loose box [minLon, minLat, maxLon, maxLat] grown by the margin it was prepared with. */
  readonly box: readonly [number, number, number, number];
  place(point: LatLon): FencePlacement;
  /** Inside the geofence grown by `marginM` (its box tells first, cheaply). */
  withinGrown(point: LatLon, marginM: number): boolean;
}

const METRES_PER_DEGREE = 111_195;

const inBox = (box: readonly [number, number, number, number], p: LatLon): boolean =>
  p.longitudeDeg >= box[0] && p.longitudeDeg <= box[2] && p.latitudeDeg >= box[1] && p.latitudeDeg <= box[3];

const grownBox = (minLon: number, minLat: number, maxLon: number, maxLat: number, marginM: number): [number, number, number, number] => {
  const padLat = marginM / METRES_PER_DEGREE;
  const padLon = padLat / Math.cos((Math.min(89, Math.max(Math.abs(minLat), Math.abs(maxLat)) + padLat) * Math.PI) / 180);
  return [minLon - padLon, minLat - padLat, maxLon + padLon, maxLat + padLat];
};

const closed = (ring: ReadonlyArray<readonly [number, number]>): Array<[number, number]> => {
  const out = ring.map(([lon, lat]) => [lon, lat] as [number, number]);
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  return out;
};

/** Why a geofence cannot be used; undefined when it can. */
export const geofenceIssue = (fence: Geofence, defaultRadiusM: number): string | undefined => {
  if (fence.kind === 'circle') {
    const r = fence.radiusM ?? defaultRadiusM;
    const c = fence.centre;
    if (!Number.isFinite(c?.latitudeDeg) || !Number.isFinite(c?.longitudeDeg)) return 'circle without a finite centre';
    return Number.isFinite(r) && r > 0 ? undefined : `circle radius ${String(r)} m is not a positive number`;
  }
  const outer = fence.rings[0];
  if (!outer) return 'polygon without rings';
  for (const ring of fence.rings) {
    if (ring.some((c) => !Array.isArray(c) || c.length < 2 || !Number.isFinite(c[0]) || !Number.isFinite(c[1]))) return 'polygon with a non-finite coordinate';
    if (new Set(ring.map(([lon, lat]) => `${lon},${lat}`)).size < 3) return 'polygon ring with fewer than 3 distinct points';
  }
  return undefined;
};

/**
 * The geofence ready for many point tests: a box test first (a report far away costs four
 * comparisons), then @turf's point-in-polygon and point-to-line distance. `marginM` is the
 * widest margin the caller will ask `withinGrown` for. Throws on a geofence `geofenceIssue` refuses.
 */
export const prepareGeofence = (fence: Geofence, defaultRadiusM: number, marginM: number): PreparedGeofence => {
  const issue = geofenceIssue(fence, defaultRadiusM);
  if (issue) throw new Error(`geofence: ${issue}`);
  if (fence.kind === 'circle') {
    const radiusM = fence.radiusM ?? defaultRadiusM;
    const { centre } = fence;
    const box = grownBox(centre.longitudeDeg, centre.latitudeDeg, centre.longitudeDeg, centre.latitudeDeg, radiusM + marginM);
    const place = (p: LatLon): FencePlacement => {
      const d = haversineMeters(centre, p);
      return { inside: d <= radiusM, boundaryDistanceM: Math.abs(radiusM - d) };
    };
    return { box, place, withinGrown: (p, m) => haversineMeters(centre, p) <= radiusM + m };
  }
  const rings = fence.rings.map(closed);
  const shape = polygon(rings);
  const boundaries = rings.map((ring) => lineString(ring));
  const all = rings.flat();
  const box = grownBox(
    Math.min(...all.map((c) => c[0])),
    Math.min(...all.map((c) => c[1])),
    Math.max(...all.map((c) => c[0])),
    Math.max(...all.map((c) => c[1])),
    marginM,
  );
  const place = (p: LatLon): FencePlacement => {
    const at: [number, number] = [p.longitudeDeg, p.latitudeDeg];
    const inside = booleanPointInPolygon(at, shape);
    const boundaryDistanceM = Math.min(...boundaries.map((line) => pointToLineDistance(at, line, { units: 'meters' })));
    return { inside, boundaryDistanceM };
  };
  return {
    box,
    place,
    withinGrown: (p, m) => {
      if (!inBox(box, p)) return false;
      const placed = place(p);
      return placed.inside || placed.boundaryDistanceM <= m;
    },
  };
};

/** Whether a point can be anywhere near the fence (inside its grown box). */
export const nearBox = (fence: PreparedGeofence, p: LatLon): boolean => inBox(fence.box, p);
