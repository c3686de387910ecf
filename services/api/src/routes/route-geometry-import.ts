import { kml as kmlToGeoJson } from '@tmcw/togeojson';
import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import type { LonLat, RouteStop } from '@roadwatch/storage';

/** A route file the administrator uploaded that cannot be read: the message names what is wrong. */
export class RouteImportError extends Error {
  constructor(
    message: string,
    /** The request field the bad file came in. */
    readonly field: 'body.geojson' | 'body.kml' = 'body.geojson',
  ) {
    super(message);
  }
}

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
  return routeFromGeoJsonValue(doc, 'GeoJSON', (i) => `feature ${i}`);
};

const routeFromGeoJsonValue = (
  doc: unknown,
  format: 'GeoJSON' | 'KML',
  featureLabel: (index: number, properties: Record<string, unknown>) => string,
): { polyline: LonLat[]; stops: RouteStop[] } => {
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
      const properties = feature?.properties ?? {};
      visit(feature?.geometry, properties, featureLabel(i, properties));
    });
  } else if (d?.type === 'Feature') visit(d.geometry as Geometry, (d.properties as Record<string, unknown> | null) ?? {}, 'the feature');
  else visit(d as Geometry, {}, 'the geometry');
  if (polyline.length < 2) throw new RouteImportError(`the ${format} holds no LineString or MultiLineString of at least 2 positions`);
  return { polyline, stops };
};

/** The DOM document @tmcw/togeojson reads (xmldom's is the same shape; the API has no DOM lib). */
type KmlDocument = Parameters<typeof kmlToGeoJson>[0];

/** The encoding an XML declaration names, if any (`<?xml version="1.0" encoding="GBK"?>`). */
const declaredXmlEncoding = (text: string): string | undefined => /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];

/**
 * The polyline and stops of a KML file (Google Earth and friends), read by @tmcw/togeojson over
 * @xmldom/xmldom: every Placemark in document order, through Folders; LineStrings (also inside a
 * MultiGeometry) are the polyline, Points the stops, named by the Placemark's `<name>` (CDATA
 * too) with an optional `radiusM` from its ExtendedData. The text must be UTF-8 as uploaded: a
 * leading BOM is dropped, but a file declaring another encoding (GBK, GB2312…) or holding bytes
 * that did not decode (U+FFFD) is refused, since its names would be garbled — re-save it as UTF-8.
 */
export const routeFromKml = (text: string): { polyline: LonLat[]; stops: RouteStop[] } => {
  try {
    return readKml(text);
  } catch (error) {
    if (error instanceof RouteImportError) throw new RouteImportError(error.message, 'body.kml');
    throw error;
  }
};

const readKml = (text: string): { polyline: LonLat[]; stops: RouteStop[] } => {
  const withoutBom = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const encoding = declaredXmlEncoding(withoutBom);
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding))
    throw new RouteImportError(`the KML declares encoding ${JSON.stringify(encoding)}; only UTF-8 is read — save the file as UTF-8 and upload it again`);
  const garbled = withoutBom.indexOf('\uFFFD');
  if (garbled >= 0)
    throw new RouteImportError(`the KML is not valid UTF-8 (an undecodable byte near character ${garbled}); save the file as UTF-8 and upload it again`);
  let xml: KmlDocument;
  try {
    xml = new DOMParser({ onError: onErrorStopParsing }).parseFromString(withoutBom, 'text/xml') as unknown as KmlDocument;
  } catch (error) {
    throw new RouteImportError(`the KML is not well-formed XML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = xml.documentElement;
  if (!root || root.localName !== 'kml') throw new RouteImportError(`the file is not KML: its root element is <${root?.nodeName ?? 'none'}>, not <kml>`);
  const collection = kmlToGeoJson(xml);
  for (const feature of collection.features) {
    const properties = (feature.properties ?? {}) as Record<string, unknown>;
    // ExtendedData values arrive as text; a numeric radius is taken as metres.
    const radius = properties['radiusM'];
    if (typeof radius === 'string' && radius.trim() !== '' && Number.isFinite(Number(radius))) properties['radiusM'] = Number(radius);
    feature.properties = properties;
  }
  return routeFromGeoJsonValue(collection, 'KML', (i, properties) =>
    typeof properties['name'] === 'string' ? `placemark ${i} (${JSON.stringify(properties['name'])})` : `placemark ${i}`,
  );
};
