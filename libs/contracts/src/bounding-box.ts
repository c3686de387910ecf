/** [longitude, latitude] extremes of a set of points. */
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
