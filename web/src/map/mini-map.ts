import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { basemapCrs, basemapStyle, configuredBasemap, DEMO_CENTER, DEMO_ZOOM } from '../config/basemap';
import { displayTransform, gcj02ToWgs84 } from '../geo/gcj02';
import { detached } from '../ui/dom';
import { LOCAL_CJK_FONTS } from './china-regions';

/**
 * A small map for a panel (the 货源地倒查 map, the geofence editor, the grade-C layer): the
 * configured basemap, CJK names from local fonts (no glyph server), and the one coordinate
 * rule of the app — data is WGS-84, drawn through the basemap's transform, read back through
 * its inverse (a GCJ-02 basemap's drawn vertex is stored as WGS-84).
 */
export class MiniMap {
  readonly map: MlMap;
  readonly toDisplay: (lon: number, lat: number) => [number, number];
  readonly fromDisplay: (lon: number, lat: number) => [number, number];
  private readonly ready: Promise<void>;

  constructor(container: HTMLElement) {
    const basemap = configuredBasemap();
    const crs = basemapCrs(basemap);
    this.toDisplay = displayTransform(crs);
    this.fromDisplay = crs === 'gcj02' ? gcj02ToWgs84 : (lon, lat) => [lon, lat];
    this.map = new maplibregl.Map({
      container,
      style: basemapStyle(basemap, document.baseURI),
      center: this.toDisplay(DEMO_CENTER[0], DEMO_CENTER[1]),
      zoom: DEMO_ZOOM,
      attributionControl: { compact: true },
      localIdeographFontFamily: LOCAL_CJK_FONTS,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.ready = new Promise((resolve) => this.map.once('load', () => resolve()));
    // A panel's map is often made before its panel is shown or attached: it sizes itself when the box does.
    if (typeof ResizeObserver !== 'undefined') {
      this.resizing = new ResizeObserver(() => this.map.resize());
      this.resizing.observe(container);
    }
  }

  private readonly resizing: ResizeObserver | undefined;

  /** Runs once the style is loaded (at once if it is). */
  whenLoaded(work: () => void): void {
    detached('mini map', this.ready.then(work));
  }

  /** A GeoJSON source (made on first use) with the features given in WGS-84, drawn in display coordinates. */
  setFeatures(sourceId: string, features: Feature[]): void {
    const data: FeatureCollection = { type: 'FeatureCollection', features: features.map((f) => this.displayed(f)) };
    const source = this.map.getSource<GeoJSONSource>(sourceId);
    if (source) detached(`mini map ${sourceId}`, source.setData(data));
    else this.map.addSource(sourceId, { type: 'geojson', data });
  }

  /** Frame every point given (WGS-84). */
  fit(points: ReadonlyArray<readonly [number, number]>, maxZoom = 15): void {
    if (points.length === 0) return;
    const shown = points.map(([lon, lat]) => this.toDisplay(lon, lat));
    const bounds = shown.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(shown[0], shown[0]));
    this.map.fitBounds(bounds, { padding: 40, maxZoom, duration: 0 });
  }

  private displayed(f: Feature): Feature {
    const g = f.geometry;
    const d = (p: number[]) => this.toDisplay(p[0]!, p[1]!);
    if (g.type === 'Point') return { ...f, geometry: { type: 'Point', coordinates: d(g.coordinates) } };
    if (g.type === 'LineString') return { ...f, geometry: { type: 'LineString', coordinates: g.coordinates.map(d) } };
    if (g.type === 'Polygon') return { ...f, geometry: { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(d)) } };
    return f;
  }

  destroy(): void {
    this.resizing?.disconnect();
    this.map.remove();
  }
}
