import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { densityFillExpression } from './region-density';
import type { KeySupervisionDensityRow } from '@roadwatch/contracts';

/**
 * The offline basemap's country: China's provinces and prefectures from
 * `public/basemap/china-regions.geojson` (built by `web/scripts/build-china-regions.ts`, WGS-84).
 * Each region is an `area` feature and a `label` point with the same properties.
 */
export interface RegionProperties {
  kind: 'area' | 'label';
  level: 'province' | 'prefecture';
  /** 6-digit GB/T 2260 code (a municipality's prefecture-level feature is a district: `110105`). */
  code: string;
  /** Chinese name as the source spells it. */
  name: string;
  /** The code the density rows use for this feature: the province's, or the prefecture's `xxxx00`. */
  densityCode: string;
}

export const CHINA_REGIONS_SOURCE = 'china-regions';
export const CHINA_REGIONS_PATH = 'basemap/china-regions.geojson';

/** Below this zoom provinces are named and coloured; from it on, prefectures. */
export const PREFECTURE_ZOOM = 6;

/**
 * CJK text is drawn by the browser from local fonts (maplibre's `localIdeographFontFamily`),
 * so labels need no glyph server. Every region name is CJK only (the asset test checks),
 * so no glyph range is ever requested.
 */
export const LOCAL_CJK_FONTS = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

export const REGION_FILL_LAYERS = { province: 'region-province-fill', prefecture: 'region-prefecture-fill' } as const;

const levelIs = (kind: RegionProperties['kind'], level: RegionProperties['level']): FilterSpecification => [
  'all',
  ['==', ['get', 'kind'], kind],
  ['==', ['get', 'level'], level],
];

const label = (level: RegionProperties['level'], zoom: { minzoom?: number; maxzoom?: number }, size: number, colour: string): LayerSpecification => ({
  id: `region-${level}-label`,
  type: 'symbol',
  source: CHINA_REGIONS_SOURCE,
  filter: levelIs('label', level),
  ...zoom,
  layout: { 'text-field': ['get', 'name'], 'text-size': size, 'text-padding': 4 },
  paint: { 'text-color': colour, 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
});

/**
 * The layers that draw the regions: a fill by 重点监管 density (provinces below
 * PREFECTURE_ZOOM, prefectures from it), prefecture outlines lighter, province outlines
 * stronger, names of provinces at low zoom and prefectures at higher zoom.
 */
export const regionLayers = (density: readonly KeySupervisionDensityRow[] = []): LayerSpecification[] => [
  {
    id: REGION_FILL_LAYERS.province,
    type: 'fill',
    source: CHINA_REGIONS_SOURCE,
    filter: levelIs('area', 'province'),
    maxzoom: PREFECTURE_ZOOM,
    paint: { 'fill-color': densityFillExpression(density, 'province'), 'fill-opacity': 0.85 },
  },
  {
    id: REGION_FILL_LAYERS.prefecture,
    type: 'fill',
    source: CHINA_REGIONS_SOURCE,
    filter: levelIs('area', 'prefecture'),
    minzoom: PREFECTURE_ZOOM,
    paint: { 'fill-color': densityFillExpression(density, 'prefecture'), 'fill-opacity': 0.85 },
  },
  {
    id: 'region-prefecture-line',
    type: 'line',
    source: CHINA_REGIONS_SOURCE,
    filter: levelIs('area', 'prefecture'),
    minzoom: 4,
    paint: { 'line-color': '#9aa5ad', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.3, 9, 1] },
  },
  {
    id: 'region-province-line',
    type: 'line',
    source: CHINA_REGIONS_SOURCE,
    filter: levelIs('area', 'province'),
    paint: { 'line-color': '#5b6770', 'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.8, 9, 2.2] },
  },
  label('province', { maxzoom: PREFECTURE_ZOOM }, 13, '#37474f'),
  label('prefecture', { minzoom: PREFECTURE_ZOOM }, 12, '#455a64'),
];
