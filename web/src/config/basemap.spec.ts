import { describe, expect, it } from 'vitest';
import { basemapCrs, basemapStyle, resolveBasemap } from './basemap';

describe('basemap config', () => {
  it('defaults to the offline style, which needs no glyphs, sprites or remote tiles', () => {
    const c = resolveBasemap({});
    expect(c).toEqual({ kind: 'offline' });
    const style = basemapStyle(c, 'http://app.local/');
    if (typeof style === 'string') throw new Error('expected a style object');
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    expect(JSON.stringify(style.sources)).toContain('http://app.local/demo-area.geojson');
    expect(style.layers.some((l) => l.type === 'symbol')).toBe(false);
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
