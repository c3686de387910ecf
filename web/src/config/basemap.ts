import type { StyleSpecification } from 'maplibre-gl';
import type { Crs } from '../geo/gcj02';
import { CHINA_REGIONS_PATH, CHINA_REGIONS_SOURCE, regionLayers } from '../map/china-regions';

/**
 * The one place the basemap is configured. Chosen at build time by Vite env variables
 * (or at run time by `window.ROADWATCH_BASEMAP`, e.g. from a deployment's index.html):
 *
 *   VITE_BASEMAP=offline                               (default: no network at all)
 *   VITE_BASEMAP=tianditu  VITE_TIANDITU_KEY=…         (天地图 vec_w + cva_w, CGCS2000)
 *   VITE_BASEMAP=xyz       VITE_BASEMAP_URL=https://…/{z}/{x}/{y}.png  [VITE_BASEMAP_CRS=gcj02]
 *   VITE_BASEMAP=style     VITE_BASEMAP_URL=https://…/style.json        [VITE_BASEMAP_CRS=gcj02]
 *
 * The CRS says how the basemap's tiles are georeferenced; data stays WGS-84 and is
 * shifted for display only when it is `gcj02` (see geo/gcj02.ts).
 */
export type BasemapConfig =
  | { kind: 'offline' }
  | { kind: 'tianditu'; key: string }
  | { kind: 'xyz'; url: string; crs: Crs; attribution?: string }
  | { kind: 'style'; url: string; crs: Crs };

export interface BasemapEnv {
  VITE_BASEMAP?: string;
  VITE_TIANDITU_KEY?: string;
  VITE_BASEMAP_URL?: string;
  VITE_BASEMAP_CRS?: string;
  VITE_BASEMAP_ATTRIBUTION?: string;
}

/** Parse the env; a misconfiguration falls back to offline with a console warning rather than a blank map. */
export const resolveBasemap = (env: BasemapEnv, warn: (msg: string) => void = () => undefined): BasemapConfig => {
  const kind = (env.VITE_BASEMAP ?? 'offline').trim();
  const crs: Crs = env.VITE_BASEMAP_CRS === 'gcj02' ? 'gcj02' : 'wgs84';
  if (kind === 'tianditu') {
    if (env.VITE_TIANDITU_KEY) return { kind, key: env.VITE_TIANDITU_KEY };
    warn('VITE_BASEMAP=tianditu needs VITE_TIANDITU_KEY; using the offline basemap');
  } else if (kind === 'xyz' || kind === 'style') {
    if (env.VITE_BASEMAP_URL) {
      return kind === 'xyz'
        ? { kind, url: env.VITE_BASEMAP_URL, crs, ...(env.VITE_BASEMAP_ATTRIBUTION ? { attribution: env.VITE_BASEMAP_ATTRIBUTION } : {}) }
        : { kind, url: env.VITE_BASEMAP_URL, crs };
    }
    warn(`VITE_BASEMAP=${kind} needs VITE_BASEMAP_URL; using the offline basemap`);
  } else if (kind !== 'offline') {
    warn(`unknown VITE_BASEMAP=${kind}; using the offline basemap`);
  }
  return { kind: 'offline' };
};

export const basemapCrs = (c: BasemapConfig): Crs => (c.kind === 'xyz' || c.kind === 'style' ? c.crs : 'wgs84');

const TIANDITU_HOSTS = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => `https://t${n}.tianditu.gov.cn`);

const rasterStyle = (sources: Array<{ id: string; tiles: string[]; attribution?: string; maxzoom?: number }>): StyleSpecification => ({
  version: 8,
  sources: Object.fromEntries(
    sources.map((s) => [
      s.id,
      { type: 'raster', tiles: s.tiles, tileSize: 256, maxzoom: s.maxzoom ?? 18, ...(s.attribution ? { attribution: s.attribution } : {}) },
    ]),
  ),
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#e8ecef' } },
    ...sources.map((s) => ({ id: s.id, type: 'raster' as const, source: s.id })),
  ],
});

/**
 * The offline style: China's provinces and prefectures (outlines, names, a fill by 重点监管
 * density; `public/basemap/china-regions.geojson`, see map/china-regions.ts) under the demo
 * area outline and corridors from `public/demo-area.geojson`. No glyphs, no sprites, no
 * tiles: the names are CJK only, which maplibre draws from the browser's local fonts
 * (`localIdeographFontFamily`). It renders without any network, which is what tests and the
 * embedded demo use.
 */
export const offlineStyle = (baseUrl: string): StyleSpecification => ({
  version: 8,
  sources: {
    [CHINA_REGIONS_SOURCE]: { type: 'geojson', data: new URL(CHINA_REGIONS_PATH, baseUrl).href },
    'demo-area': { type: 'geojson', data: new URL('demo-area.geojson', baseUrl).href },
  },
  layers: [
    { id: 'background', type: 'background', paint: { 'background-color': '#dfe9f0' } },
    ...regionLayers(),
    {
      id: 'demo-area-fill',
      type: 'fill',
      source: 'demo-area',
      filter: ['==', ['get', 'kind'], 'area'],
      paint: { 'fill-color': '#dfe8d8', 'fill-opacity': 0.35 },
    },
    {
      id: 'demo-area-outline',
      type: 'line',
      source: 'demo-area',
      filter: ['==', ['get', 'kind'], 'area'],
      paint: { 'line-color': '#7f8c8d', 'line-width': 1.5, 'line-dasharray': [3, 2] },
    },
    {
      id: 'demo-roads',
      type: 'line',
      source: 'demo-area',
      filter: ['==', ['get', 'kind'], 'road'],
      paint: { 'line-color': '#f0b35a', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 1.5, 14, 6] },
    },
  ],
});

/** A style object or URL for `new maplibregl.Map({ style })`. `baseUrl` resolves the app's own files. */
export const basemapStyle = (c: BasemapConfig, baseUrl: string): StyleSpecification | string => {
  switch (c.kind) {
    case 'offline':
      return offlineStyle(baseUrl);
    case 'tianditu':
      // *_w = Web Mercator tiles in CGCS2000: no datum shift against WGS-84 at map scale.
      return rasterStyle([
        {
          id: 'tianditu-vec',
          tiles: TIANDITU_HOSTS.map((h) => `${h}/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=${encodeURIComponent(c.key)}`),
          attribution: '© 天地图',
          maxzoom: 18,
        },
        { id: 'tianditu-cva', tiles: TIANDITU_HOSTS.map((h) => `${h}/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk=${encodeURIComponent(c.key)}`), maxzoom: 18 },
      ]);
    case 'xyz':
      return rasterStyle([{ id: 'xyz', tiles: [c.url], ...(c.attribution ? { attribution: c.attribution } : {}) }]);
    case 'style':
      return c.url;
  }
};

declare global {
  interface Window {
    ROADWATCH_BASEMAP?: BasemapEnv;
  }
}

/** The configured basemap: a run-time override wins over the build-time env. */
export const configuredBasemap = (): BasemapConfig => {
  const runtime = typeof window !== 'undefined' ? window.ROADWATCH_BASEMAP : undefined;
  return resolveBasemap(runtime ?? (import.meta.env as BasemapEnv), (m) => console.warn(`[basemap] ${m}`));
};

/** The demo area (Beijing south-west corridors of the fleet simulator), WGS-84. */
export const DEMO_CENTER: [number, number] = [116.3, 39.85];
export const DEMO_ZOOM = 9;
