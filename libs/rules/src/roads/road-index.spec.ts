import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { buildRoadIndex, limitAt, limitsAt } from './road-index';

const sample = JSON.parse(readFileSync(join(import.meta.dirname, '../../data/sample-roads.geojson'), 'utf8'));
const index = buildRoadIndex(sample, DEFAULT_RULES_CONFIG.roads);

describe('road index (GeoJSON segments and zones)', () => {
  it('a point on G4 京港澳高速 is the expressway at 120', () => {
    expect(limitAt(index, 39.69, 116.13)).toMatchObject({ segmentId: 'G4-beijing-zhuozhou', roadClass: 'expressway', postedLimitKmh: 120 });
  });

  it('within the 60 m buffer of a segment matches; 100 m off does not', () => {
    // ≈ 55 m north of a G107 vertex, and ≈ 100 m.
    expect(limitAt(index, 39.68 + 55 / 111_195, 116.08).segmentId).toBe('G107-liangxiang-liulihe');
    expect(limitAt(index, 39.68 + 100 / 111_195, 116.08).segmentId).toBe('unmatched');
  });

  it('inside the urban zone is 60; outside every feature is the configured unmatched reading', () => {
    expect(limitAt(index, 39.92, 116.4)).toMatchObject({ segmentId: 'zone-beijing-core-60', roadClass: 'urban', postedLimitKmh: 60 });
    expect(limitAt(index, 30, 110)).toEqual({ segmentId: 'unmatched', roadClass: 'other', postedLimitKmh: 120 });
  });

  it('where an expressway crosses the urban zone both match, and the driver gets the higher limit', () => {
    expect(
      limitsAt(index, 39.965, 116.36)
        .map((l) => l.segmentId)
        .sort(),
    ).toEqual(['G6-beijing-changping', 'zone-beijing-core-60']);
    expect(limitAt(index, 39.965, 116.36).postedLimitKmh).toBe(100);
  });

  it('a feature without postedLimitKmh takes the configured default of its class; a bad feature is refused with its id', () => {
    const idx = buildRoadIndex(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { segmentId: 's1', roadClass: 'county' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [116, 39],
                [116.1, 39],
              ],
            },
          },
        ],
      },
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(limitAt(idx, 39, 116.05).postedLimitKmh).toBe(DEFAULT_RULES_CONFIG.roads.defaultPostedLimitKmh.county);
    expect(() =>
      buildRoadIndex(
        {
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: { segmentId: 'bad', roadClass: 'motorway' }, geometry: { type: 'Point', coordinates: [1, 2] } }],
        },
        DEFAULT_RULES_CONFIG.roads,
      ),
    ).toThrow(/bad/);
  });

  it('polygon holes are outside the zone', () => {
    const idx = buildRoadIndex(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { segmentId: 'z', roadClass: 'urban', postedLimitKmh: 40 },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0 + 116, 39],
                  [116.1, 39],
                  [116.1, 39.1],
                  [116, 39.1],
                  [116, 39],
                ],
                [
                  [116.04, 39.04],
                  [116.06, 39.04],
                  [116.06, 39.06],
                  [116.04, 39.06],
                  [116.04, 39.04],
                ],
              ],
            },
          },
        ],
      },
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(limitAt(idx, 39.02, 116.02).segmentId).toBe('z');
    expect(limitAt(idx, 39.05, 116.05).segmentId).toBe('unmatched');
  });
});

// ─── the R-tree: one entry per segment, bounded zones, today's matching ───

type Position = [number, number];
const line = (segmentId: string, coordinates: Position[], extra: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { segmentId, roadClass: 'national', postedLimitKmh: 80, ...extra },
  geometry: { type: 'LineString', coordinates },
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
// The sample's entries: G4 4 segments, G6 3, G1 3, G107 2, and the urban zone's one polygon.
const SAMPLE_ENTRIES = 4 + 3 + 3 + 2 + 1;
// The zone of issue #10 item 9: five points across China, schema-valid (every point inside China's bounds).
const chinaWide: Position[] = [
  [73.6, 18.2],
  [134.9, 18.2],
  [134.9, 53.5],
  [73.6, 53.5],
  [73.6, 18.2],
];

describe('road index: an R-tree of segments, sized by the data, not by the area it spans', () => {
  it('holds one entry per line segment and per polygon', () => {
    expect(index.entryCount).toBe(SAMPLE_ENTRIES);
    expect(index.tree?.numItems).toBe(SAMPLE_ENTRIES);
  });

  it('a zone as wide as a zone may be (5° × 5°, five points) adds its four segments, and matches along them only', () => {
    // A zigzag spanning the whole bound: under a 0.01° bounding-box grid this was 250,000 cells.
    const wide: Position[] = [
      [110, 30],
      [115, 35],
      [110, 35],
      [115, 30],
      [112.5, 32.5],
    ];
    const idx = buildRoadIndex(collection(...sample.features, line('wide', wide, { bufferM: 50 })), DEFAULT_RULES_CONFIG.roads);
    expect(idx.skipped).toEqual([]);
    expect(idx.entryCount).toBe(SAMPLE_ENTRIES + 4);
    // On the first segment's midpoint, and 0.01° (≈ 900 m) east of it; inside the box but off every segment.
    expect(limitAt(idx, 32.5, 112.5).segmentId).toBe('wide');
    expect(limitAt(idx, 32.5, 112.51).segmentId).toBe('unmatched');
    expect(limitAt(idx, 31, 111).segmentId).toBe('wide');
    expect(limitAt(idx, 31, 112).segmentId).toBe('unmatched');
    // The sample still reads as before.
    expect(limitAt(idx, 39.69, 116.13).segmentId).toBe('G4-beijing-zhuozhou');
  });

  it('a five-point zone across China is left out with its id and why; the rest loads and matches', () => {
    const idx = buildRoadIndex(
      collection(
        ...sample.features,
        line('china-wide', chinaWide),
        line('after', [
          [113.3, 23.1],
          [113.4, 23.2],
        ]),
      ),
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(idx.skipped).toEqual([{ segmentId: 'china-wide', reason: expect.stringMatching(/at most 5° of longitude and 5° of latitude.*61\.30° × 35\.30°/) }]);
    expect(idx.entryCount).toBe(SAMPLE_ENTRIES + 1);
    expect(limitAt(idx, 39.92, 116.4).segmentId).toBe('zone-beijing-core-60');
    expect(limitAt(idx, 23.15, 113.35).segmentId).toBe('after');
    expect(limitAt(idx, 18.2, 100).segmentId).toBe('unmatched');
  });

  it('the bounds: 5° and 5,000 points are in; a hair wider or one point more is out; a zone polygon is held to them too', () => {
    const many = (n: number): Position[] => Array.from({ length: n }, (_, i) => [116 + i * 0.0001, 39 + (i % 2) * 0.0001]);
    const idx = buildRoadIndex(
      collection(
        line('lat-5', [
          [110, 30],
          [110, 35],
        ]),
        line('lat-5.001', [
          [100, 30],
          [100, 35.001],
        ]),
        line('lon-5.001', [
          [100, 20],
          [105.001, 20],
        ]),
        line('points-5000', many(5_000)),
        line('points-5001', many(5_001)),
        {
          type: 'Feature',
          properties: { segmentId: 'province-zone', roadClass: 'urban', postedLimitKmh: 60 },
          geometry: { type: 'Polygon', coordinates: [chinaWide] },
        },
        {
          type: 'Feature',
          properties: { segmentId: 'multi', roadClass: 'urban', postedLimitKmh: 60 },
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [90, 40],
                [91, 40],
              ],
              [
                [96, 40],
                [97, 40],
              ],
            ],
          },
        },
      ),
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(idx.skipped.map((s) => s.segmentId)).toEqual(['lat-5.001', 'lon-5.001', 'points-5001', 'province-zone', 'multi']);
    expect(idx.skipped.find((s) => s.segmentId === 'points-5001')?.reason).toBe('a speed zone has at most 5000 points; this one has 5001');
    expect(idx.features.map((f) => f.limit.segmentId)).toEqual(['lat-5', 'points-5000']);
    expect(idx.entryCount).toBe(1 + 4_999);
  });

  it('no features, or only left-out ones: every position is unmatched', () => {
    for (const data of [collection(), collection(line('china-wide', chinaWide))]) {
      const idx = buildRoadIndex(data, DEFAULT_RULES_CONFIG.roads);
      expect(idx.entryCount).toBe(0);
      expect(limitsAt(idx, 39.9, 116.4)).toEqual([idx.unmatched]);
    }
  });

  it("overlapping features come back in the order of the data, whatever the tree's order; a feature once however many of its segments match", () => {
    // 40 crossing lines through one point (more than a tree node holds), ids against the data order.
    const crossing = Array.from({ length: 40 }, (_, i) => {
      const angle = (i / 40) * Math.PI;
      return line(`x-${String(39 - i).padStart(2, '0')}`, [
        [116 - 0.01 * Math.cos(angle), 39 - 0.01 * Math.sin(angle)],
        [116, 39],
        [116 + 0.01 * Math.cos(angle), 39 + 0.01 * Math.sin(angle)],
      ]);
    });
    const idx = buildRoadIndex(collection(...crossing), DEFAULT_RULES_CONFIG.roads);
    expect(limitsAt(idx, 39, 116).map((l) => l.segmentId)).toEqual(crossing.map((f) => f.properties.segmentId));
    // Same limit and class everywhere: the tie goes to the smallest id.
    expect(limitAt(idx, 39, 116).segmentId).toBe('x-00');
  });

  it("the buffer at the edge of China's latitudes: east of a segment's northern end, at the buffer and just past it", () => {
    // A tall segment whose northern end is at 53.5°: a degree of longitude there is 0.92 of one at its southern end.
    const idx = buildRoadIndex(
      collection(
        line(
          'north',
          [
            [122, 48.6],
            [122, 53.5],
          ],
          { bufferM: 100 },
        ),
      ),
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(idx.entryCount).toBe(1);
    const metresPerLonDeg = 111_195 * Math.cos((53.5 * Math.PI) / 180);
    expect(limitAt(idx, 53.5, 122 + 99 / metresPerLonDeg).segmentId).toBe('north');
    expect(limitAt(idx, 53.5, 122 + 101 / metresPerLonDeg).segmentId).toBe('unmatched');
    expect(limitAt(idx, 53.5 + 99 / 111_195, 122).segmentId).toBe('north');
    expect(limitAt(idx, 53.5 + 101 / 111_195, 122).segmentId).toBe('unmatched');
  });

  it('a MultiPolygon matches in any of its polygons, never in a hole; a segment of two equal points matches around the point', () => {
    const idx = buildRoadIndex(
      collection(
        {
          type: 'Feature',
          properties: { segmentId: 'mp', roadClass: 'urban', postedLimitKmh: 40 },
          geometry: {
            type: 'MultiPolygon',
            coordinates: [
              [
                [
                  [116, 39],
                  [116.1, 39],
                  [116.1, 39.1],
                  [116, 39],
                  [116, 39],
                ],
              ],
              [
                [
                  [117, 39],
                  [117.1, 39],
                  [117.1, 39.1],
                  [117, 39.1],
                  [117, 39],
                ],
                [
                  [117.04, 39.04],
                  [117.06, 39.04],
                  [117.06, 39.06],
                  [117.04, 39.06],
                  [117.04, 39.04],
                ],
              ],
              [],
            ],
          },
        },
        line(
          'dot',
          [
            [118, 39],
            [118, 39],
          ],
          { bufferM: 30 },
        ),
      ),
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(idx.entryCount).toBe(3);
    expect(limitAt(idx, 39.01, 116.09).segmentId).toBe('mp');
    expect(limitAt(idx, 39.09, 116.01).segmentId).toBe('unmatched');
    expect(limitAt(idx, 39.02, 117.02).segmentId).toBe('mp');
    expect(limitAt(idx, 39.05, 117.05).segmentId).toBe('unmatched');
    expect(limitAt(idx, 39 + 29 / 111_195, 118).segmentId).toBe('dot');
    expect(limitAt(idx, 39 + 31 / 111_195, 118).segmentId).toBe('unmatched');
  });
});

// The reading the index must keep: every feature, in the data's order, whose polyline lies within
// its buffer (equirectangular metres at the position) or one of whose polygons holds the position.
const METRES_PER_DEGREE = 111_195;
const scanDistanceM = (lon: number, lat: number, coordinates: Position[]): number => {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (let i = 1; i < coordinates.length; i++) {
    const [ax, ay] = coordinates[i - 1]!,
      [bx, by] = coordinates[i]!;
    const x1 = (ax - lon) * kx,
      y1 = (ay - lat) * METRES_PER_DEGREE,
      x2 = (bx - lon) * kx,
      y2 = (by - lat) * METRES_PER_DEGREE;
    const dx = x2 - x1,
      dy = y2 - y1,
      len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(x1 * dx + y1 * dy) / len2));
    best = Math.min(best, Math.hypot(x1 + t * dx, y1 + t * dy));
  }
  return best;
};
const scanInside = (lon: number, lat: number, ring: Position[]): boolean => {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};
type ScanFeature = { id: string; kind: 'line'; coordinates: Position[]; bufferM: number } | { id: string; kind: 'zone'; ring: Position[] };
const scan = (features: ScanFeature[], lat: number, lon: number): string[] =>
  features.filter((f) => (f.kind === 'line' ? scanDistanceM(lon, lat, f.coordinates) <= f.bufferM : scanInside(lon, lat, f.ring))).map((f) => f.id);

describe('road index: the same matches as a scan of every feature', () => {
  it('random lines, buffers and zones around Beijing and at 53° N; positions anywhere, on vertices and at buffer distance', () => {
    const region = fc.constantFrom([116, 39.8], [122, 53.3], [109, 18.3]);
    const position = (lon0: number, lat0: number) =>
      fc.tuple(fc.double({ min: lon0, max: lon0 + 0.2, noNaN: true }), fc.double({ min: lat0, max: lat0 + 0.2, noNaN: true }));
    fc.assert(
      fc.property(
        region.chain(([lon0, lat0]) =>
          fc.record({
            features: fc.array(
              fc.oneof(
                fc.record({
                  kind: fc.constant('line' as const),
                  coordinates: fc.array(position(lon0!, lat0!), { minLength: 2, maxLength: 6 }),
                  bufferM: fc.integer({ min: 5, max: 800 }),
                }),
                fc.record({ kind: fc.constant('zone' as const), ring: fc.array(position(lon0!, lat0!), { minLength: 3, maxLength: 6 }) }),
              ),
              { minLength: 1, maxLength: 25 },
            ),
            probes: fc.array(position(lon0!, lat0!), { minLength: 1, maxLength: 20 }),
            nearOffsetsM: fc.array(fc.tuple(fc.nat(), fc.double({ min: -900, max: 900, noNaN: true }), fc.boolean()), { maxLength: 20 }),
          }),
        ),
        ({ features, probes, nearOffsetsM }) => {
          const scanned: ScanFeature[] = features.map((f, i) => ({ ...f, id: `f-${i}` }) as ScanFeature);
          const idx = buildRoadIndex(
            collection(
              ...scanned.map((f) =>
                f.kind === 'line'
                  ? line(f.id, f.coordinates, { bufferM: f.bufferM })
                  : {
                      type: 'Feature',
                      properties: { segmentId: f.id, roadClass: 'urban', postedLimitKmh: 60 },
                      geometry: { type: 'Polygon', coordinates: [f.ring] },
                    },
              ),
            ),
            DEFAULT_RULES_CONFIG.roads,
          );
          // Positions a few metres either side of a vertex, north–south or east–west: where buffers end.
          const vertices = scanned.flatMap((f) => (f.kind === 'line' ? f.coordinates : f.ring));
          const near = nearOffsetsM.map(([n, offsetM, northSouth]): Position => {
            const [lon, lat] = vertices[n % vertices.length]!;
            return northSouth ? [lon, lat + offsetM / METRES_PER_DEGREE] : [lon + offsetM / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)), lat];
          });
          for (const [lon, lat] of [...probes, ...near]) {
            const expected = scan(scanned, lat, lon);
            expect(limitsAt(idx, lat, lon).map((l) => l.segmentId)).toEqual(expected.length > 0 ? expected : ['unmatched']);
          }
        },
      ),
      { seed: 20_240_910, numRuns: 300 },
    );
  });
});
