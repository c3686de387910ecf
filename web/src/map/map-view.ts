import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { detached } from '../ui/dom';
// maplibre resolves its worker as a sibling file of its own module at run time, which a
// bundler never sees: emit it as an asset and point maplibre at it explicitly.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection, Point } from 'geojson';
import type { Bbox, TrackPoint } from '@roadwatch/contracts';
import { basemapCrs, basemapStyle, DEMO_CENTER, DEMO_ZOOM, type BasemapConfig } from '../config/basemap';
import { displayTransform } from '../geo/gcj02';
import type { KeySupervisionDensityRow } from '@roadwatch/contracts';
import { LOCAL_CJK_FONTS, REGION_FILL_LAYERS } from './china-regions';
import { densityFillExpression } from './region-density';
import { MotionInterpolator } from './interpolate';
import { drawnStatus, type VehicleStore } from './vehicle-store';

/** Vehicle class colours (fill) — status is drawn by stroke, opacity and the alarm halo. */
export const CLASS_COLOURS = {
  tour_coach: '#1e88e5',
  long_distance_bus: '#00a676',
  hazmat: '#f57c00',
  heavy_truck: '#7b3fa0',
  other: '#78909c',
} as const;

export const STATUS_COLOURS = { moving: '#ffffff', stopped: '#37474f', offline: '#b0bec5', alarm: '#e53935' } as const;

/** The ring around a vehicle on the 重点监管 list. */
export const KEY_SUPERVISION_RING = '#ffb300';

maplibregl.setWorkerUrl(workerUrl);

const emptyFc = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** A fixed place drawn on the WIM-station or source-site layer (WGS-84). */
export interface PlaceMarker {
  id: string;
  name: string;
  lon: number;
  lat: number;
}

export type PlaceLayer = 'wim-stations' | 'source-sites';

export interface MapViewOptions {
  container: HTMLElement;
  basemap: BasemapConfig;
  store: VehicleStore;
  alarmIds: () => ReadonlySet<string>;
  /** Vehicles on the 重点监管 list (RULES.md §10): drawn with a gold ring. */
  keySupervisedIds?: () => ReadonlySet<string>;
  onVehicleClick: (vehicleId: string) => void;
  onViewportChange: (viewport: Bbox) => void;
}

/**
 * The live map: a clustered GeoJSON source of vehicles, redrawn from the motion
 * interpolator on animation frames while anything moves, plus WIM stations, source
 * sites and a playback track. Display coordinates go through the basemap's transform
 * (identity unless a GCJ-02 basemap is configured).
 */
export class MapView {
  readonly map: MlMap;
  readonly motion = new MotionInterpolator();
  private readonly toDisplay;
  private loaded = false;
  private dirty = true;
  private lastDrawMs = 0;
  private clusterMarkers = new Map<number, maplibregl.Marker>();
  private frame = 0;
  /** Place layers set before the style loaded: applied in onLoad. */
  private places = new Map<PlaceLayer, PlaceMarker[]>();
  /** 重点监管 density set before the style loaded: applied in onLoad. */
  private regionDensity: readonly KeySupervisionDensityRow[] | undefined;

  constructor(private readonly opts: MapViewOptions) {
    this.toDisplay = displayTransform(basemapCrs(opts.basemap));
    const [lon, lat] = this.toDisplay(DEMO_CENTER[0], DEMO_CENTER[1]);
    this.map = new maplibregl.Map({
      container: opts.container,
      style: basemapStyle(opts.basemap, document.baseURI),
      center: [lon, lat],
      zoom: DEMO_ZOOM,
      attributionControl: { compact: true },
      // Region names are CJK: drawn from the browser's local fonts, no glyph server.
      localIdeographFontFamily: LOCAL_CJK_FONTS,
      // Keeps the canvas readable for screenshots in tests.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.map.on('load', () => this.onLoad());
    this.map.on('moveend', () => {
      this.emitViewport();
      this.updateClusterLabels();
    });
  }

  /** Whether the basemap draws China's regions (the offline one), which density colours. */
  get hasRegions(): boolean {
    return this.opts.basemap.kind === 'offline';
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  private onLoad(): void {
    const m = this.map;
    m.addSource('vehicles', { type: 'geojson', data: emptyFc(), cluster: true, clusterMaxZoom: 11, clusterRadius: 45 });
    m.addSource('wim-stations', { type: 'geojson', data: emptyFc() });
    m.addSource('source-sites', { type: 'geojson', data: emptyFc() });
    m.addSource('track', { type: 'geojson', data: emptyFc() });
    m.addSource('track-head', { type: 'geojson', data: emptyFc() });

    m.addLayer({
      id: 'wim-stations',
      type: 'circle',
      source: 'wim-stations',
      paint: { 'circle-radius': 7, 'circle-color': '#c62828', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
    m.addLayer({
      id: 'source-sites',
      type: 'circle',
      source: 'source-sites',
      paint: { 'circle-radius': 6, 'circle-color': '#5d4037', 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    });
    m.addLayer({ id: 'track', type: 'line', source: 'track', paint: { 'line-color': '#1565c0', 'line-width': 3, 'line-opacity': 0.8 } });

    m.addLayer({
      id: 'clusters',
      type: 'circle',
      source: 'vehicles',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': ['step', ['get', 'point_count'], '#4fc3f7', 20, '#29b6f6', 100, '#0288d1'],
        'circle-radius': ['step', ['get', 'point_count'], 14, 20, 19, 100, 25],
        'circle-opacity': 0.85,
        'circle-stroke-color': ['case', ['>', ['get', 'alarms'], 0], STATUS_COLOURS.alarm, '#ffffff'],
        'circle-stroke-width': ['case', ['>', ['get', 'alarms'], 0], 3, 2],
      },
    });
    m.addLayer({
      id: 'vehicle-alarm-halo',
      type: 'circle',
      source: 'vehicles',
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'status'], 'alarm']],
      paint: { 'circle-radius': 14, 'circle-color': STATUS_COLOURS.alarm, 'circle-opacity': 0.25 },
    });
    m.addLayer({
      id: 'vehicle-key-ring',
      type: 'circle',
      source: 'vehicles',
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'key'], 1]],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 9, 14, 13],
        'circle-color': KEY_SUPERVISION_RING,
        'circle-opacity': 0.15,
        'circle-stroke-color': KEY_SUPERVISION_RING,
        'circle-stroke-width': 3,
      },
    });
    m.addLayer({
      id: 'vehicle-points',
      type: 'circle',
      source: 'vehicles',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 5, 14, 8],
        'circle-color': ['match', ['get', 'cls'], ...Object.entries(CLASS_COLOURS).flat(), CLASS_COLOURS.other] as unknown as string,
        'circle-opacity': ['match', ['get', 'status'], 'offline', 0.4, 1],
        'circle-stroke-color': ['match', ['get', 'status'], ...Object.entries(STATUS_COLOURS).flat(), '#ffffff'] as unknown as string,
        'circle-stroke-width': ['match', ['get', 'status'], 'alarm', 3, 'stopped', 2, 1.5],
      },
    });
    m.addLayer({
      id: 'track-head',
      type: 'circle',
      source: 'track-head',
      paint: { 'circle-radius': 8, 'circle-color': '#ffeb3b', 'circle-stroke-color': '#1565c0', 'circle-stroke-width': 3 },
    });

    m.on('click', 'vehicle-points', (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') this.opts.onVehicleClick(id);
    });
    m.on('click', 'clusters', (e) => {
      const f = e.features?.[0];
      const clusterId = f?.properties?.cluster_id;
      if (typeof clusterId !== 'number' || f?.geometry.type !== 'Point') return;
      const center = f.geometry.coordinates as [number, number];
      detached(
        'map cluster',
        m
          .getSource<GeoJSONSource>('vehicles')!
          .getClusterExpansionZoom(clusterId)
          .then((zoom) => m.easeTo({ center, zoom })),
      );
    });
    for (const layer of ['vehicle-points', 'clusters']) {
      m.on('mouseenter', layer, () => (m.getCanvas().style.cursor = 'pointer'));
      m.on('mouseleave', layer, () => (m.getCanvas().style.cursor = ''));
    }
    m.on('sourcedata', (e) => {
      if (e.sourceId === 'vehicles' && e.isSourceLoaded) this.updateClusterLabels();
    });
    this.loaded = true;
    for (const [layer, items] of this.places) this.setPlaces(layer, items);
    if (this.regionDensity) this.setRegionDensity(this.regionDensity);
    this.emitViewport();
    this.loop();
  }

  /** Feed a batch's fixes into the interpolator; the frame loop draws the glide. */
  moved(vehicleIds: Iterable<string>, nowMs: number): void {
    for (const id of vehicleIds) {
      const fix = this.opts.store.byId.get(id)?.fix;
      if (fix) this.motion.update(id, this.toDisplay(fix.lon, fix.lat), nowMs);
    }
    this.dirty = true;
  }

  /**
   * Colour the offline basemap's provinces and prefectures by 重点监管 density. A basemap
   * without the regions (online tiles) has no such layers: nothing to colour.
   */
  setRegionDensity(rows: readonly KeySupervisionDensityRow[]): void {
    this.regionDensity = rows;
    if (!this.loaded) return;
    for (const level of ['province', 'prefecture'] as const) {
      if (this.map.getLayer(REGION_FILL_LAYERS[level])) this.map.setPaintProperty(REGION_FILL_LAYERS[level], 'fill-color', densityFillExpression(rows, level));
    }
  }

  /** Status or membership changed (alerts, list load): redraw on the next frame. */
  invalidate(): void {
    this.dirty = true;
  }

  private loop = (): void => {
    this.frame = requestAnimationFrame(this.loop);
    const now = performance.now();
    const animating = this.motion.isAnimating(now);
    if (!this.dirty && !animating) return;
    // Re-clustering thousands of points every frame is costly: cap the redraw rate by fleet size.
    const minGapMs = this.opts.store.byId.size > 3000 ? 150 : this.opts.store.byId.size > 500 ? 60 : 30;
    if (now - this.lastDrawMs < minGapMs) return;
    this.lastDrawMs = now;
    this.dirty = false;
    this.draw(now);
  };

  private draw(now: number): void {
    const alarms = this.opts.alarmIds();
    const keyListed = this.opts.keySupervisedIds?.() ?? new Set<string>();
    const wall = Date.now();
    const features: FeatureCollection<Point>['features'] = [];
    for (const v of this.opts.store.byId.values()) {
      if (!v.fix) continue;
      const pos = this.motion.position(v.vehicleId, now) ?? this.toDisplay(v.fix.lon, v.fix.lat);
      const status = drawnStatus(v, alarms, wall);
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: pos },
        properties: {
          id: v.vehicleId,
          plate: v.plate,
          cls: v.vehicleClass,
          status,
          alarm: status === 'alarm' ? 1 : 0,
          key: keyListed.has(v.vehicleId) ? 1 : 0,
        },
      });
    }
    this.setSourceData('vehicles', { type: 'FeatureCollection', features });
  }

  /** Cluster counts as HTML markers: the offline basemap has no glyph server for symbol text. */
  private updateClusterLabels(): void {
    if (!this.loaded) return;
    const seen = new Set<number>();
    for (const f of this.map.querySourceFeatures('vehicles', { filter: ['has', 'point_count'] })) {
      const id = f.properties?.cluster_id as number | undefined;
      if (id === undefined || seen.has(id) || f.geometry.type !== 'Point') continue;
      seen.add(id);
      const lngLat = f.geometry.coordinates as [number, number];
      const existing = this.clusterMarkers.get(id);
      if (existing) {
        existing.setLngLat(lngLat);
        existing.getElement().textContent = String(f.properties?.point_count_abbreviated ?? f.properties?.point_count);
        continue;
      }
      const el = document.createElement('div');
      el.className = 'cluster-label';
      el.textContent = String(f.properties?.point_count_abbreviated ?? f.properties?.point_count);
      this.clusterMarkers.set(id, new maplibregl.Marker({ element: el }).setLngLat(lngLat).addTo(this.map));
    }
    for (const [id, marker] of this.clusterMarkers) {
      if (!seen.has(id)) {
        marker.remove();
        this.clusterMarkers.delete(id);
      }
    }
  }

  private emitViewport(): void {
    const b = this.map.getBounds();
    // Subscribe a little wider than the screen so vehicles entering the view are already known.
    const padLon = (b.getEast() - b.getWest()) * 0.25;
    const padLat = (b.getNorth() - b.getSouth()) * 0.25;
    const clamp = (v: number, lim: number) => Math.max(-lim, Math.min(lim, v));
    this.opts.onViewportChange({
      west: clamp(b.getWest() - padLon, 180),
      south: clamp(b.getSouth() - padLat, 90),
      east: clamp(b.getEast() + padLon, 180),
      north: clamp(b.getNorth() + padLat, 90),
    });
  }

  setLayerVisible(layerId: 'wim-stations' | 'source-sites' | 'vehicles', visible: boolean): void {
    const ids = layerId === 'vehicles' ? ['clusters', 'vehicle-alarm-halo', 'vehicle-key-ring', 'vehicle-points'] : [layerId];
    for (const id of ids) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
    if (layerId === 'vehicles') for (const m of this.clusterMarkers.values()) m.getElement().style.display = visible ? '' : 'none';
  }

  /** Replace a place layer's points (WIM stations or source sites from the API). */
  setPlaces(layer: PlaceLayer, items: PlaceMarker[]): void {
    this.places.set(layer, items);
    if (!this.loaded) return;
    this.setSourceData(layer, {
      type: 'FeatureCollection',
      features: items.map((p) => ({
        type: 'Feature',
        properties: { id: p.id, name: p.name },
        geometry: { type: 'Point', coordinates: this.toDisplay(p.lon, p.lat) },
      })),
    });
  }

  showTrack(points: TrackPoint[]): void {
    const coords = points.map((p) => this.toDisplay(p.longitudeDeg, p.latitudeDeg));
    this.setSourceData('track', {
      type: 'FeatureCollection',
      features: coords.length > 1 ? [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } }] : [],
    });
    if (coords.length > 0) {
      const bounds = coords.reduce((b, c) => b.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0]));
      this.map.fitBounds(bounds, { padding: 80, maxZoom: 14, duration: 500 });
    }
  }

  /** setData hands the features to the map's worker; a refused update is logged, and the next one draws again. */
  private setSourceData(sourceId: string, data: Parameters<GeoJSONSource['setData']>[0]): void {
    const source = this.map.getSource<GeoJSONSource>(sourceId);
    if (source) detached(`map ${sourceId}`, source.setData(data));
  }

  showTrackHead(p: TrackPoint | undefined): void {
    this.setSourceData(
      'track-head',
      p
        ? {
            type: 'FeatureCollection',
            features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: this.toDisplay(p.longitudeDeg, p.latitudeDeg) } }],
          }
        : emptyFc(),
    );
  }

  clearTrack(): void {
    this.showTrack([]);
    this.showTrackHead(undefined);
  }

  flyTo(lon: number, lat: number): void {
    this.map.easeTo({ center: this.toDisplay(lon, lat), zoom: Math.max(this.map.getZoom(), 13) });
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.map.remove();
  }
}
