import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    expect(limitsAt(index, 39.965, 116.36).map((l) => l.segmentId).sort()).toEqual(['G6-beijing-changping', 'zone-beijing-core-60']);
    expect(limitAt(index, 39.965, 116.36).postedLimitKmh).toBe(100);
  });

  it('a feature without postedLimitKmh takes the configured default of its class; a bad feature is refused with its id', () => {
    const idx = buildRoadIndex(
      { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { segmentId: 's1', roadClass: 'county' }, geometry: { type: 'LineString', coordinates: [[116, 39], [116.1, 39]] } }] },
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(limitAt(idx, 39, 116.05).postedLimitKmh).toBe(DEFAULT_RULES_CONFIG.roads.defaultPostedLimitKmh.county);
    expect(() => buildRoadIndex({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { segmentId: 'bad', roadClass: 'motorway' }, geometry: { type: 'Point', coordinates: [1, 2] } }] }, DEFAULT_RULES_CONFIG.roads)).toThrow(/bad/);
  });

  it('polygon holes are outside the zone', () => {
    const idx = buildRoadIndex(
      { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { segmentId: 'z', roadClass: 'urban', postedLimitKmh: 40 }, geometry: { type: 'Polygon', coordinates: [[[0 + 116, 39], [116.1, 39], [116.1, 39.1], [116, 39.1], [116, 39]], [[116.04, 39.04], [116.06, 39.04], [116.06, 39.06], [116.04, 39.06], [116.04, 39.04]]] } }] },
      DEFAULT_RULES_CONFIG.roads,
    );
    expect(limitAt(idx, 39.02, 116.02).segmentId).toBe('z');
    expect(limitAt(idx, 39.05, 116.05).segmentId).toBe('unmatched');
  });
});
