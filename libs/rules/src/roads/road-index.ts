import { speedZoneSizeIssue } from '@roadwatch/contracts';
import { boundingBoxOf, isExpresswayClass, ROAD_CLASSES, type RoadClass, type RoadSegmentLimit } from '@roadwatch/domain';
import Flatbush from 'flatbush';
import type { RoadDefaultsConfig } from '../common/rules-config';

/**
 * Road segments and speed zones for the speeding rule: a GeoJSON FeatureCollection loaded
 * into an R-tree (flatbush). Pure — the caller reads the file; this module only parses the object.
 *
 * - Polygon / MultiPolygon features are zones (a position inside the ring, outside holes).
 * - LineString / MultiLineString features are segments, matched within `bufferM` metres
 *   (property, else `defaultBufferM`).
 * Properties: `segmentId` (required), `roadClass` (required), `postedLimitKmh` (else the
 * configured default for the class), `name`, `bufferM`.
 *
 * The tree holds one entry per line segment (two consecutive points), boxed by its own ends
 * widened by the buffer, and one per polygon, boxed by its outer ring: its size follows the
 * points of the data, never the area a feature spans (a bounding-box grid grew with the area:
 * one five-point zone across China took 1.7 GB). A feature larger than the contract's
 * SPEED_ZONE_BOUNDS (points, extent) is left out and listed in `skipped` for the caller to log.
 */

export interface RoadIndexOptions extends RoadDefaultsConfig {
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

/** A feature left out of the index, and why (for the caller's log). */
export interface SkippedRoadFeature {
  segmentId: string;
  reason: string;
}

export interface RoadIndex {
  readonly features: readonly IndexedFeature[];
  /** Entries in the tree: one per line segment and one per polygon of the indexed features. */
  readonly entryCount: number;
  /** Undefined when there is nothing to index (flatbush needs at least one entry). */
  readonly tree: Flatbush | undefined;
  /** Per entry: the feature's position in `features`. */
  readonly entryFeature: Int32Array;
  /** Per entry: the polygon's position in its feature (zones), or -1 (a line segment). */
  readonly entryPolygon: Int32Array;
  /** Per entry that is a line segment: its ends, [lonA, latA, lonB, latB]. */
  readonly entrySegment: Float64Array;
  readonly skipped: readonly SkippedRoadFeature[];
  readonly unmatched: RoadSegmentLimit;
}

const METRES_PER_DEGREE = 111_195;
const toRadians = (deg: number): number => (deg * Math.PI) / 180;

const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length >= 2 && Number.isFinite(value[0]) && Number.isFinite(value[1]);

const asRing = (value: unknown, where: string): Ring => {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isPosition)) throw new Error(`${where}: expected an array of [lon, lat] positions`);
  return value.map((p) => [p[0], p[1]] as [number, number]);
};

const entriesOf = (f: IndexedFeature): number => f.polygons.filter((p) => p.length > 0).length + f.lines.reduce((n, l) => n + l.length - 1, 0);

export const buildRoadIndex = (geojson: unknown, options: RoadIndexOptions): RoadIndex => {
  const defaultBufferM = options.defaultBufferM ?? 50;
  const collection = geojson as { type?: unknown; features?: unknown };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) throw new Error('road data: expected a GeoJSON FeatureCollection');

  const features: IndexedFeature[] = [];
  const skipped: SkippedRoadFeature[] = [];
  collection.features.forEach((raw: unknown, index: number) => {
    const feature = raw as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> };
    const props = feature.properties ?? {};
    const where = `road data feature #${index}${typeof props.segmentId === 'string' ? ` (${props.segmentId})` : ''}`;
    if (typeof props.segmentId !== 'string' || props.segmentId === '') throw new Error(`${where}: segmentId missing`);
    const roadClass = props.roadClass as RoadClass;
    if (!ROAD_CLASSES.includes(roadClass)) throw new Error(`${where}: roadClass must be one of ${ROAD_CLASSES.join(', ')}`);
    const posted = props.postedLimitKmh ?? options.defaultPostedLimitKmh[roadClass];
    if (typeof posted !== 'number' || !(posted > 0)) throw new Error(`${where}: postedLimitKmh must be a positive number`);
    const limit: RoadSegmentLimit = {
      segmentId: props.segmentId,
      roadClass,
      postedLimitKmh: posted,
      ...(typeof props.name === 'string' ? { name: props.name } : {}),
    };
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
    // A well-formed feature too large for any real speed zone is left out, not refused: one
    // oversize zone in the registry must not stop every other zone from loading.
    const tooLarge = speedZoneSizeIssue([...indexed.polygons.flatMap((p) => p.flat()), ...indexed.lines.flat()]);
    if (tooLarge) skipped.push({ segmentId: props.segmentId, reason: tooLarge });
    else features.push(indexed);
  });

  const entryCount = features.reduce((n, f) => n + entriesOf(f), 0);
  const entryFeature = new Int32Array(entryCount);
  const entryPolygon = new Int32Array(entryCount);
  const entrySegment = new Float64Array(entryCount * 4);
  const tree = entryCount > 0 ? new Flatbush(entryCount) : undefined;
  features.forEach((f, featureIndex) => {
    f.polygons.forEach((polygon, polygonIndex) => {
      // A polygon without rings never matches: no entry.
      const box = polygon[0] && boundingBoxOf(polygon[0]);
      if (!box) return;
      // Inside a polygon is inside its outer ring, so the outer ring's box holds every hit.
      const entry = (tree as Flatbush).add(box.minLongitudeDeg, box.minLatitudeDeg, box.maxLongitudeDeg, box.maxLatitudeDeg);
      entryFeature[entry] = featureIndex;
      entryPolygon[entry] = polygonIndex;
    });
    const padLat = f.bufferM / METRES_PER_DEGREE;
    for (const line of f.lines) {
      for (let i = 1; i < line.length; i++) {
        const [lonA, latA] = line[i - 1] as [number, number];
        const [lonB, latB] = line[i] as [number, number];
        // A degree of longitude is shortest at the latitude farthest from the equator that a
        // matching position can have, so the box is widened by the buffer there: it never misses.
        const farthestLatDeg = Math.min(89, Math.max(Math.abs(latA), Math.abs(latB)) + padLat);
        const padLon = padLat / Math.cos(toRadians(farthestLatDeg));
        const entry = (tree as Flatbush).add(
          Math.min(lonA, lonB) - padLon,
          Math.min(latA, latB) - padLat,
          Math.max(lonA, lonB) + padLon,
          Math.max(latA, latB) + padLat,
        );
        entryFeature[entry] = featureIndex;
        entryPolygon[entry] = -1;
        entrySegment.set([lonA, latA, lonB, latB], entry * 4);
      }
    }
  });
  tree?.finish();
  const unmatched: RoadSegmentLimit = {
    segmentId: 'unmatched',
    roadClass: options.unmatchedRoadClass,
    postedLimitKmh: options.unmatchedPostedLimitKmh,
  };
  return { features, entryCount, tree, entryFeature, entryPolygon, entrySegment, skipped, unmatched };
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

/** Distance in metres from the point to the segment A–B, in a local equirectangular projection at the point. */
const distanceToSegmentM = (lon: number, lat: number, lonA: number, latA: number, lonB: number, latB: number): number => {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  const x1 = (lonA - lon) * kx,
    y1 = (latA - lat) * ky,
    x2 = (lonB - lon) * kx,
    y2 = (latB - lat) * ky;
  const dx = x2 - x1,
    dy = y2 - y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
  const px = x1 + t * dx,
    py = y1 + t * dy;
  return Math.sqrt(px * px + py * py);
};

/**
 * Every segment and zone at the position, in the order of the data (as `limitAt`'s ties read
 * it), or the configured unmatched reading when none. A line feature matches when one of its
 * segments lies within its buffer, a zone when one of its polygons holds the position.
 */
export const limitsAt = (index: RoadIndex, latitudeDeg: number, longitudeDeg: number): RoadSegmentLimit[] => {
  const hits: number[] = [];
  index.tree?.search(longitudeDeg, latitudeDeg, longitudeDeg, latitudeDeg, (entry) => {
    const featureIndex = index.entryFeature[entry] as number;
    if (hits.includes(featureIndex)) return false;
    const polygonIndex = index.entryPolygon[entry] as number;
    const f = index.features[featureIndex] as IndexedFeature;
    const s = index.entrySegment;
    const hit =
      polygonIndex >= 0
        ? insidePolygon(longitudeDeg, latitudeDeg, f.polygons[polygonIndex] as Ring[])
        : distanceToSegmentM(
            longitudeDeg,
            latitudeDeg,
            s[entry * 4] as number,
            s[entry * 4 + 1] as number,
            s[entry * 4 + 2] as number,
            s[entry * 4 + 3] as number,
          ) <= f.bufferM;
    if (hit) hits.push(featureIndex);
    // The features are collected here; the tree's own result list stays empty.
    return false;
  });
  return hits.length > 0 ? hits.sort((a, b) => a - b).map((i) => (index.features[i] as IndexedFeature).limit) : [index.unmatched];
};

/**
 * The one limit at a position. Where segments or zones overlap (an expressway through an
 * urban zone, an interchange) the doubt goes to the driver (RULES.md §8): the highest
 * posted limit; on a tie a non-expressway class (its point bands are the milder ones);
 * then the segment id, so the answer is deterministic.
 */
export const limitAt = (index: RoadIndex, latitudeDeg: number, longitudeDeg: number): RoadSegmentLimit =>
  pickDriversReading(
    limitsAt(index, latitudeDeg, longitudeDeg),
    (l) => l.postedLimitKmh,
    (l) => l,
  );

export const pickDriversReading = <T>(items: readonly T[], limitOf: (item: T) => number, roadOf: (item: T) => RoadSegmentLimit): T => {
  let best = items[0] as T;
  for (const item of items.slice(1)) {
    const a = limitOf(item),
      b = limitOf(best);
    if (a > b) best = item;
    else if (a === b) {
      const ea = isExpresswayClass(roadOf(item).roadClass),
        eb = isExpresswayClass(roadOf(best).roadClass);
      if ((!ea && eb) || (ea === eb && roadOf(item).segmentId < roadOf(best).segmentId)) best = item;
    }
  }
  return best;
};
