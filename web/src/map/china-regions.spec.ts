import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { gcj02ToWgs84 } from '../geo/gcj02';
import { CHINA_REGIONS_PATH, type RegionProperties } from './china-regions';

/** The asset's budget: it is served to every map (gzip brings it to about a quarter). */
const MAX_ASSET_BYTES = 1_500_000;

const file = join(import.meta.dirname, '..', '..', 'public', CHINA_REGIONS_PATH);
const regions = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection<Geometry, RegionProperties>;
const areas = regions.features.filter((f) => f.properties.kind === 'area');
const labels = regions.features.filter((f) => f.properties.kind === 'label') as Array<Feature<{ type: 'Point'; coordinates: Position }, RegionProperties>>;
const key = (f: Feature<Geometry, RegionProperties>) => `${f.properties.level}:${f.properties.code}`;
const positions = (g: Geometry): Position[] =>
  g.type === 'Point' ? [g.coordinates] : g.type === 'Polygon' ? g.coordinates.flat() : g.type === 'MultiPolygon' ? g.coordinates.flat(2) : [];

describe('the offline basemap asset (public/basemap/china-regions.geojson)', () => {
  it('stays under its size budget', () => {
    expect(statSync(file).size).toBeLessThan(MAX_ASSET_BYTES);
  });

  it('gives every feature a GB/T 2260 code, a name, a level and a densityCode that follows from them', () => {
    expect(regions.features.length).toBeGreaterThan(0);
    for (const f of regions.features) {
      const p = f.properties;
      expect(p.code, JSON.stringify(p)).toMatch(/^\d{6}$/);
      expect(p.name.trim().length, p.code).toBeGreaterThan(0);
      expect(['province', 'prefecture']).toContain(p.level);
      if (p.level === 'province') {
        expect(p.code.endsWith('0000'), p.code).toBe(true);
        expect(p.densityCode).toBe(p.code);
      } else expect(p.densityCode).toBe(`${p.code.slice(0, 4)}00`);
    }
  });

  it('has the 34 province-level divisions, each prefecture inside a province of the file, each area once with one label', () => {
    const provinces = areas.filter((f) => f.properties.level === 'province');
    expect(provinces).toHaveLength(34);
    const provinceCodes = new Set(provinces.map((f) => f.properties.code.slice(0, 2)));
    const prefectures = areas.filter((f) => f.properties.level === 'prefecture');
    expect(prefectures.length).toBeGreaterThan(400);
    for (const f of prefectures) expect(provinceCodes.has(f.properties.code.slice(0, 2)), f.properties.code).toBe(true);
    expect(new Set(areas.map(key)).size).toBe(areas.length);
    expect(labels.map(key).sort()).toEqual(areas.map(key).sort());
    for (const f of areas) expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    expect(areas.find((f) => f.properties.code === '440100')?.properties.name).toBe('广州市');
  });

  it('names only in CJK characters, so maplibre draws every label from local fonts and never asks a glyph server', () => {
    for (const f of regions.features) expect(f.properties.name, f.properties.code).toMatch(/^[\u3400-\u9fff]+$/u);
  });

  it('lies in China in WGS-84: the source’s GCJ-02 was converted (Beijing’s centre is where WGS-84 has it)', () => {
    for (const f of regions.features)
      for (const [lon, lat] of positions(f.geometry)) {
        expect(lon).toBeGreaterThan(73);
        expect(lon).toBeLessThan(136);
        expect(lat).toBeGreaterThan(3);
        expect(lat).toBeLessThan(54);
      }
    // The source's centre of Beijing, 116.405285 / 39.904989, is AutoNavi's (GCJ-02).
    const beijing = labels.find((f) => f.properties.code === '110000')!.geometry.coordinates;
    const [wLon, wLat] = gcj02ToWgs84(116.405285, 39.904989);
    expect(Math.abs(beijing[0]! - wLon)).toBeLessThan(0.001);
    expect(Math.abs(beijing[1]! - wLat)).toBeLessThan(0.001);
    expect(Math.abs(beijing[0]! - 116.405285)).toBeGreaterThan(0.004);
  });
});
