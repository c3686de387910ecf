import { lineString } from '@turf/helpers';
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson';
import type { RouteEpisodeItem, RouteItem } from '@roadwatch/contracts';

/**
 * An off-route stretch stays on the live map this long after its newest position when no final
 * revision (the episode's end) arrives — a vehicle that went silent off its line.
 */
export const OFF_ROUTE_SHOWN_MS = 30 * 60_000;

/** The newest device time of the stretch (its positions are `[lon, lat, deviceTimeMs, offsetM]`). */
const lastSeenMs = (e: RouteEpisodeItem): number => e.stretch.reduce((latest, p) => Math.max(latest, p[2]), e.startedAtMs);

const ended = (e: RouteEpisodeItem): boolean => e.endedAtMs !== undefined || e.details['closed'] === true;

/**
 * The open off-route episodes the live map draws (RULES.md §11, issue #16), fed the episodes the
 * API lists (on load, and again as each `off_route` alert arrives): an older revision never
 * replaces a newer one; an ended episode, or one whose newest position is older than
 * `OFF_ROUTE_SHOWN_MS`, is no longer drawn. Pure state over plain data.
 */
export class OffRouteEpisodes {
  private readonly byId = new Map<string, RouteEpisodeItem>();

  /** Whether the episode changed what is kept. */
  apply(episode: RouteEpisodeItem): boolean {
    if (episode.kind !== 'off_route') return false;
    const existing = this.byId.get(episode.episodeId);
    if (existing && existing.revision >= episode.revision) return false;
    this.byId.set(episode.episodeId, episode);
    return true;
  }

  /** The revision kept of an episode (undefined: none yet). */
  revisionOf(episodeId: string): number | undefined {
    return this.byId.get(episodeId)?.revision;
  }

  /** The episodes to draw at `nowMs`: open, recent, with a position; the rest forgotten. */
  shown(nowMs: number): RouteEpisodeItem[] {
    const out: RouteEpisodeItem[] = [];
    for (const [id, e] of this.byId) {
      if (ended(e) || nowMs - lastSeenMs(e) > OFF_ROUTE_SHOWN_MS) this.byId.delete(id);
      else if (e.stretch.length > 0) out.push(e);
    }
    return out;
  }
}

/**
 * The route's corridor as a polygon: the polyline buffered by its half width (§11: the route ±
 * corridorWidthM). @turf/buffer (with JSTS, ~280 kB) is loaded on first use: only a screen that
 * draws a corridor pays for it.
 */
export const corridorPolygon = async (
  route: Pick<RouteItem, 'routeId' | 'name' | 'polyline' | 'corridorWidthM'>,
): Promise<Feature<Polygon | MultiPolygon> | undefined> => {
  if (route.polyline.length < 2) return undefined;
  const { default: buffer } = await import('@turf/buffer');
  const buffered = buffer(lineString(route.polyline.map(([lon, lat]) => [lon, lat])), route.corridorWidthM / 1000, { units: 'kilometers', steps: 8 });
  return buffered ? { ...buffered, properties: { routeId: route.routeId, name: route.name } } : undefined;
};

/** The stretch as a line (one position alone is doubled: a zero-length line is still drawn as a dot by its round cap). */
export const stretchLine = (e: RouteEpisodeItem): Feature<LineString> => {
  const coordinates = e.stretch.map((p) => [p[0], p[1]]);
  return {
    type: 'Feature',
    properties: { episodeId: e.episodeId, vehicleId: e.vehicleId, plate: e.plate ?? e.vehicleId, routeId: e.routeId ?? null },
    geometry: { type: 'LineString', coordinates: coordinates.length > 1 ? coordinates : [coordinates[0]!, coordinates[0]!] },
  };
};
