/**
 * Builds `web/public/basemap/china-regions.geojson`, the offline basemap's country: China's
 * provinces and prefectures (GB/T 2260 codes, Chinese names) and one label point per region.
 *
 *   npm run basemap:build
 *
 * Source: the map data of the npm package `echarts@4.9.0` (installed as `echarts-v4`;
 * Apache-2.0, see web/NOTICE): `map/json/china.json` (provinces) and `map/json/province/*.json`
 * (their prefectures; for the four municipalities, Hong Kong and Macau, their districts).
 * The data is in GCJ-02 (it descends from AutoNavi's; the region centres are AutoNavi's): it
 * is turned into WGS-84 here, the coordinates everything else in roadwatch is in. The
 * prefectures are simplified as one topology (shared borders stay shared) and each province is
 * the merge of its prefectures, so province and prefecture outlines coincide; Taiwan, whose
 * counties have no GB/T 2260 code, is its province outline. Coordinates are rounded to ~110 m.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { topology } from 'topojson-server';
import { filter, filterWeight, presimplify, quantile, simplify } from 'topojson-simplify';
import { feature, merge } from 'topojson-client';
import type { GeometryCollection, MultiPolygon as TopoMultiPolygon, Objects, Polygon as TopoPolygon, Topology } from 'topojson-specification';
import { gcj02ToWgs84 } from '../src/geo/gcj02';
import type { RegionProperties } from '../src/map/china-regions';

const require = createRequire(import.meta.url);
const mapDir = join(dirname(require.resolve('echarts-v4/package.json')), 'map', 'json');
// ECharts' own parser decodes its compact coordinate encoding, in place.
const decodeEchartsMap = require('echarts-v4/lib/coord/geo/parseGeoJson') as (json: unknown) => unknown;

/** Share of the vertices kept, those that carry the most area (Visvalingam): detail at zoom 8 against size. */
const KEEP_SHARE = 0.03;
/** Islands smaller than this (in the simplification's planar weight) are dropped. */
const MIN_RING_WEIGHT = 1e-4;
/** Decimal places kept: 3 ≈ 110 m, finer than the simplification (a pixel at zoom 10). */
const DECIMALS = 3;
/**
 * Prefectures the source names without a code: GB/T 2260's code for them. (Taiwan's
 * counties have none in GB/T 2260 — Taiwan is the one code 710000 — and are left out.)
 */
const CODES_BY_NAME: Record<string, string> = { 崇明区: '310151' };

interface SourceFeature {
  id?: string;
  properties: { id?: string; name: string; cp?: [number, number] };
  geometry: Polygon | MultiPolygon;
}

const readMap = (file: string): SourceFeature[] => {
  const json = JSON.parse(readFileSync(join(mapDir, file), 'utf8')) as { features: SourceFeature[] };
  decodeEchartsMap(json);
  return json.features;
};

const isCode = (s: string | undefined): s is string => s !== undefined && /^\d{6}$/.test(s);
const hasArea = (g: Polygon | MultiPolygon): boolean => g.coordinates.length > 0 && g.coordinates.flat(2).length > 0;

const toWgs = ([lon, lat]: Position): Position => gcj02ToWgs84(lon!, lat!);
const ringsToWgs = (g: Polygon | MultiPolygon): Polygon | MultiPolygon =>
  g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(toWgs)) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(toWgs))) };

/** Ray casting: whether a point lies inside a ring. */
const inRing = ([x, y]: Position, ring: Position[]): boolean => {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi! > y! !== yj! > y! && x! < ((xj! - xi!) * (y! - yi!)) / (yj! - yi!) + xi!) inside = !inside;
  }
  return inside;
};
/**
 * The source's neighbouring prefectures do not quite tile, so a merged province is left with
 * holes where they leave gaps. A hole is kept only where another province lies (Beijing and
 * Tianjin in Hebei): one holding another province's centre.
 */
const withoutGapHoles = (g: Polygon | MultiPolygon, otherCentres: Position[]): Polygon | MultiPolygon => {
  const keep = (poly: Position[][]) => [poly[0]!, ...poly.slice(1).filter((hole) => otherCentres.some((c) => inRing(c, hole)))];
  return g.type === 'Polygon' ? { type: 'Polygon', coordinates: keep(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(keep) };
};

const round = (n: number): number => Number(n.toFixed(DECIMALS));
const roundGeometry = (g: Polygon | MultiPolygon): Polygon | MultiPolygon =>
  g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(([x, y]) => [round(x!), round(y!)])) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(([x, y]) => [round(x!), round(y!)]))) };

/** Where a region without a centre gets its label: the middle of its largest ring's bounds. */
const boundsCentre = (g: Polygon | MultiPolygon): Position => {
  const rings = g.type === 'Polygon' ? [g.coordinates[0]!] : g.coordinates.map((p) => p[0]!);
  const largest = rings.reduce((a, b) => (b.length > a.length ? b : a));
  const xs = largest.map((p) => p[0]!);
  const ys = largest.map((p) => p[1]!);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
};

type AreaFeature = Feature<Polygon | MultiPolygon, RegionProperties>;

const areas: AreaFeature[] = [];
const labels: Feature<{ type: 'Point'; coordinates: Position }, RegionProperties>[] = [];
const skipped: string[] = [];

const add = (properties: RegionProperties, geometry: Polygon | MultiPolygon, cp: [number, number] | undefined): void => {
  const wgs = ringsToWgs(geometry);
  areas.push({ type: 'Feature', properties, geometry: wgs });
  const at = cp ? toWgs(cp) : boundsCentre(wgs);
  labels.push({ type: 'Feature', properties: { ...properties, kind: 'label' }, geometry: { type: 'Point', coordinates: [round(at[0]!), round(at[1]!)] } });
};

for (const f of readMap('china.json')) {
  const code = f.id ?? f.properties.id;
  if (!isCode(code) || !hasArea(f.geometry)) throw new Error(`province without a code or area: ${f.properties.name}`);
  add({ kind: 'area', level: 'province', code, name: f.properties.name, densityCode: code }, f.geometry, f.properties.cp);
}

for (const file of readdirSync(join(mapDir, 'province')).sort()) {
  const features = readMap(join('province', file));
  // A region may come twice: once with its code and no area, once with its area and no code.
  const codeByName = new Map(features.filter((f) => isCode(f.id)).map((f) => [f.properties.name, f.id!]));
  for (const f of features) {
    if (!hasArea(f.geometry)) continue;
    const code = isCode(f.id) ? f.id : (codeByName.get(f.properties.name) ?? CODES_BY_NAME[f.properties.name]);
    if (!code) {
      skipped.push(`${file}:${f.properties.name}`);
      continue;
    }
    const cp = f.properties.cp ?? features.find((o) => o.id === code && o.properties.cp)?.properties.cp;
    // Density is counted per prefecture (`xxxx00`): a municipality's district colours as its prefecture.
    add({ kind: 'area', level: 'prefecture', code, name: f.properties.name, densityCode: `${code.slice(0, 4)}00` }, f.geometry, cp);
  }
}

const provinces = areas.filter((f) => f.properties.level === 'province');
const prefectures = areas.filter((f) => f.properties.level === 'prefecture');
const provincesWithPrefectures = new Set(prefectures.map((f) => f.properties.code.slice(0, 2)));
const outlineOnly = provinces.filter((f) => !provincesWithPrefectures.has(f.properties.code.slice(0, 2)));
const collection = (features: AreaFeature[]): FeatureCollection<Polygon | MultiPolygon, RegionProperties> => ({ type: 'FeatureCollection', features });
const topo = topology({ prefectures: collection(prefectures), outlineOnly: collection(outlineOnly) }, 1e5) as unknown as Topology<Objects<RegionProperties>>;
const pre = presimplify(topo);
const simple = filter(simplify(pre, quantile(pre, KEEP_SHARE)), filterWeight(pre, MIN_RING_WEIGHT));
const objectOf = (name: 'prefectures' | 'outlineOnly') => simple.objects[name] as GeometryCollection<RegionProperties>;
const tidy = (f: Feature<Polygon | MultiPolygon | null, RegionProperties>): AreaFeature[] =>
  f.geometry && hasArea(f.geometry) ? [{ type: 'Feature', properties: f.properties, geometry: roundGeometry(f.geometry) }] : [];
const featuresOf = (name: 'prefectures' | 'outlineOnly'): AreaFeature[] =>
  (feature(simple, objectOf(name)) as unknown as FeatureCollection<Polygon | MultiPolygon | null, RegionProperties>).features.flatMap(tidy);
const mergedProvinces = provinces.flatMap((p) => {
  const own = objectOf('prefectures').geometries.filter((g) => (g.properties as RegionProperties).code.slice(0, 2) === p.properties.code.slice(0, 2));
  return own.length
    ? tidy({
        type: 'Feature',
        properties: p.properties,
        geometry: withoutGapHoles(
          merge(simple, own as Array<TopoPolygon | TopoMultiPolygon>),
          labels.filter((l) => l.properties.level === 'province' && l.properties.code !== p.properties.code).map((l) => l.geometry.coordinates),
        ),
      })
    : [];
});

const drawn = [...mergedProvinces, ...featuresOf('outlineOnly'), ...featuresOf('prefectures')];
// A region too small to survive the simplification (a Macau parish) keeps no label either.
const drawnKeys = new Set(drawn.map((f) => `${f.properties.level}:${f.properties.code}`));
const lost = labels.filter((l) => !drawnKeys.has(`${l.properties.level}:${l.properties.code}`));
const out: FeatureCollection = { type: 'FeatureCollection', features: [...drawn, ...labels.filter((l) => !lost.includes(l))] };
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'basemap', 'china-regions.geojson');
mkdirSync(dirname(target), { recursive: true });
const text = JSON.stringify(out);
writeFileSync(target, text);
console.log(
  `${provinces.length} provinces, ${prefectures.length} prefectures (too small to draw: ${lost.map((l) => l.properties.name).join(' ') || 'none'}) → ${target} (${(text.length / 1024).toFixed(0)} KiB); left out (no GB/T 2260 code): ${skipped.length} (${skipped.join(', ')})`,
);
