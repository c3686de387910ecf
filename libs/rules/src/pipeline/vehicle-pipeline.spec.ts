import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertV1, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, type VehicleFacts } from '@roadwatch/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { buildRoadIndex } from '../roads/road-index';
import { factsOf, positionAt, Track } from '../testing/track';
import { checkOffline, processPosition, type PipelineContext, type VehicleRuleState } from './vehicle-pipeline';

const MIN = 60_000;
const H = 3_600_000;
const S = 1_000;
const roads = buildRoadIndex(JSON.parse(readFileSync(join(import.meta.dirname, '../../data/sample-roads.geojson'), 'utf8')), DEFAULT_RULES_CONFIG.roads);
const ctx: PipelineContext = { roads };
const bus = factsOf('long_distance_bus', { routeKm: 300 });
const truck = factsOf('heavy_truck');

const runAll = (facts: VehicleFacts, positions: readonly PositionV1[], options: { roundTripAt?: (i: number) => boolean } = {}) => {
  let state: VehicleRuleState | undefined;
  const alerts: AlertV1[] = [];
  const statuses: string[] = [];
  positions.forEach((p, i) => {
    if (state && options.roundTripAt?.(i)) state = JSON.parse(JSON.stringify(state)) as VehicleRuleState;
    const r = processPosition(facts, state, p, DEFAULT_RULES_CONFIG, ctx);
    state = r.state;
    statuses.push(r.status);
    alerts.push(...r.alerts);
  });
  return { alerts, statuses, state: state as VehicleRuleState };
};

describe('per-vehicle pipeline — delivery', () => {
  it('an exact retransmission is a duplicate and changes no alert; an older report is late (archived, not fed)', () => {
    const t = Track.at(2026, 11, 23, 8).report(60).drive(2 * MIN);
    const [p0, p1, p2] = t.positions;
    const { statuses } = runAll(truck, [p0!, p1!, p1!, p2!, { ...p0!, speedKmh: 61 }]);
    expect(statuses).toEqual(['accepted', 'accepted', 'duplicate', 'accepted', 'late']);
  });

  it('every alert is a valid AlertV1 and the same input gives the same ids', () => {
    const t = Track.at(2026, 11, 23, 8).report(60).drive(4 * H + 10 * MIN, 130).gap(10 * MIN, 10_000).stop(30 * MIN);
    const a = runAll(truck, t.positions).alerts;
    const b = runAll(truck, t.positions).alerts;
    expect(a.length).toBeGreaterThan(3);
    for (const alert of a) alertV1.parse(alert);
    expect(a.map((x) => `${x.alertId}#${x.revision}`)).toEqual(b.map((x) => `${x.alertId}#${x.revision}`));
    expect(new Set(a.map((x) => x.rule))).toEqual(new Set(['speeding', 'fatigue_continuous', 'data_gap_moved']));
  });
});

describe('per-vehicle pipeline — purity', () => {
  it.each([['per vehicle', undefined], ['per IC-card driver (0x0702)', 'D-110101198001011234']])(
    'never changes the state it is given, %s: every step returns a new one',
    (_label, driverId) => {
      const t = Track.at(2026, 11, 23, 8, 0, 0, driverId ? { driverId } : {}).report(60).drive(3 * H + 50 * MIN, 90).stop(5 * MIN).drive(40 * MIN, 130);
      let state: VehicleRuleState | undefined;
      let alerts = 0;
      for (const position of t.positions) {
        const before = state === undefined ? undefined : JSON.stringify(state);
        const result = processPosition(truck, state, position, DEFAULT_RULES_CONFIG, ctx);
        if (state !== undefined) expect(JSON.stringify(state)).toBe(before);
        state = result.state;
        alerts += result.alerts.length;
      }
      expect(alerts).toBeGreaterThan(0);
    },
  );
});

describe('per-vehicle pipeline — data quality (RULES.md §6)', () => {
  it.each([
    ['longitude 73.54 (below 73.55)', { longitudeDeg: 73.54 }, /longitude/],
    ['longitude 135.084 (above 135.083)', { longitudeDeg: 135.084 }, /longitude/],
    ['latitude 3.84 (below 3.85)', { latitudeDeg: 3.84 }, /latitude/],
    ['latitude 53.56 (above 53.55)', { latitudeDeg: 53.56 }, /latitude/],
    ['speed 160.1 km/h (above 160)', { speedKmh: 160.1 }, /speed/],
    ['altitude −201 m (below −200)', { altitudeM: -201 }, /altitude/],
    ['altitude 6,501 m (above 6,500)', { altitudeM: 6501 }, /altitude/],
    ['time 5 min + 1 s after receipt (beyond the skew)', { receivedAtMs: chinaLocalToEpochMs(2026, 11, 23, 8) - 5 * MIN - S }, /time/],
  ])('%s is invalid, reported with its reason, not fed to the rules', (_name, overrides, reason) => {
    const p = positionAt(chinaLocalToEpochMs(2026, 11, 23, 8), { speedKmh: 60, latitudeDeg: 39.5, longitudeDeg: 116, ...overrides });
    const r = processPosition(truck, undefined, p, DEFAULT_RULES_CONFIG, ctx);
    expect(r.status).toBe('invalid');
    expect(r.reasons.join(' ')).toMatch(reason);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ rule: 'invalid_position', level: 'data_quality' });
    expect(r.state.motion.last).toBeNull();
  });

  it('the edges themselves are valid: 73.55 / 135.083 E, 3.85 / 53.55 N, 160 km/h, −200 / 6,500 m', () => {
    for (const o of [{ longitudeDeg: 73.55, latitudeDeg: 3.85, altitudeM: -200 }, { longitudeDeg: 135.083, latitudeDeg: 53.55, altitudeM: 6500, speedKmh: 160 }]) {
      expect(processPosition(truck, undefined, positionAt(chinaLocalToEpochMs(2026, 11, 23, 8), o), DEFAULT_RULES_CONFIG, ctx).status).toBe('accepted');
    }
  });

  it('a drift point (implies > 160 km/h from its neighbour) is flagged and excluded; the track goes on', () => {
    const t = Track.at(2026, 11, 23, 8).report(0).stop(2 * MIN);
    const jump = positionAt(t.timeMs + 30 * S, { latitudeDeg: 39.6, longitudeDeg: 116 });
    t.wait(30 * S).stop(20 * MIN);
    const positions = [...t.positions.slice(0, 5), jump, ...t.positions.slice(5)];
    const { statuses, alerts, state } = runAll(truck, positions);
    expect(statuses.filter((s) => s === 'drift')).toHaveLength(1);
    expect(alerts.filter((a) => a.rule === 'drift')).toHaveLength(1);
    expect(alerts.filter((a) => a.rule === 'data_gap_moved')).toHaveLength(0);
    expect(state.fatigue.subjects).toEqual({});
    expect(state.quality.drift).toBe(1);
  });

  it('a gap moved through raises data_gap_moved and counts as driving; a gap > 1 km is incomplete track', () => {
    const t = Track.at(2026, 11, 23, 8).report(60).drive(10 * MIN).gap(20 * MIN, 15_000).drive(10 * MIN);
    const { alerts, state } = runAll(truck, t.positions);
    const gap = alerts.filter((a) => a.rule === 'data_gap_moved');
    expect(gap).toHaveLength(1);
    expect(gap[0]?.details).toMatchObject({ durationMs: 20 * MIN, countedAsDriving: true });
    expect(state.quality.incompleteGaps).toBe(1);
    expect(state.quality.completeTrackM / state.quality.trackM).toBeCloseTo(20_000 / 35_000, 1);
  });

  it('ACC off but moving: driving, all the way to a fatigue violation', () => {
    const t = Track.at(2026, 11, 23, 8).report(60);
    t.accOn = false;
    t.drive(4 * H + 30 * S);
    expect(runAll(truck, t.positions).alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation')).toHaveLength(1);
  });

  it('offline: no report for more than 20 min → one alert per silence; the next report closes it (same id, revision 1)', () => {
    const t = Track.at(2026, 11, 23, 8).report(60).drive(5 * MIN);
    const { state } = runAll(truck, t.positions);
    const last = state.lastReceivedAtMs as number;
    expect(checkOffline(state, last + 20 * MIN).alerts).toHaveLength(0);
    const off = checkOffline(state, last + 20 * MIN + 1);
    expect(off.alerts[0]).toMatchObject({ rule: 'offline', level: 'data_quality', revision: 0, vehicleId: truck.vehicleId });
    expect(checkOffline(off.state, last + 60 * MIN).alerts).toHaveLength(0);
    t.wait(40 * MIN).report(0);
    const back = processPosition(truck, off.state, t.positions.at(-1)!, DEFAULT_RULES_CONFIG, ctx);
    const closed = back.alerts.find((a) => a.rule === 'offline');
    expect(closed).toMatchObject({ alertId: off.alerts[0]?.alertId, revision: 1 });
  });

  it('daily counters roll over at local midnight and are handed back to be persisted', () => {
    const t = Track.at(2026, 11, 23, 23, 50).report(60).drive(20 * MIN);
    let state: VehicleRuleState | undefined;
    const closed = [];
    for (const p of t.positions) {
      const r = processPosition(truck, state, p, DEFAULT_RULES_CONFIG, ctx);
      state = r.state;
      closed.push(...r.closedDays);
    }
    expect(closed.map((c) => [c.date, c.valid])).toEqual([['2026-11-23', 20]]);
    expect(state?.quality.date).toBe('2026-11-24');
  });
});

describe('per-vehicle pipeline — properties (fast-check)', () => {
  // A random day of a long-distance bus (subject to every rule): drives at random speeds
  // (some over the limit), short and long stops, gaps moved or stood through, driver changes.
  const step = fc.record({
    kind: fc.constantFrom('drive', 'drive', 'stop', 'gap'),
    minutes: fc.integer({ min: 1, max: 150 }),
    speedKmh: fc.integer({ min: 20, max: 140 }),
    moved: fc.boolean(),
    driver: fc.constantFrom(undefined, 'D1', 'D2'),
  });
  const scenario = fc.record({
    startHour: fc.integer({ min: 0, max: 23 }),
    intervalS: fc.integer({ min: 15, max: 90 }),
    steps: fc.array(step, { minLength: 1, maxLength: 8 }),
  });
  const build = (s: typeof scenario extends fc.Arbitrary<infer T> ? T : never): PositionV1[] => {
    const t = Track.at(2026, 11, 23, s.startHour, 0, 0, { intervalMs: s.intervalS * S }).report(60);
    for (const st of s.steps) {
      t.driverId = st.driver;
      if (st.kind === 'drive') t.drive(st.minutes * MIN, st.speedKmh);
      else if (st.kind === 'stop') t.stop(st.minutes * MIN);
      else t.gap(st.minutes * MIN, st.moved ? st.minutes * 1_000 : 10);
    }
    return t.positions;
  };
  const key = (alerts: AlertV1[]) => alerts.map((a) => JSON.stringify(a));

  it('re-delivering earlier positions any number of times at later points gives exactly the same alerts', () => {
    let withAlerts = 0;
    fc.assert(
      fc.property(scenario, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }), (s, redeliveries) => {
        const positions = build(s);
        const clean = runAll(bus, positions).alerts;
        if (clean.some((a) => a.level === 'violation')) withAlerts++;
        // Insert at position index `at` a copy of some position before it.
        const noisy: PositionV1[] = [];
        const inserts = new Map<number, number[]>();
        for (const [a, b] of redeliveries) {
          const at = 1 + (a % positions.length);
          inserts.set(at, [...(inserts.get(at) ?? []), b % at]);
        }
        positions.forEach((p, i) => {
          for (const j of inserts.get(i) ?? []) noisy.push(positions[j] as PositionV1);
          noisy.push(p);
        });
        for (const j of inserts.get(positions.length) ?? []) noisy.push(positions[j] as PositionV1);
        expect(key(runAll(bus, noisy).alerts)).toEqual(key(clean));
      }),
      { numRuns: 60 },
    );
    // The property is only worth something if the streams raise violations.
    expect(withAlerts).toBeGreaterThan(20);
  }, 60_000);

  it('a JSON round trip of the state mid-stream gives the same alerts as an uninterrupted run', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 7 }), (s, every) => {
        const positions = build(s);
        const clean = runAll(bus, positions).alerts;
        const restored = runAll(bus, positions, { roundTripAt: (i) => i % every === 0 }).alerts;
        expect(key(restored)).toEqual(key(clean));
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
