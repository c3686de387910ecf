import type { SourceSiteDto } from '@roadwatch/contracts';

/** [lon, lat], WGS-84 — as the registry stores a geofence. */
export type LonLat = [number, number];

/** A site's boundary as the editor holds it (RULES.md §13): a polygon ring, or a circle around a centre. */
export type DrawnGeofence = { kind: 'polygon'; ring: LonLat[] } | { kind: 'circle'; centre: LonLat; radiusM: number };

/** §13's circle when a site has no polygon: 200 m around its point. */
export const DEFAULT_SITE_RADIUS_M = 200;
const EARTH_RADIUS_M = 6_371_008.8;
/** 7 decimals ≈ 1 cm: what a drawn vertex can mean; more digits are the mouse's noise. */
const round7 = (v: number): number => Math.round(v * 1e7) / 1e7;

/**
 * The ring the registry stores from a drawn polygon's outer ring: open (the closing point
 * dropped, the contract takes either), rounded, consecutive duplicates (a double click) dropped.
 */
export const openRing = (closedOrOpen: ReadonlyArray<readonly number[]>): LonLat[] => {
  const out: LonLat[] = [];
  for (const p of closedOrOpen) {
    const q: LonLat = [round7(p[0]!), round7(p[1]!)];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (out.length > 1 && first && last && first[0] === last[0] && first[1] === last[1]) out.pop();
  return out;
};

/** The point `distanceM` from `from` on bearing `bearingDeg` (great circle). */
const destination = ([lon, lat]: LonLat, distanceM: number, bearingDeg: number): LonLat => {
  const δ = distanceM / EARTH_RADIUS_M;
  const θ = (bearingDeg * Math.PI) / 180;
  const φ1 = (lat * Math.PI) / 180;
  const λ1 = (lon * Math.PI) / 180;
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(δ) + Math.cos(φ1) * Math.sin(δ) * Math.cos(θ));
  const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(δ) * Math.cos(φ1), Math.cos(δ) - Math.sin(φ1) * Math.sin(φ2));
  return [round7((λ2 * 180) / Math.PI), round7((φ2 * 180) / Math.PI)];
};

/** A circle drawn as a closed ring of `steps` points, rounded like a drawn vertex (for the map: the registry keeps centre and radius). */
export const circleRing = (centre: LonLat, radiusM: number, steps = 64): LonLat[] => {
  const ring = Array.from({ length: steps }, (_, i) => destination(centre, radiusM, (360 * i) / steps));
  return [...ring, ring[0]!];
};

/**
 * A drawn circle's centre and radius: terra-draw's circle feature is a ring with the radius in
 * its properties (kilometres); the centre is the middle of the ring's extent.
 */
export const circleOfDrawn = (ring: ReadonlyArray<readonly number[]>, radiusKilometers: number): DrawnGeofence => {
  const lons = ring.map((p) => p[0]!);
  const lats = ring.map((p) => p[1]!);
  const centre: LonLat = [round7((Math.min(...lons) + Math.max(...lons)) / 2), round7((Math.min(...lats) + Math.max(...lats)) / 2)];
  return { kind: 'circle', centre, radiusM: Math.round(radiusKilometers * 1000) };
};

/** The geofence a stored site has: its polygon, else a circle around its point (its radius or §13's 200 m), else none. */
export const geofenceOfSite = (
  site: Pick<SourceSiteDto, 'geofencePolygon' | 'geofenceRadiusM' | 'latitudeDeg' | 'longitudeDeg'>,
): DrawnGeofence | undefined => {
  if (site.geofencePolygon && site.geofencePolygon.length >= 3) return { kind: 'polygon', ring: openRing(site.geofencePolygon) };
  if (site.latitudeDeg !== undefined && site.longitudeDeg !== undefined)
    return { kind: 'circle', centre: [site.longitudeDeg, site.latitudeDeg], radiusM: site.geofenceRadiusM ?? DEFAULT_SITE_RADIUS_M };
  return undefined;
};

/**
 * The whole record to PUT back with a new geofence: a polygon replaces any circle radius (the
 * site's point stays, it is where the site is listed); a circle sets the point to its centre and
 * drops any polygon. Everything else the admin did not touch is sent as it was read.
 */
export const siteWithGeofence = (site: SourceSiteDto, geofence: DrawnGeofence): SourceSiteDto => {
  const { geofencePolygon: _polygon, geofenceRadiusM: _radius, ...rest } = site;
  if (geofence.kind === 'polygon') return { ...rest, geofencePolygon: geofence.ring };
  return { ...rest, longitudeDeg: geofence.centre[0], latitudeDeg: geofence.centre[1], geofenceRadiusM: geofence.radiusM };
};
