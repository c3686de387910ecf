import type { PositionV1 } from '@roadwatch/contracts';
import { describe, expect, it } from 'vitest';
import { METRES_PER_DEGREE_LAT, positionAt } from '../testing/track';
import { judgeEvasion, screenLinesOf, stationPasses, type EvasionStation, type StationPass, type StationRead } from './evasion.rule';

const MIN = 60_000;
const T0 = 1_780_000_000_000;
const LAT = 39.5;
const LON = 116.0;
const M_PER_DEG_LON = METRES_PER_DEGREE_LAT * Math.cos((LAT * Math.PI) / 180);
const at = (northM: number, eastM: number) => ({ latitudeDeg: LAT + northM / METRES_PER_DEGREE_LAT, longitudeDeg: LON + eastM / M_PER_DEG_LON });

/** A north–south road through the station at (LAT, LON), 20 km long. */
const STATION: EvasionStation = {
  stationId: 'wim-1',
  location: at(0, 0),
  corridor: [
    [LON, LAT - 10_000 / METRES_PER_DEGREE_LAT],
    [LON, LAT + 10_000 / METRES_PER_DEGREE_LAT],
  ],
};

/**
 * A route through waypoints [northM, eastM, minutes from the previous], a report every 30 s
 * (and on each waypoint), moving at the leg's pace; `stillMs` at a waypoint stands there.
 */
const route = (startMs: number, legs: Array<{ to: [number, number]; minutes: number; stillMs?: number }>, from: [number, number]): PositionV1[] => {
  const out: PositionV1[] = [];
  let t = startMs;
  let [n, e] = from;
  out.push(positionAt(t, { ...at(n, e), speedKmh: 60 }));
  for (const leg of legs) {
    const steps = Math.max(1, Math.round((leg.minutes * MIN) / 30_000));
    const [n1, e1] = leg.to;
    const speed = (Math.hypot(n1 - n, e1 - e) / (leg.minutes * 60)) * 3.6;
    for (let k = 1; k <= steps; k += 1) {
      const f = k / steps;
      out.push(positionAt(t + f * leg.minutes * MIN, { ...at(n + (n1 - n) * f, e + (e1 - e) * f), speedKmh: speed }));
    }
    t += leg.minutes * MIN;
    [n, e] = [n1, e1];
    if (leg.stillMs) {
      for (let s = 30_000; s <= leg.stillMs; s += 30_000) out.push(positionAt(t + s, { ...at(n, e), speedKmh: 0 }));
      t += leg.stillMs;
    }
  }
  return out;
};

/** Straight north along the road, 5.5 km south of the station to 4.5 km north: 10 km in 10 min. */
const straight = (startMs = T0) => route(startMs, [{ to: [4_500, 0], minutes: 10 }], [-5_500, 0]);
/** Leaves the road eastwards by 600 m (550 m outside its edge) between the lines and rejoins it. */
const detour = (startMs = T0, stillMs = 0) =>
  route(
    startMs,
    [
      { to: [-2_000, 0], minutes: 2 },
      { to: [-2_000, 600], minutes: 0.5, stillMs },
      { to: [2_000, 600], minutes: 3 },
      { to: [2_000, 0], minutes: 0.5 },
      { to: [4_000, 0], minutes: 1.5 },
    ],
    [-4_000, 0],
  );

const read = (minutesFromT0: number, plate: string | null = '京B00001'): StationRead => ({ measuredAtMs: T0 + minutesFromT0 * MIN, plate });
const passOf = (positions: PositionV1[]): StationPass => {
  const passes = stationPasses(STATION, positions);
  expect(passes).toHaveLength(1);
  return passes[0] as StationPass;
};

describe('evasion (绕行/闯卡, RULES.md §14, §15 "WIM × GPS")', () => {
  it('screen lines are derived 3 km up and down stream, across the corridor', () => {
    const { upstream, downstream } = screenLinesOf(STATION);
    // Within 5 m: a great circle leaving due west or east bends ~1.6 m towards the equator over 5 km.
    expect((upstream[0][1] - LAT) * METRES_PER_DEGREE_LAT).toBeCloseTo(-3_000, -1);
    expect((downstream[0][1] - LAT) * METRES_PER_DEGREE_LAT).toBeCloseTo(3_000, -1);
    expect(upstream[0][1]).toBeCloseTo(upstream[1][1], 6);
    expect((upstream[1][0] - upstream[0][0]) * M_PER_DEG_LON).toBeCloseTo(10_000, -1);
  });

  it('a straight pass northwards is one downstream pass, nearest report at the station', () => {
    const pass = passOf(straight());
    expect(pass).toMatchObject({ direction: 'downstream', kind: 'through' });
    expect(pass.nearest.timeMs).toBe(T0 + 5.5 * MIN);
    // The first crossing is interpolated along the chord: 2.5 km in at 1 km/min.
    expect(pass.firstCrossingMs).toBeCloseTo(T0 + 2.5 * MIN, -3);
    const southbound = stationPasses(
      STATION,
      [...straight()].map((p, i, all) => ({ ...p, deviceTimeMs: (all[all.length - 1 - i] as PositionV1).deviceTimeMs })),
    );
    expect(southbound.map((p) => p.direction)).toEqual(['upstream']);
  });

  it('missed scale: the station read other plates before and after, none of this one', () => {
    const r = judgeEvasion({ pass: passOf(straight()), plate: '京A100001', stationRecords: [read(4), read(7)], otherPasses: [] });
    expect(r.outcome).toBe('missed_scale');
    expect(r.reasons[0]?.code).toBe('missed_scale');
  });

  it.each([
    ['its own record in the pass', [read(4), read(5.5, '京A100001'), read(7)], 'own_record'],
    ['its own record with odd spacing and case', [read(4), read(5.4, ' 京a100001 '), read(7)], 'own_record'],
    ['an unread plate in the pass', [read(4), read(5.5, null), read(7)], 'unread_plate'],
    ['an empty plate in the pass', [read(4), read(5.5, ''), read(7)], 'unread_plate'],
    ['reads only before the truck', [read(4), read(5)], 'station_not_reading'],
    ['reads only after it, or outside the pass', [read(7), read(-1)], 'station_not_reading'],
  ])('nothing with %s', (_name, stationRecords, suppressedBy) => {
    const r = judgeEvasion({ pass: passOf(straight()), plate: '京A100001', stationRecords, otherPasses: [] });
    expect(r).toMatchObject({ outcome: 'none', suppressedBy });
  });

  it('a detour leaves the corridor by > 200 m and rejoins before the second line; never also a missed scale', () => {
    const pass = passOf(detour());
    expect(pass.kind).toBe('detour');
    expect(pass.maxOutsideM).toBeCloseTo(550, -1);
    const others = Array.from({ length: 9 }, (_, i) => ({ direction: 'downstream' as const, firstCrossingMs: T0 + i * MIN, kind: 'through' as const }));
    const r = judgeEvasion({ pass, plate: '京A100001', stationRecords: [read(1), read(9)], otherPasses: others });
    expect(r.outcome).toBe('detour');
    expect(r.closureShare).toBeCloseTo(0.1, 10);
  });

  const sideStep = (eastM: number) =>
    route(
      T0,
      [
        { to: [-2_000, 0], minutes: 2 },
        { to: [-2_000, eastM], minutes: 0.5 },
        { to: [2_000, eastM], minutes: 3 },
        { to: [2_000, 0], minutes: 0.5 },
        { to: [4_000, 0], minutes: 1.5 },
      ],
      [-4_000, 0],
    );
  it.each([
    ['199 m outside the 50 m half-width is not a detour (> 200 m): through', 249, 'through'],
    ['201 m outside is a detour', 251, 'detour'],
  ])('%s', (_name, eastM, kind) => {
    expect(passOf(sideStep(eastM)).kind).toBe(kind);
  });

  it('leaving the corridor and not back inside by the first report after the second line: neither kind', () => {
    const away = route(
      T0,
      [
        { to: [-2_000, 0], minutes: 2 },
        { to: [-2_000, 600], minutes: 0.5 },
        { to: [4_000, 600], minutes: 5 },
      ],
      [-4_000, 0],
    );
    const pass = passOf(away);
    expect(pass.kind).toBe('off_corridor');
    expect(judgeEvasion({ pass, plate: 'x', stationRecords: [read(1), read(7)], otherPasses: [] }).outcome).toBe('none');
  });

  const closure = (detours: number, throughs: number, offsetMs = 0, direction: 'downstream' | 'upstream' = 'downstream') => [
    ...Array.from({ length: detours }, () => ({ direction, firstCrossingMs: T0 + offsetMs, kind: 'detour' as const })),
    ...Array.from({ length: throughs }, () => ({ direction, firstCrossingMs: T0 + offsetMs, kind: 'through' as const })),
  ];
  it.each([
    ['3 of 10 detour, the subject included: exactly 30 % → closure, suppressed', closure(2, 7), 'none'],
    ['2 of 10: 20 % → detour', closure(1, 8), 'detour'],
    ['alone: 1 of 1 → closure (the subject counts)', [], 'none'],
    ['other-direction passes do not count', [...closure(0, 9), ...closure(5, 0, 0, 'upstream')], 'detour'],
    ['passes 31 min apart do not count', [...closure(0, 9), ...closure(5, 0, 31 * MIN)], 'detour'],
    ['passes exactly 30 min apart do', [...closure(0, 7), ...closure(3, 0, 30 * MIN)], 'none'],
  ])('%s', (_name, otherPasses, outcome) => {
    const pass = passOf(detour());
    // Anchor every other pass on the subject's own first crossing.
    const shifted = otherPasses.map((p) => ({ ...p, firstCrossingMs: p.firstCrossingMs - T0 + pass.firstCrossingMs }));
    expect(judgeEvasion({ pass, plate: 'x', stationRecords: [], otherPasses: shifted }).outcome).toBe(outcome);
  });

  it.each([
    ['a stop of 10 min outside the corridor suppresses the detour', 10 * MIN, 'none'],
    ['one of 9 min does not', 9 * MIN, 'detour'],
  ])('%s', (_name, stillMs, outcome) => {
    const pass = passOf(detour(T0, stillMs - 30_000));
    expect(pass.bypassStop).toBe(outcome === 'none');
    expect(judgeEvasion({ pass, plate: 'x', stationRecords: [], otherPasses: closure(0, 9) }).outcome).toBe(outcome);
  });

  it.each([
    ['exactly 20 min between the report before the first line and the first after the second: a pass', 20 * MIN, 1],
    ['20 min 1 ms: no pass', 20 * MIN + 1, 0],
  ])('%s (one chord crossing both lines)', (_name, durationMs, count) => {
    const two = [positionAt(T0, { ...at(-4_000, 0), speedKmh: 30 }), positionAt(T0 + durationMs, { ...at(4_000, 0), speedKmh: 30 })];
    expect(stationPasses(STATION, two)).toHaveLength(count);
  });

  it('a truck that turns back before the second line makes no pass; unsorted reports read the same', () => {
    const back = route(
      T0,
      [
        { to: [0, 0], minutes: 4 },
        { to: [-4_000, 0], minutes: 4 },
      ],
      [-4_000, 0],
    );
    expect(stationPasses(STATION, back)).toEqual([]);
    const shuffled = [...straight()].reverse();
    expect(stationPasses(STATION, shuffled)).toEqual(stationPasses(STATION, straight()));
  });
});
