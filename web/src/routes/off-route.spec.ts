import { describe, expect, it } from 'vitest';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { RouteEpisodeItem } from '@roadwatch/contracts';
import { corridorPolygon, OFF_ROUTE_SHOWN_MS, OffRouteEpisodes, stretchLine } from './off-route';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0);
const episode = (over: Partial<RouteEpisodeItem> = {}): RouteEpisodeItem => ({
  episodeId: 'E1',
  kind: 'off_route',
  vehicleId: 'V1',
  plate: '京A12345',
  routeId: 'R1',
  startedAtMs: T0,
  stretch: [
    [116.4, 39.95, T0, 300],
    [116.41, 39.96, T0 + 60_000, 1_200],
  ],
  details: {},
  revision: 1,
  updatedAtMs: T0 + 60_000,
  ...over,
});

describe('the off-route episodes the live map draws', () => {
  it('keeps the newest revision whatever order they arrive in, and only off_route episodes', () => {
    const episodes = new OffRouteEpisodes();
    expect(episodes.apply(episode({ revision: 2 }))).toBe(true);
    expect(episodes.apply(episode({ revision: 1, stretch: [[1, 1, T0, 0]] }))).toBe(false);
    expect(episodes.apply(episode({ revision: 2 }))).toBe(false);
    expect(episodes.apply(episode({ episodeId: 'S1', kind: 'stop_passed' }))).toBe(false);
    expect(episodes.shown(T0 + 60_000).map((e) => [e.episodeId, e.revision, e.stretch.length])).toEqual([['E1', 2, 2]]);
    expect(episodes.revisionOf('E1')).toBe(2);
  });

  it('drops an episode once it ends (endedAtMs or details.closed) or its newest position ages past the limit', () => {
    const episodes = new OffRouteEpisodes();
    episodes.apply(episode());
    episodes.apply(episode({ episodeId: 'E2', vehicleId: 'V2' }));
    episodes.apply(episode({ episodeId: 'E3', vehicleId: 'V3', stretch: [] }));
    // Exactly at the limit it is still shown; one millisecond later it is not.
    expect(episodes.shown(T0 + 60_000 + OFF_ROUTE_SHOWN_MS).map((e) => e.episodeId)).toEqual(['E1', 'E2']);
    episodes.apply(episode({ revision: 2, endedAtMs: T0 + 120_000 }));
    episodes.apply(episode({ episodeId: 'E2', vehicleId: 'V2', revision: 2, details: { closed: true } }));
    expect(episodes.shown(T0 + 120_000)).toEqual([]);
    episodes.apply(episode({ episodeId: 'E4' }));
    expect(episodes.shown(T0 + 60_001 + OFF_ROUTE_SHOWN_MS)).toEqual([]);
    // Forgotten: a late redelivery of an old revision draws it again only if it is still recent.
    expect(episodes.revisionOf('E4')).toBeUndefined();
  });

  it('draws the corridor as the line buffered by its half width, and a one-position stretch as a line', async () => {
    const corridor = (await corridorPolygon({
      routeId: 'R1',
      name: '京承班线',
      corridorWidthM: 200,
      polyline: [
        [116.3, 39.9],
        [116.4, 39.9],
      ],
    }))!;
    expect(corridor.properties).toEqual({ routeId: 'R1', name: '京承班线' });
    // 150 m north of the line is inside, 250 m north outside (1° of latitude ≈ 111.2 km).
    expect(booleanPointInPolygon([116.35, 39.9 + 150 / 111_200], corridor)).toBe(true);
    expect(booleanPointInPolygon([116.35, 39.9 + 250 / 111_200], corridor)).toBe(false);
    // Round ends: 150 m beyond the end on the line's axis is inside.
    expect(booleanPointInPolygon([116.4 + 150 / 85_300, 39.9], corridor)).toBe(true);
    expect(await corridorPolygon({ routeId: 'R', name: 'x', corridorWidthM: 200, polyline: [[116.3, 39.9]] })).toBeUndefined();
    expect(stretchLine(episode({ stretch: [[116.4, 39.95, T0, 300]] })).geometry.coordinates).toEqual([
      [116.4, 39.95],
      [116.4, 39.95],
    ]);
    expect(stretchLine(episode({ plate: undefined })).properties).toMatchObject({ plate: 'V1', routeId: 'R1' });
  });
});
