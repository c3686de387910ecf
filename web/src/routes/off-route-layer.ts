import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { Feature, FeatureCollection, Position } from 'geojson';
import type { AlertItem, RouteEpisodeItem, RouteItem } from '@roadwatch/contracts';
import { basemapCrs, configuredBasemap } from '../config/basemap';
import { displayTransform } from '../geo/gcj02';
import { detached } from '../ui/dom';
import { corridorPolygon, OffRouteEpisodes, stretchLine } from './off-route';

/** The map's source and layer ids of the off-route layer: the corridors in green, the stretches in red. */
export const OFF_ROUTE_LAYERS = {
  corridorSource: 'off-route-corridors',
  stretchSource: 'off-route-stretches',
  corridorFill: 'off-route-corridor-fill',
  corridorOutline: 'off-route-corridor-outline',
  stretch: 'off-route-stretch',
} as const;
export const CORRIDOR_GREEN = '#2e7d32';
export const STRETCH_RED = '#e53935';

/** What the layer reads from the API: the episodes in scope and a route's geometry. */
export interface OffRouteSource {
  routeEpisodes(query: { vehicleId?: string; kind?: 'off_route'; fromMs?: number; limit?: number }): Promise<RouteEpisodeItem[]>;
  route(routeId: string): Promise<RouteItem>;
}

/** Episodes that started this long ago are listed (a long one may still be open); `shown` keeps the recent ones. */
const EPISODES_LISTED_SINCE_MS = 24 * 3_600_000;

/** Tries after an alert for its episode to be stored by the archiver (it lands beside the live alert, not before it). */
const EPISODE_FETCH_DELAYS_MS = [300, 1_000, 2_000, 4_000];

/**
 * The live map's 偏离路线 layer (RULES.md §11, issue #16 Done-when): each open off-route episode's
 * stretch in red beside its route's corridor in green. Episodes are listed on load and fetched
 * again for a vehicle when its `off_route` alert arrives (live alerts carry no positions); a
 * route's geometry is read once from `/v1/routes/:id` in scope. Ended or aged-out episodes clear
 * on the next redraw; the operator toggles the layer.
 */
export class OffRouteLayer {
  private readonly episodes = new OffRouteEpisodes();
  private readonly routes = new Map<string, Promise<RouteItem | undefined>>();
  private readonly toDisplay = displayTransform(basemapCrs(configuredBasemap()));
  private visible = true;
  private readonly ageing: ReturnType<typeof setInterval>;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly map: MlMap,
    private readonly api: OffRouteSource,
    private readonly now: () => number = Date.now,
  ) {
    if (map.isStyleLoaded()) this.addLayers();
    else map.once('load', () => this.addLayers());
    this.reload();
    // Ageing clears old stretches; listing again catches an episode whose live alert this screen missed (reconnecting, out of view).
    this.ageing = setInterval(() => this.reload(), 30_000);
  }

  private reload(): void {
    detached(
      'off-route episodes',
      this.api
        .routeEpisodes({ kind: 'off_route', fromMs: this.now() - EPISODES_LISTED_SINCE_MS, limit: 500 })
        .then((items) => this.take(items))
        .then(() => this.redraw()),
    );
  }

  /** An alert arrived on the live feed: an `off_route` one brings its episode's newest revision. */
  alertArrived(alert: AlertItem): void {
    if (alert.rule !== 'off_route') return;
    const attempt = (i: number): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        detached(
          'off-route episode',
          this.api.routeEpisodes({ vehicleId: alert.vehicleId, kind: 'off_route', limit: 5 }).then(async (items) => {
            await this.take(items);
            // The episode's row is the alert's (same id); until its revision is stored, ask again a little later.
            const stored = items.some((e) => e.episodeId === alert.alertId && e.revision >= alert.revision);
            if (!stored && i + 1 < EPISODE_FETCH_DELAYS_MS.length) attempt(i + 1);
          }),
        );
      }, EPISODE_FETCH_DELAYS_MS[i]);
      this.timers.add(timer);
    };
    attempt(0);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const id of [OFF_ROUTE_LAYERS.corridorFill, OFF_ROUTE_LAYERS.corridorOutline, OFF_ROUTE_LAYERS.stretch])
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }

  destroy(): void {
    clearInterval(this.ageing);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async take(items: readonly RouteEpisodeItem[]): Promise<void> {
    let changed = false;
    for (const e of items) changed = this.episodes.apply(e) || changed;
    if (changed) await this.redraw();
  }

  private routeOf(routeId: string): Promise<RouteItem | undefined> {
    let known = this.routes.get(routeId);
    if (!known) {
      // A route out of scope or gone is drawn without its corridor (the stretch still shows).
      known = this.api.route(routeId).catch(() => undefined);
      this.routes.set(routeId, known);
    }
    return known;
  }

  private async redraw(): Promise<void> {
    const shown = this.episodes.shown(this.now());
    const routeIds = [...new Set(shown.flatMap((e) => (e.routeId ? [e.routeId] : [])))];
    const routes = (await Promise.all(routeIds.map((id) => this.routeOf(id)))).filter((r): r is RouteItem => r !== undefined);
    const corridors = (await Promise.all(routes.map((r) => corridorPolygon(r)))).flatMap((polygon) => (polygon ? [this.displayed(polygon)] : []));
    this.setData(OFF_ROUTE_LAYERS.corridorSource, { type: 'FeatureCollection', features: corridors });
    this.setData(OFF_ROUTE_LAYERS.stretchSource, { type: 'FeatureCollection', features: shown.map((e) => this.displayed(stretchLine(e))) });
  }

  private addLayers(): void {
    const m = this.map;
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    if (!m.getSource(OFF_ROUTE_LAYERS.corridorSource)) m.addSource(OFF_ROUTE_LAYERS.corridorSource, { type: 'geojson', data: empty });
    if (!m.getSource(OFF_ROUTE_LAYERS.stretchSource)) m.addSource(OFF_ROUTE_LAYERS.stretchSource, { type: 'geojson', data: empty });
    // Beneath the vehicles, so a vehicle on its stretch stays clickable.
    const below = m.getLayer('clusters') ? 'clusters' : undefined;
    const visibility = this.visible ? 'visible' : 'none';
    m.addLayer(
      {
        id: OFF_ROUTE_LAYERS.corridorFill,
        type: 'fill',
        source: OFF_ROUTE_LAYERS.corridorSource,
        layout: { visibility },
        paint: { 'fill-color': CORRIDOR_GREEN, 'fill-opacity': 0.25 },
      },
      below,
    );
    m.addLayer(
      {
        id: OFF_ROUTE_LAYERS.corridorOutline,
        type: 'line',
        source: OFF_ROUTE_LAYERS.corridorSource,
        layout: { visibility },
        paint: { 'line-color': CORRIDOR_GREEN, 'line-width': 2 },
      },
      below,
    );
    m.addLayer(
      {
        id: OFF_ROUTE_LAYERS.stretch,
        type: 'line',
        source: OFF_ROUTE_LAYERS.stretchSource,
        layout: { visibility, 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': STRETCH_RED, 'line-width': 5 },
      },
      below,
    );
    detached('off-route redraw', this.redraw());
  }

  private setData(sourceId: string, data: FeatureCollection): void {
    const source = this.map.getSource<GeoJSONSource>(sourceId);
    if (source) detached(`map ${sourceId}`, source.setData(data));
  }

  /** WGS-84 features through the basemap's transform (identity unless a GCJ-02 basemap). */
  private displayed<F extends Feature>(f: F): F {
    const d = (p: Position): Position => this.toDisplay(p[0]!, p[1]!);
    const g = f.geometry;
    if (g.type === 'LineString') return { ...f, geometry: { ...g, coordinates: g.coordinates.map(d) } };
    if (g.type === 'Polygon') return { ...f, geometry: { ...g, coordinates: g.coordinates.map((r) => r.map(d)) } };
    if (g.type === 'MultiPolygon') return { ...f, geometry: { ...g, coordinates: g.coordinates.map((p) => p.map((r) => r.map(d))) } };
    return f;
  }
}
