import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { FillLayerSpecification, LineLayerSpecification, SymbolLayerSpecification } from 'maplibre-gl';
import { basemapCrs, basemapStyle, offlineStyle, resolveBasemap } from './basemap';
import { PREFECTURE_ZOOM, regionLayers } from '../map/china-regions';

describe('basemap config', () => {
  it('defaults to the offline style: China’s regions and the demo area from the app itself, no glyphs, sprites or tiles, a valid style', () => {
    const c = resolveBasemap({});
    expect(c).toEqual({ kind: 'offline' });
    const style = basemapStyle(c, 'http://app.local/');
    if (typeof style === 'string') throw new Error('expected a style object');
    expect(style.sprite).toBeUndefined();
    expect(style.glyphs).toBeUndefined();
    expect(JSON.stringify(style.sources)).toContain('http://app.local/demo-area.geojson');
    expect(JSON.stringify(style.sources)).toContain('http://app.local/basemap/china-regions.geojson');
    // Every URL the style could ask for is the app's own.
    for (const url of JSON.stringify(style).match(/[a-z]+:\/\/[^"]+/g) ?? []) expect(url.startsWith('http://app.local/'), url).toBe(true);
    expect(Object.values(style.sources).every((s) => s.type === 'geojson')).toBe(true);
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('offline: province outlines stronger than prefecture ones, names per level by zoom, fills coloured by density', () => {
    const style = offlineStyle('http://app.local/');
    const layer = (id: string) => style.layers.find((l) => l.id === id)!;
    const widthAt9 = (id: string) => ((layer(id) as LineLayerSpecification).paint!['line-width'] as unknown[]).at(-1);
    expect(widthAt9('region-province-line')).toBeGreaterThan(widthAt9('region-prefecture-line') as number);
    expect(layer('region-province-label').maxzoom).toBe(PREFECTURE_ZOOM);
    expect(layer('region-prefecture-label').minzoom).toBe(PREFECTURE_ZOOM);
    expect((layer('region-province-label') as SymbolLayerSpecification).layout!['text-field']).toEqual(['get', 'name']);
    // Regions lie under the demo area and everything the map adds on top.
    expect(style.layers.findIndex((l) => l.id === 'region-province-fill')).toBeLessThan(style.layers.findIndex((l) => l.id === 'demo-area-fill'));
    const coloured = { ...style, layers: [...regionLayers([{ regionCode: '440000', level: 'province', vehicles: 3, companies: 0 }])] };
    expect(validateStyleMin(coloured)).toEqual([]);
    expect(JSON.stringify((coloured.layers[0] as FillLayerSpecification).paint!['fill-color'])).toContain('440000');
  });

  it('天地图 with a key: vec_w and cva_w raster tiles, CGCS2000 (no shift)', () => {
    const c = resolveBasemap({ VITE_BASEMAP: 'tianditu', VITE_TIANDITU_KEY: 'k&1' });
    const style = basemapStyle(c, 'http://x/');
    expect(JSON.stringify(style)).toContain('T=vec_w&x={x}&y={y}&l={z}&tk=k%261');
    expect(basemapCrs(c)).toBe('wgs84');
  });

  it('天地图 without a key falls back to offline and says why', () => {
    const warnings: string[] = [];
    expect(resolveBasemap({ VITE_BASEMAP: 'tianditu' }, (m) => warnings.push(m)).kind).toBe('offline');
    expect(warnings[0]).toContain('VITE_TIANDITU_KEY');
  });

  it('XYZ and style URLs carry their CRS', () => {
    const xyz = resolveBasemap({ VITE_BASEMAP: 'xyz', VITE_BASEMAP_URL: 'https://t/{z}/{x}/{y}.png', VITE_BASEMAP_CRS: 'gcj02' });
    expect(basemapCrs(xyz)).toBe('gcj02');
    const style = resolveBasemap({ VITE_BASEMAP: 'style', VITE_BASEMAP_URL: 'https://s/style.json' });
    expect(basemapStyle(style, 'http://x/')).toBe('https://s/style.json');
    expect(basemapCrs(style)).toBe('wgs84');
  });
});
