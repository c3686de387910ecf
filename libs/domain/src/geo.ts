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

// The bounding box is the contracts' own (a speed zone's extent is bounded there, and contracts
// import nothing but zod); re-exported so domain code keeps finding it here.
export { boundingBoxOf, type BoundingBox } from '@roadwatch/contracts';
