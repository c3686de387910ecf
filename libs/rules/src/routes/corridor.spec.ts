import { describe, expect, it } from 'vitest';
import { destination } from '@turf/destination';
import { chinaLocalToEpochMs, haversineMeters, type LatLon } from '@roadwatch/domain';
import { judgeAgainstCorridors, prepareDetour, prepareRoute, routeGeometryIssue, type RouteGeometry } from './corridor';

// An east–west route of about 10 km along latitude 39.9 (Beijing), corridor ± 200 m.
const WEST: [number, number] = [116.3, 39.9];
const EAST: [number, number] = [116.417, 39.9];
const line: RouteGeometry = { routeId: 'L1', polyline: [WEST, EAST], corridorWidthM: 200, depots: [] };
const midpoint: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.36 };
/** The point `metres` north of `from` (bearing 0). */
const north = (from: LatLon, metres: number): LatLon => {
  const [lon, lat] = destination([from.longitudeDeg, from.latitudeDeg], metres / 1000, 0, { units: 'kilometers' }).geometry.coordinates as [number, number];
  return { latitudeDeg: lat, longitudeDeg: lon };
};
const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);

describe('the corridor judgement (RULES.md §11, §15 "Routes and areas")', () => {
  const route = prepareRoute(line);
  const judge = (position: LatLon, atMs = NOON, detours = [] as ReturnType<typeof prepareDetour>[]) =>
    judgeAgainstCorridors([route], detours, { position, atMs, vehicleId: 'V' });

  it('is inside within the width, outside just beyond it, and measures the offset from the edge', () => {
    // The polyline's segment is a great circle (it bows ~1.6 m north of the parallel here): take the distances as measured.
    const near = north(midpoint, 195);
    const beyond = north(midpoint, 205);
    expect(route.distanceFromLineM(near)).toBeLessThan(200);
    expect(route.distanceFromLineM(beyond)).toBeGreaterThan(200);
    expect(judge(near)).toMatchObject({ judged: true, inside: true, insideBy: 'corridor', offsetM: 0 });
    const outside = judge(beyond);
    expect(outside.inside).toBe(false);
    expect(outside.offsetM).toBeCloseTo(route.distanceFromLineM(beyond) - 200, 6);
    expect(judge(north(midpoint, 1_200)).offsetM).toBeCloseTo(route.distanceFromLineM(north(midpoint, 1_200)) - 200, 6);
  });

  it('is inside up to the width and outside beyond it, metre by metre at the edge', () => {
    const p = north(midpoint, 250);
    const exactWidth = Math.round(route.distanceFromLineM(p) * 1e6) / 1e6;
    const widened = prepareRoute({ ...line, corridorWidthM: Math.ceil(exactWidth) });
    expect(judgeAgainstCorridors([widened], [], { position: p, atMs: NOON }).inside).toBe(true);
    const narrowed = prepareRoute({ ...line, corridorWidthM: Math.floor(exactWidth) });
    expect(judgeAgainstCorridors([narrowed], [], { position: p, atMs: NOON }).inside).toBe(false);
  });

  it('counts the default 500 m circles at each end as depots, and not 501 m away', () => {
    const westEnd: LatLon = { latitudeDeg: WEST[1], longitudeDeg: WEST[0] };
    expect(judge(north(westEnd, 499))).toMatchObject({ inside: true, insideBy: 'depot' });
    expect(haversineMeters(westEnd, north(westEnd, 501))).toBeGreaterThan(500);
    expect(judge(north(westEnd, 501)).inside).toBe(false);
  });

  it('uses the route’s own depots instead of the default circles', () => {
    const westEnd: LatLon = { latitudeDeg: WEST[1], longitudeDeg: WEST[0] };
    const withDepot = prepareRoute({ ...line, depots: [{ kind: 'circle', centre: north(midpoint, 2_000), radiusM: 300 }] });
    const judgeOwn = (position: LatLon) => judgeAgainstCorridors([withDepot], [], { position, atMs: NOON });
    expect(judgeOwn(north(westEnd, 400)).inside).toBe(false);
    expect(judgeOwn(north(midpoint, 2_100))).toMatchObject({ inside: true, insideBy: 'depot' });
  });

  it('counts an approved detour only in its window [from, to), only inside its polygon, only for its vehicle', () => {
    const away = north(midpoint, 1_000);
    const ring: [number, number][] = [
      [116.35, 39.905],
      [116.37, 39.905],
      [116.37, 39.92],
      [116.35, 39.92],
    ];
    const detour = prepareDetour({ routeId: 'L1', vehicleId: 'V', fromMs: NOON, toMs: NOON + 3_600_000, polygon: ring });
    expect(judge(away, NOON, [detour])).toMatchObject({ inside: true, insideBy: 'detour' });
    expect(judge(away, NOON + 3_600_000, [detour]).inside).toBe(false);
    expect(judge(away, NOON - 1, [detour]).inside).toBe(false);
    expect(judge(north(midpoint, 5_000), NOON, [detour]).inside).toBe(false);
    const other = prepareDetour({ routeId: 'L1', vehicleId: 'OTHER', fromMs: NOON, toMs: NOON + 3_600_000 });
    expect(judge(away, NOON, [other]).inside).toBe(false);
  });

  it('judges nothing on a local date the route is not active (validity in Asia/Shanghai dates, inclusive)', () => {
    const dated = prepareRoute({ ...line, validFrom: '2026-12-06', validTo: '2026-12-06' });
    const away = north(midpoint, 1_000);
    const at = (ms: number) => judgeAgainstCorridors([dated], [], { position: away, atMs: ms });
    expect(at(chinaLocalToEpochMs(2026, 12, 6, 0)).judged).toBe(true);
    expect(at(chinaLocalToEpochMs(2026, 12, 6, 23, 59)).judged).toBe(true);
    expect(at(chinaLocalToEpochMs(2026, 12, 7, 0)).judged).toBe(false);
    expect(at(chinaLocalToEpochMs(2026, 12, 5, 23, 59)).judged).toBe(false);
  });

  it('is inside when within any active corridor, naming the nearest', () => {
    const second = prepareRoute({
      routeId: 'L2',
      polyline: [
        [116.36, 39.85],
        [116.36, 39.95],
      ],
      corridorWidthM: 50,
      depots: [],
    });
    const p = north(midpoint, 1_000);
    expect(judgeAgainstCorridors([route, second], [], { position: p, atMs: NOON })).toMatchObject({ inside: true, nearestRouteId: 'L2' });
  });

  it('refuses geometry it cannot judge, saying why', () => {
    expect(routeGeometryIssue({ polyline: [WEST], corridorWidthM: 200 })).toMatch(/at least 2 points/);
    expect(routeGeometryIssue({ polyline: [WEST, WEST], corridorWidthM: 200 })).toMatch(/2 distinct/);
    expect(routeGeometryIssue({ polyline: [WEST, [200, 39]], corridorWidthM: 200 })).toMatch(/point 1/);
    expect(routeGeometryIssue({ polyline: [WEST, EAST], corridorWidthM: 256 })).toMatch(/1–255/);
    expect(routeGeometryIssue({ polyline: [WEST, EAST], corridorWidthM: 255 })).toBeUndefined();
    expect(() => prepareRoute({ ...line, corridorWidthM: 0 })).toThrow(/route L1/);
  });
});
