import type { LonLat, RouteStop } from '@roadwatch/storage';

/** A route file the administrator uploaded that cannot be read: the message names what is wrong. */
export class RouteImportError extends Error {}

const lonLatOf = (value: unknown, where: string): LonLat => {
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    typeof value[0] !== 'number' ||
    typeof value[1] !== 'number' ||
    !Number.isFinite(value[0]) ||
    !Number.isFinite(value[1])
  )
    throw new RouteImportError(`${where} is not a [longitude, latitude] position`);
  const [lon, lat] = value as [number, number];
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) throw new RouteImportError(`${where} (${lon}, ${lat}) is outside [-180, 180] × [-90, 90]`);
  return [lon, lat];
};

interface Geometry {
  type?: unknown;
  coordinates?: unknown;
  geometries?: unknown;
}

/**
 * The polyline and stops of a GeoJSON document (RFC 7946): every LineString and MultiLineString
 * part, joined in document order, is the polyline; every Point a stop, in document order, named
 * by its feature's `name` property (else 站点 n) with an optional `radiusM`. Anything it cannot
 * read is refused whole, naming the feature and coordinate.
 */
export const routeFromGeoJson = (text: string): { polyline: LonLat[]; stops: RouteStop[] } => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new RouteImportError(`the GeoJSON is not JSON: ${(error as Error).message}`);
  }
  const polyline: LonLat[] = [];
  const stops: RouteStop[] = [];
  const visit = (geometry: Geometry | null | undefined, properties: Record<string, unknown>, where: string): void => {
    if (!geometry || typeof geometry !== 'object') throw new RouteImportError(`${where} has no geometry`);
    switch (geometry.type) {
      case 'LineString':
        if (!Array.isArray(geometry.coordinates)) throw new RouteImportError(`${where}: a LineString without coordinates`);
        geometry.coordinates.forEach((c, i) => polyline.push(lonLatOf(c, `${where} coordinate ${i}`)));
        return;
      case 'MultiLineString':
        if (!Array.isArray(geometry.coordinates)) throw new RouteImportError(`${where}: a MultiLineString without coordinates`);
        geometry.coordinates.forEach((part, p) => {
          if (!Array.isArray(part)) throw new RouteImportError(`${where} part ${p} is not a line`);
          part.forEach((c, i) => polyline.push(lonLatOf(c, `${where} part ${p} coordinate ${i}`)));
        });
        return;
      case 'Point': {
        const [lon, lat] = lonLatOf(geometry.coordinates, `${where} point`);
        const name = typeof properties['name'] === 'string' && properties['name'].trim() !== '' ? properties['name'].trim() : `站点 ${stops.length + 1}`;
        const radiusM = properties['radiusM'];
        stops.push({ name, lon, lat, ...(typeof radiusM === 'number' && radiusM > 0 ? { radiusM } : {}) });
        return;
      }
      case 'GeometryCollection':
        if (!Array.isArray(geometry.geometries)) throw new RouteImportError(`${where}: a GeometryCollection without geometries`);
        geometry.geometries.forEach((g, i) => visit(g as Geometry, properties, `${where} geometry ${i}`));
        return;
      default:
        throw new RouteImportError(`${where}: geometry type ${JSON.stringify(geometry.type)} is not a LineString, MultiLineString or Point`);
    }
  };
  const d = doc as { type?: unknown; features?: unknown; geometry?: unknown; properties?: unknown };
  if (d?.type === 'FeatureCollection') {
    if (!Array.isArray(d.features)) throw new RouteImportError('the FeatureCollection has no features array');
    d.features.forEach((f, i) => {
      const feature = f as { geometry?: Geometry; properties?: Record<string, unknown> | null };
      visit(feature?.geometry, feature?.properties ?? {}, `feature ${i}`);
    });
  } else if (d?.type === 'Feature') visit(d.geometry as Geometry, (d.properties as Record<string, unknown> | null) ?? {}, 'the feature');
  else visit(d as Geometry, {}, 'the geometry');
  if (polyline.length < 2) throw new RouteImportError('the GeoJSON holds no LineString or MultiLineString of at least 2 positions');
  return { polyline, stops };
};
