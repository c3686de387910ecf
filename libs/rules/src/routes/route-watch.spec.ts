import { describe, expect, it } from 'vitest';
import { destination } from '@turf/destination';
import { chinaLocalToEpochMs, type LatLon, type VehicleFacts } from '@roadwatch/domain';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { prepareDetour, prepareRoute, type RouteGeometry } from './corridor';
import { DEFAULT_ROUTES_CONFIG } from './routes.config';
import { initialRouteWatchState, prepareLine, stepRouteWatch, type LineStop, type RouteWatchContext, type RouteWatchEvent } from './route-watch';
import { routeWatchAlerts } from './route-watch.alerts';
import type { RouteReport } from './track';

/** A registered vehicle of company C1 (libs/rules cannot import libs/testing: it depends on rules). */
const aVehicle = (overrides: Partial<VehicleFacts> = {}): VehicleFacts => ({
  vehicleId: '京A12345:2',
  plate: '京A12345',
  plateColour: 2,
  vehicleClass: 'long_distance_bus',
  companyId: 'C1',
  regionCode: '110000',
  ...overrides,
});

// An east–west line of about 10 km along latitude 39.9, corridor ± 200 m, default depots (500 m at each end).
const WEST: [number, number] = [116.3, 39.9];
const EAST: [number, number] = [116.417, 39.9];
const geometry: RouteGeometry = { routeId: 'L1', polyline: [WEST, EAST], corridorWidthM: 200, depots: [] };
const MID: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.33 };
const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);

const move = (from: LatLon, metres: number, bearingDeg: number): LatLon => {
  const [lon, lat] = destination([from.longitudeDeg, from.latitudeDeg], metres / 1000, bearingDeg, { units: 'kilometers' }).geometry.coordinates as [
    number,
    number,
  ];
  return { latitudeDeg: lat, longitudeDeg: lon };
};
const north = (from: LatLon, m: number) => move(from, m, 0);
const east = (from: LatLon, m: number) => move(from, m, 90);

const report = (atMs: number, p: LatLon, speedKmh = 60): RouteReport => ({ timeMs: atMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh });

/** Reports every `everyMs` from `startMs` at `from`, each `stepM` further east. */
const eastward = (startMs: number, from: LatLon, count: number, stepM: number, everyMs = 10_000, speedKmh = 60): RouteReport[] =>
  Array.from({ length: count }, (_, i) => report(startMs + i * everyMs, east(from, i * stepM), speedKmh));

const contextOf = (over: Partial<RouteWatchContext> = {}, route: RouteGeometry = geometry): RouteWatchContext => ({
  routes: [prepareRoute(route)],
  detours: [],
  lines: [],
  vehicleId: 'V1',
  config: DEFAULT_ROUTES_CONFIG,
  motion: DEFAULT_RULES_CONFIG.motion,
  ...over,
});

const run = (reports: readonly RouteReport[], ctx: RouteWatchContext = contextOf()) => {
  let state = initialRouteWatchState();
  const events: RouteWatchEvent[] = [];
  for (const r of reports) {
    const step = stepRouteWatch(state, r, ctx);
    state = step.state;
    events.push(...step.events);
  }
  return { state, events, offRoute: events.filter((e) => e.kind === 'off_route') };
};

/** 3 reports inside the corridor, 10 s apart, ending 10 s before `atMs`, at `from` going east. */
const approach = (atMs: number, from: LatLon): RouteReport[] => eastward(atMs - 30_000, from, 3, 100);

describe('off-route episodes (RULES.md §11, §15 "Routes and areas")', () => {
  const out = north(MID, 500); // 300 m beyond the edge

  it('counts at 1,000 m between consecutive moving outside reports — the leg crossing the edge adds nothing', () => {
    // 251 m per 10 s: after 3 outside intervals 753 m, after 4 1,004 m (and 40 s, far below 180 s).
    const { offRoute } = run([...approach(NOON, MID), ...eastward(NOON, out, 6, 251)]);
    expect(offRoute.map((e) => [e.phase, e.atMs])).toEqual([['counted', NOON + 40_000]]);
    const episode = offRoute[0]!.episode;
    expect(episode.startMs).toBe(NOON);
    expect(episode.distanceM).toBeGreaterThanOrEqual(1_000);
    expect(episode.distanceM).toBeLessThan(1_010);
    expect(episode.countedAtMs).toBe(NOON + 40_000);
    // 249 m per step: 996 m after 4 intervals is not yet 1 km; the 5th reaches it.
    expect(run([...approach(NOON, MID), ...eastward(NOON, out, 6, 249)]).offRoute.map((e) => e.atMs)).toEqual([NOON + 50_000]);
  });

  it('counts at 180 s of moving time outside, not at 170 s', () => {
    // 30 m per 10 s (10.8 km/h): 18 intervals = 180 s and 540 m.
    const counted = run([...approach(NOON, MID), ...eastward(NOON, out, 19, 30, 10_000, 11)]).offRoute;
    expect(counted.map((e) => [e.phase, e.atMs, e.episode.movingMs])).toEqual([['counted', NOON + 180_000, 180_000]]);
    expect(run([...approach(NOON, MID), ...eastward(NOON, out, 18, 30, 10_000, 11)]).offRoute).toEqual([]);
  });

  it('measures only moving time: standing outside for 10 minutes is no episode', () => {
    const standing = Array.from({ length: 61 }, (_, i) => report(NOON + i * 10_000, out, 0));
    const { offRoute, state } = run([...approach(NOON, MID), ...standing]);
    expect(offRoute).toEqual([]);
    expect(state.episode?.movingMs).toBe(0);
  });

  it('leaves out intervals over 5 min (a gap), keeps one of exactly 5 min', () => {
    const gapped = (gapMs: number) => [
      ...approach(NOON, MID),
      ...eastward(NOON, out, 3, 251), // 502 m
      ...eastward(NOON + 20_000 + gapMs, east(out, 5_000), 2, 251), // the gap moved 4.5 km; then 251 m more
    ];
    expect(run(gapped(300_001)).offRoute).toEqual([]);
    expect(run(gapped(300_001)).state.episode?.distanceM).toBeCloseTo(753, 0);
    expect(run(gapped(300_000)).offRoute[0]?.phase).toBe('counted');
  });

  it('is no episode within the corridor’s width, and is one just beyond it', () => {
    const at = (offsetNorthM: number) => run([...approach(NOON, MID), ...eastward(NOON, north(MID, offsetNorthM), 30, 30, 10_000, 11)]).offRoute;
    expect(at(195)).toEqual([]);
    expect(at(205)[0]?.phase).toBe('counted');
    expect(at(205)[0]!.episode.maxOffsetM).toBeGreaterThan(0);
    expect(at(205)[0]!.episode.maxOffsetM).toBeLessThan(10);
  });

  it('ends at its last outside report once reports back inside span 60 s; a shorter interlude joins two excursions', () => {
    const first = eastward(NOON, out, 5, 251); // 1,004 m: counts at NOON + 40 s
    const lastOutMs = NOON + 40_000;
    const inside = (fromMs: number, spanMs: number) => [report(fromMs, east(MID, 2_000)), report(fromMs + spanMs, east(MID, 2_100))];
    const ended = run([...approach(NOON, MID), ...first, ...inside(lastOutMs + 10_000, 60_000)]).offRoute;
    expect(ended.map((e) => [e.phase, e.atMs])).toEqual([
      ['counted', NOON + 40_000],
      ['ended', lastOutMs + 70_000],
    ]);
    expect(ended[1]!.episode.lastOutsideMs).toBe(lastOutMs);

    // 59.999 s back inside, then outside again: one episode; the legs across the edge and the interlude add nothing.
    const back = lastOutMs + 10_000 + 59_999 + 10_000;
    const joined = run([...approach(NOON, MID), ...first, ...inside(lastOutMs + 10_000, 59_999), ...eastward(back, east(out, 3_000), 3, 251)]);
    expect(joined.offRoute.filter((e) => e.phase !== 'grew').map((e) => e.phase)).toEqual(['counted']);
    expect(joined.state.episode?.startMs).toBe(NOON);
    expect(joined.state.episode?.distanceM).toBeCloseTo(1_004 + 502, 0);
    expect(joined.state.episode?.stretch).toHaveLength(8);
  });

  it('records the maximum offset and the nearest route, and grows revision by revision while it lasts', () => {
    const far = eastward(NOON, north(MID, 1_200), 20, 251);
    const { offRoute, state } = run([...approach(NOON, MID), ...eastward(NOON - 10_000, out, 1, 0), ...far]);
    expect(offRoute[0]!.phase).toBe('counted');
    expect(offRoute.slice(1).every((e) => e.phase === 'grew')).toBe(true);
    expect(offRoute.map((e) => e.episode.revision)).toEqual(offRoute.map((_, i) => i));
    expect(state.episode?.maxOffsetM).toBeGreaterThan(990);
    expect(state.episode?.maxOffsetM).toBeLessThan(1_010);
    expect(state.episode?.routeId).toBe('L1');
  });

  it('is no episode inside a depot (the default 500 m at the line’s ends)', () => {
    const westEnd: LatLon = { latitudeDeg: WEST[1], longitudeDeg: WEST[0] };
    // Circling 300–450 m north of the west end: outside the corridor, inside the depot.
    const loop = Array.from({ length: 40 }, (_, i) => report(NOON + i * 10_000, north(westEnd, 300 + (i % 2) * 150), 30));
    expect(run(loop).offRoute).toEqual([]);
  });

  it('is no episode inside an approved detour’s window; the same track after the window is one', () => {
    const track = [...approach(NOON, MID), ...eastward(NOON, out, 8, 251)];
    const detour = prepareDetour({ routeId: 'L1', vehicleId: 'V1', fromMs: NOON - 60_000, toMs: NOON + 3_600_000 });
    expect(run(track, contextOf({ detours: [detour] })).offRoute).toEqual([]);
    const closed = prepareDetour({ routeId: 'L1', vehicleId: 'V1', fromMs: NOON - 3_600_000, toMs: NOON });
    expect(run(track, contextOf({ detours: [closed] })).offRoute[0]?.phase).toBe('counted');
  });

  it('judges nothing on a local date the route is not in force', () => {
    const dated = { ...geometry, validFrom: '2026-12-07' };
    const track = [...approach(NOON, MID), ...eastward(NOON, out, 8, 251)];
    expect(run(track, contextOf({}, dated)).offRoute).toEqual([]);
    const nextDay = NOON + 24 * 3_600_000;
    expect(run([...approach(nextDay, MID), ...eastward(nextDay, out, 8, 251)], contextOf({}, dated)).offRoute[0]?.phase).toBe('counted');
  });

  it('raises off_route with the route, its corridor, the stretch, the maximum offset and km off route', () => {
    const { offRoute } = run([
      ...approach(NOON, MID),
      ...eastward(NOON, out, 5, 251),
      report(NOON + 110_000, east(MID, 2_000)),
      report(NOON + 170_000, east(MID, 2_500)),
    ]);
    const facts = aVehicle({ vehicleId: 'V1', plate: '京A12345', companyId: 'C1' });
    const alerts = routeWatchAlerts(facts, offRoute, () => ({ name: '京津班线', corridorWidthM: 200 }));
    expect(alerts.map((a) => [a.rule, a.revision, a.raisedAtMs, a.endedAtMs])).toEqual([
      ['off_route', 0, NOON + 40_000, undefined],
      ['off_route', 1, NOON + 170_000, NOON + 40_000],
    ]);
    expect(alerts[0]!.alertId).toBe(alerts[1]!.alertId);
    expect(alerts[1]).toMatchObject({ startedAtMs: NOON, limitPassedAtMs: NOON + 40_000, firstRaisedAtMs: NOON + 40_000, companyId: 'C1' });
    expect(alerts[1]!.details).toMatchObject({ routeId: 'L1', routeName: '京津班线', corridorWidthM: 200, closed: true, offRouteKm: 1.004 });
    expect(alerts[1]!.evidence.positions).toHaveLength(5);
    expect(alerts[1]!.summary).toMatch(/不按规定线路行驶.*1\.00 公里/);
    expect(alerts[1]!.summaryEn).toMatch(/Off route: 1\.00 km/);
  });
});

describe('班线 stops (RULES.md §11, §15)', () => {
  const stops: LineStop[] = [
    { name: '起点站', lon: 116.31, lat: 39.9 },
    { name: '中途站', lon: 116.35, lat: 39.9 },
    { name: '终点站', lon: 116.4, lat: 39.9, radiusM: 150 },
  ];
  const lineCtx = (over: Partial<RouteWatchContext> = {}) => contextOf({ lines: [prepareLine(geometry, stops)], ...over });
  const start: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.305 };
  const passed = (events: RouteWatchEvent[]) =>
    events.filter((e) => e.kind === 'stop_passed').map((e) => (e.kind === 'stop_passed' ? [e.stop.name, e.bracketMs] : []));

  it('a stop driven through without stopping is passed; the first and last stops never are', () => {
    // 200 m per 10 s through all three stops: each radius (100 m) holds at most one report.
    const { events } = run(eastward(NOON, start, 50, 200), lineCtx());
    expect(passed(events)).toEqual([['中途站', 20_000]]);
  });

  it('a bracket of 60 s allows a dwell (served); 59.999 s does not (passed)', () => {
    const stop: LatLon = { latitudeDeg: 39.9, longitudeDeg: 116.35 };
    const through = (bracketMs: number) => [
      report(NOON, east(stop, -300)),
      report(NOON + 10_000, east(stop, -150)),
      report(NOON + 20_000, east(stop, -20), 0),
      report(NOON + 10_000 + bracketMs - 10_000, east(stop, 10), 0),
      report(NOON + 10_000 + bracketMs, east(stop, 150)),
      report(NOON + 20_000 + bracketMs, east(stop, 300)),
    ];
    expect(passed(run(through(60_000), lineCtx()).events)).toEqual([]);
    expect(passed(run(through(59_999), lineCtx()).events)).toEqual([['中途站', 59_999]]);
  });

  it('is not passed outside the corridor (a bypass around the stop)', () => {
    const bypass = eastward(NOON, north(start, 400), 50, 200);
    expect(passed(run(bypass, lineCtx()).events)).toEqual([]);
  });

  it('a still dwell of 120 s outside every stop, service area and depot is 疑似站外上下客; 110 s is not; inside a stop it is not', () => {
    const spot = east(MID, 1_500);
    const dwell = (spanMs: number, where = spot) => [
      report(NOON - 20_000, east(where, -400)),
      report(NOON - 10_000, east(where, -200)),
      ...Array.from({ length: spanMs / 10_000 + 1 }, (_, i) => report(NOON + i * 10_000, where, 0)),
      report(NOON + spanMs + 10_000, east(where, 200)),
    ];
    const dwells = (events: RouteWatchEvent[]) => events.filter((e) => e.kind === 'unapproved_dwell').map((e) => [e.phase, e.atMs]);
    // The report at NOON arrived from 200 m away (moving); the still reports run from NOON + 10 s.
    expect(dwells(run(dwell(130_000), lineCtx()).events)).toEqual([
      ['counted', NOON + 130_000],
      ['ended', NOON + 140_000],
    ]);
    expect(dwells(run(dwell(120_000), lineCtx()).events)).toEqual([]);
    expect(dwells(run(dwell(300_000, { latitudeDeg: 39.9, longitudeDeg: 116.35 }), lineCtx()).events)).toEqual([]);
    // Not a 班线 vehicle: nothing.
    expect(dwells(run(dwell(300_000), contextOf()).events)).toEqual([]);
    const facts = aVehicle({ vehicleId: 'V1' });
    const alerts = routeWatchAlerts(facts, run(dwell(130_000), lineCtx()).events, () => undefined);
    expect(alerts.map((a) => [a.rule, a.revision, a.startedAtMs, a.endedAtMs])).toEqual([
      ['unapproved_dwell', 0, NOON + 10_000, undefined],
      ['unapproved_dwell', 1, NOON + 10_000, NOON + 130_000],
    ]);
    expect(alerts[1]?.details).toMatchObject({ dwellMs: 120_000, closed: true });
  });
});
