const EARTH_RADIUS_M = 6_371_008.8;
const toRadians = (deg: number): number => (deg * Math.PI) / 180;

export interface LatLon {
  latitudeDeg: number;
  longitudeDeg: number;
}

/** Great-circle distance; accurate to well under GPS jitter at road scales. */
export const haversineMeters = (a: LatLon, b: LatLon): number => {
  const dLat = toRadians(b.latitudeDeg - a.latitudeDeg);
  const dLon = toRadians(b.longitudeDeg - a.longitudeDeg);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.latitudeDeg)) * Math.cos(toRadians(b.latitudeDeg)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
};

export interface BoundingBox {
  minLatitudeDeg: number;
  minLongitudeDeg: number;
  maxLatitudeDeg: number;
  maxLongitudeDeg: number;
}

/** The bounding box of [longitude, latitude] points (GeoJSON order); undefined for none. */
export const boundingBoxOf = (points: Iterable<readonly [number, number]>): BoundingBox | undefined => {
  let minLon = Infinity,
    maxLon = -Infinity,
    minLat = Infinity,
    maxLat = -Infinity;
  for (const [lon, lat] of points) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return minLon === Infinity ? undefined : { minLatitudeDeg: minLat, minLongitudeDeg: minLon, maxLatitudeDeg: maxLat, maxLongitudeDeg: maxLon };
};
