import { boundingBoxOf, isExpresswayClass, ROAD_CLASSES, type RoadClass, type RoadSegmentLimit } from '@roadwatch/domain';
import type { RoadDefaultsConfig } from '../common/rules-config';

/**
 * Road segments and speed zones for the speeding rule: a GeoJSON FeatureCollection loaded
 * into a grid index. Pure — the caller reads the file; this module only parses the object.
 *
 * - Polygon / MultiPolygon features are zones (a position inside the ring, outside holes).
 * - LineString / MultiLineString features are segments, matched within `bufferM` metres
 *   (property, else `defaultBufferM`).
 * Properties: `segmentId` (required), `roadClass` (required), `postedLimitKmh` (else the
 * configured default for the class), `name`, `bufferM`.
 */

export interface RoadIndexOptions extends RoadDefaultsConfig {
  /** Grid cell size in degrees (0.01° ≈ 1.1 km north–south). */
  cellDeg?: number;
  defaultBufferM?: number;
}

type Ring = Array<[number, number]>;

interface IndexedFeature {
  limit: RoadSegmentLimit;
  kind: 'zone' | 'segment';
  /** Zones: polygons as [outer, ...holes]; segments: polylines. Coordinates [lon, lat]. */
  polygons: Ring[][];
  lines: Ring[];
  bufferM: number;
}

export interface RoadIndex {
  readonly cellDeg: number;
  readonly features: readonly IndexedFeature[];
  readonly cells: ReadonlyMap<number, readonly number[]>;
  readonly unmatched: RoadSegmentLimit;
}

const METRES_PER_DEGREE = 111_195;
const cellKey = (ix: number, iy: number): number => ix * 100_000 + iy;

const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length >= 2 && Number.isFinite(value[0]) && Number.isFinite(value[1]);

const asRing = (value: unknown, where: string): Ring => {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isPosition)) throw new Error(`${where}: expected an array of [lon, lat] positions`);
  return value.map((p) => [p[0], p[1]] as [number, number]);
};

export const buildRoadIndex = (geojson: unknown, options: RoadIndexOptions): RoadIndex => {
  const cellDeg = options.cellDeg ?? 0.01;
  const defaultBufferM = options.defaultBufferM ?? 50;
  const collection = geojson as { type?: unknown; features?: unknown };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) throw new Error('road data: expected a GeoJSON FeatureCollection');

  const features: IndexedFeature[] = [];
  const cells = new Map<number, number[]>();
  collection.features.forEach((raw: unknown, index: number) => {
    const feature = raw as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> };
    const props = feature.properties ?? {};
    const where = `road data feature #${index}${typeof props.segmentId === 'string' ? ` (${props.segmentId})` : ''}`;
    if (typeof props.segmentId !== 'string' || props.segmentId === '') throw new Error(`${where}: segmentId missing`);
    const roadClass = props.roadClass as RoadClass;
    if (!ROAD_CLASSES.includes(roadClass)) throw new Error(`${where}: roadClass must be one of ${ROAD_CLASSES.join(', ')}`);
    const posted = props.postedLimitKmh ?? options.defaultPostedLimitKmh[roadClass];
    if (typeof posted !== 'number' || !(posted > 0)) throw new Error(`${where}: postedLimitKmh must be a positive number`);
    const limit: RoadSegmentLimit = { segmentId: props.segmentId, roadClass, postedLimitKmh: posted, ...(typeof props.name === 'string' ? { name: props.name } : {}) };
    const bufferM = typeof props.bufferM === 'number' ? props.bufferM : defaultBufferM;
    const geometry = feature.geometry ?? {};
    const coords = geometry.coordinates;
    let indexed: IndexedFeature;
    switch (geometry.type) {
      case 'Polygon':
        indexed = { limit, kind: 'zone', polygons: [(coords as unknown[]).map((r) => asRing(r, where))], lines: [], bufferM: 0 };
        break;
      case 'MultiPolygon':
        indexed = { limit, kind: 'zone', polygons: (coords as unknown[][]).map((p) => p.map((r) => asRing(r, where))), lines: [], bufferM: 0 };
        break;
      case 'LineString':
        indexed = { limit, kind: 'segment', polygons: [], lines: [asRing(coords, where)], bufferM };
        break;
      case 'MultiLineString':
        indexed = { limit, kind: 'segment', polygons: [], lines: (coords as unknown[]).map((l) => asRing(l, where)), bufferM };
        break;
      default:
        throw new Error(`${where}: geometry must be Polygon, MultiPolygon, LineString or MultiLineString`);
    }
    // Bounding box, widened by the buffer, decides the cells the feature sits in.
    const box = boundingBoxOf([...indexed.polygons.flatMap((p) => p.flat()), ...indexed.lines.flat()]);
    // A polygon without rings has no box, so no cell: it never matches.
    const { minLongitudeDeg: minLon, maxLongitudeDeg: maxLon, minLatitudeDeg: minLat, maxLatitudeDeg: maxLat } = box ?? { minLongitudeDeg: Infinity, maxLongitudeDeg: -Infinity, minLatitudeDeg: Infinity, maxLatitudeDeg: -Infinity };
    const padLat = indexed.bufferM / METRES_PER_DEGREE;
    const padLon = padLat / Math.max(0.01, Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180));
    const featureIndex = features.length;
    features.push(indexed);
    for (let ix = Math.floor((minLon - padLon) / cellDeg); ix <= Math.floor((maxLon + padLon) / cellDeg); ix++) {
      for (let iy = Math.floor((minLat - padLat) / cellDeg); iy <= Math.floor((maxLat + padLat) / cellDeg); iy++) {
        const key = cellKey(ix, iy);
        const list = cells.get(key);
        if (list) list.push(featureIndex);
        else cells.set(key, [featureIndex]);
      }
    }
  });
  const unmatched: RoadSegmentLimit = {
    segmentId: 'unmatched',
    roadClass: options.unmatchedRoadClass,
    postedLimitKmh: options.unmatchedPostedLimitKmh,
  };
  return { cellDeg, features, cells, unmatched };
};

const insideRing = (lon: number, lat: number, ring: Ring): boolean => {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const insidePolygon = (lon: number, lat: number, polygon: Ring[]): boolean =>
  polygon.length > 0 && insideRing(lon, lat, polygon[0] as Ring) && !polygon.slice(1).some((hole) => insideRing(lon, lat, hole));

/** Distance in metres from the point to the polyline, in a local equirectangular projection. */
export const distanceToLineM = (lon: number, lat: number, line: Ring): number => {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1] as [number, number];
    const [bx, by] = line[i] as [number, number];
    const x1 = (ax - lon) * kx, y1 = (ay - lat) * ky, x2 = (bx - lon) * kx, y2 = (by - lat) * ky;
    const dx = x2 - x1, dy = y2 - y1;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
    const px = x1 + t * dx, py = y1 + t * dy;
    best = Math.min(best, Math.sqrt(px * px + py * py));
  }
  return best;
};

/** Every segment and zone at the position, or the configured unmatched reading when none. */
export const limitsAt = (index: RoadIndex, latitudeDeg: number, longitudeDeg: number): RoadSegmentLimit[] => {
  const candidates = index.cells.get(cellKey(Math.floor(longitudeDeg / index.cellDeg), Math.floor(latitudeDeg / index.cellDeg)));
  const result: RoadSegmentLimit[] = [];
  if (candidates) {
    for (const i of candidates) {
      const f = index.features[i] as IndexedFeature;
      const hit = f.kind === 'zone'
        ? f.polygons.some((p) => insidePolygon(longitudeDeg, latitudeDeg, p))
        : f.lines.some((l) => distanceToLineM(longitudeDeg, latitudeDeg, l) <= f.bufferM);
      if (hit) result.push(f.limit);
    }
  }
  return result.length > 0 ? result : [index.unmatched];
};

/**
 * The one limit at a position. Where segments or zones overlap (an expressway through an
 * urban zone, an interchange) the doubt goes to the driver (RULES.md §8): the highest
 * posted limit; on a tie a non-expressway class (its point bands are the milder ones);
 * then the segment id, so the answer is deterministic.
 */
export const limitAt = (index: RoadIndex, latitudeDeg: number, longitudeDeg: number): RoadSegmentLimit =>
  pickDriversReading(limitsAt(index, latitudeDeg, longitudeDeg), (l) => l.postedLimitKmh, (l) => l);

export const pickDriversReading = <T>(items: readonly T[], limitOf: (item: T) => number, roadOf: (item: T) => RoadSegmentLimit): T => {
  let best = items[0] as T;
  for (const item of items.slice(1)) {
    const a = limitOf(item), b = limitOf(best);
    if (a > b) best = item;
    else if (a === b) {
      const ea = isExpresswayClass(roadOf(item).roadClass), eb = isExpresswayClass(roadOf(best).roadClass);
      if ((!ea && eb) || (ea === eb && roadOf(item).segmentId < roadOf(best).segmentId)) best = item;
    }
  }
  return best;
};
