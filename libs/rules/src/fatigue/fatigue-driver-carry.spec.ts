import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import { alertV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { driverTimesOf } from '../pipeline/driver-times';
import { processPosition } from '../pipeline/vehicle-pipeline';
import type { VehicleRuleState } from '../pipeline/vehicle-state';
import { factsOf, Track } from '../testing/track';
import type { DriverTimeCarry } from './fatigue.rule';

const H = 3_600_000;
const MIN = 60_000;

const X = factsOf('heavy_truck', { vehicleId: '冀B10001:2', plate: '冀B10001' });
const Y = factsOf('heavy_truck', { vehicleId: '冀B20002:2', plate: '冀B20002' });
const factsById = new Map([X, Y].map((f) => [f.vehicleId, f] as const));

/**
 * The detector's arrangement in miniature: one pipeline state per vehicle (each may live on
 * another partition) and a driver-time store keyed by driver, where the newer last report wins.
 * `restartAfter`: after that many reports, every state and the store go through JSON (a
 * detector restart from its checkpoints and Redis).
 */
const runFleet = (positions: readonly PositionV1[], options: { store?: boolean; restartAfter?: number } = {}) => {
  let states = new Map<string, VehicleRuleState>();
  let store = new Map<string, DriverTimeCarry>();
  const alerts: AlertV1[] = [];
  positions.forEach((p, i) => {
    const facts = factsById.get(p.vehicleId) as VehicleFacts;
    const r = processPosition(facts, states.get(p.vehicleId), p, undefined, options.store === false ? {} : { driverTimes: (id) => store.get(id) });
    states.set(p.vehicleId, r.state);
    for (const carry of driverTimesOf(r.state)) {
      const known = store.get(carry.driverId);
      if (!known || known.lastReportMs <= carry.lastReportMs) store.set(carry.driverId, carry);
    }
    for (const a of r.alerts) alerts.push(alertV1.parse(a));
    if (options.restartAfter === i + 1) {
      states = new Map(JSON.parse(JSON.stringify([...states])) as Array<[string, VehicleRuleState]>);
      store = new Map(JSON.parse(JSON.stringify([...store])) as Array<[string, DriverTimeCarry]>);
    }
  });
  return alerts;
};
const violations = (alerts: readonly AlertV1[]) => alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation' && a.revision === 0);

/** Driver D drives X for 3 h from 08:00, stops `stopOnXMs` on it (reports), leaves; his first report on Y comes `swapMs` after. */
const swap = (stopOnXMs: number, swapMs: number, onY: (t: Track) => Track, driverId = 'D1') => {
  const x = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: X.vehicleId, driverId })
    .report(60)
    .drive(3 * H)
    .stop(stopOnXMs);
  const y = new Track(x.timeMs + swapMs, { vehicleId: Y.vehicleId, driverId, latitudeDeg: 40.2, longitudeDeg: 116.5 }).report(0);
  onY(y);
  return { x, y, positions: [...x.positions, ...y.positions] };
};

describe('fatigue per driver across vehicles (RULES.md §2, §13; §15 "Four parties")', () => {
  it('3 h on X, a swap within the rest threshold, 1 h 10 on Y: a continuous violation on Y naming the driver and both vehicles', () => {
    const { x, positions } = swap(2 * MIN, 8 * MIN, (y) => y.drive(70 * MIN));
    const v = violations(runFleet(positions));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ vehicleId: Y.vehicleId, driverId: 'D1', startedAtMs: x.positions[0]!.deviceTimeMs });
    expect(v[0]!.details['carriedFrom']).toEqual([{ vehicleId: X.vehicleId, plate: X.plate, lastReportMs: x.timeMs }]);
    expect(v[0]!.summary).toContain('冀B10001');
    expect(v[0]!.summaryEn).toContain("including the driver's time on 冀B10001");
    // Driving: X's 3 h and its 2 min stop (a short stop counts), then Y; the 8 min between vehicles is neither,
    // so 4 h are reached 4 h 08 after the start and the next report (30 s on) is the violation.
    expect(v[0]!.details['drivingMs']).toBe(4 * H + 30_000);
    expect(v[0]!.raisedAtMs).toBe(x.positions[0]!.deviceTimeMs + 8 * MIN + 4 * H + 30_000);
    expect(v[0]!.limitPassedAtMs).toBe(x.positions[0]!.deviceTimeMs + 8 * MIN + 4 * H);
  });

  it('per vehicle without the store (today): the same swap raises nothing', () => {
    const { positions } = swap(2 * MIN, 8 * MIN, (y) => y.drive(70 * MIN));
    expect(violations(runFleet(positions, { store: false }))).toHaveLength(0);
  });

  it('a rest seen across the swap counts: 12 min standing on X and 9 min on Y before moving is a rest of 21 min', () => {
    const { positions } = swap(12 * MIN, 1 * MIN, (y) => y.stop(9 * MIN).drive(70 * MIN));
    expect(violations(runFleet(positions))).toHaveLength(0);
  });

  it('a rest of ≥ 20 min on X before leaving it ends the period: nothing on Y', () => {
    const { positions } = swap(25 * MIN, 5 * MIN, (y) => y.drive(70 * MIN));
    expect(violations(runFleet(positions))).toHaveLength(0);
  });

  it('the unseen time between vehicles is not a rest however long (§15): 2 min on X, 40 min away, 2 min on Y → still one period', () => {
    const { positions } = swap(2 * MIN, 40 * MIN, (y) => y.stop(2 * MIN).drive(70 * MIN));
    const v = violations(runFleet(positions));
    expect(v).toHaveLength(1);
    expect(v[0]!.details['drivingMs']).toBe(4 * H + 30_000);
    expect(v[0]!.raisedAtMs).toBe(positions[0]!.deviceTimeMs + 40 * MIN + 4 * H + 30_000);
  });

  it('a sign-out on X does not rest him: X goes on without a driver (per vehicle, not his time), D on Y is fatigued', () => {
    const x = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: X.vehicleId, driverId: 'D1' })
      .report(60)
      .drive(3 * H);
    x.driverId = undefined;
    const y = new Track(x.timeMs + 5 * MIN, { vehicleId: Y.vehicleId, driverId: 'D1', latitudeDeg: 40.2 }).report(0).drive(70 * MIN);
    x.drive(70 * MIN); // someone unnamed drives X on
    const positions = [...x.positions, ...y.positions].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs || a.vehicleId.localeCompare(b.vehicleId));
    const v = violations(runFleet(positions));
    expect(v.map((a) => [a.vehicleId, a.driverId ?? null])).toEqual([[Y.vehicleId, 'D1']]);
  });

  it('two drivers swap vehicles: each carries his own time (D1 3 h + 1 h 10 over, D2 2 h + 1 h 10 not)', () => {
    const x = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: X.vehicleId, driverId: 'D1' })
      .report(60)
      .drive(3 * H);
    const y = Track.at(2026, 11, 23, 9, 0, 0, { vehicleId: Y.vehicleId, driverId: 'D2', latitudeDeg: 40.2 })
      .report(60)
      .drive(2 * H);
    x.driverId = 'D2';
    y.driverId = 'D1';
    x.wait(5 * MIN)
      .report(0)
      .drive(70 * MIN);
    y.wait(5 * MIN)
      .report(0)
      .drive(70 * MIN);
    const positions = [...x.positions, ...y.positions].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs || a.vehicleId.localeCompare(b.vehicleId));
    const v = violations(runFleet(positions));
    expect(v.map((a) => [a.vehicleId, a.driverId])).toEqual([[Y.vehicleId, 'D1']]);
    expect((v[0]!.details['carriedFrom'] as Array<{ vehicleId: string }>).map((c) => c.vehicleId)).toEqual([X.vehicleId]);
  });

  it('X → Y → X within the rest threshold: back on X his time from both goes on, X never listed as carried from itself', () => {
    const x1 = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: X.vehicleId, driverId: 'D1' })
      .report(60)
      .drive(90 * MIN);
    const y = new Track(x1.timeMs + 3 * MIN, { vehicleId: Y.vehicleId, driverId: 'D1', latitudeDeg: 40.2 }).report(0).drive(90 * MIN);
    const x2 = new Track(y.timeMs + 3 * MIN, { vehicleId: X.vehicleId, driverId: 'D1', latitudeDeg: 39.9 }).report(0).drive(70 * MIN);
    const v = violations(runFleet([...x1.positions, ...y.positions, ...x2.positions]));
    expect(v.map((a) => a.vehicleId)).toEqual([X.vehicleId]);
    expect((v[0]!.details['carriedFrom'] as Array<{ vehicleId: string }>).map((c) => c.vehicleId)).toEqual([Y.vehicleId]);
    expect(v[0]!.startedAtMs).toBe(x1.positions[0]!.deviceTimeMs);
    // X's own 96 min without reports (he was on Y) is not driven twice: 90 + 90 + 70 min and the
    // stationary first reports, the 3 min swaps left out — 4 h reached 4 h 06 after the start.
    expect(v[0]!.limitPassedAtMs).toBe(x1.positions[0]!.deviceTimeMs + 6 * MIN + 4 * H);
  });

  it("X → Y (rests there 25 min) → X: the rest on Y ends his period; X's own silence meanwhile is no driving period of his", () => {
    const x1 = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: X.vehicleId, driverId: 'D1' })
      .report(60)
      .drive(3 * H);
    const y = new Track(x1.timeMs + 3 * MIN, { vehicleId: Y.vehicleId, driverId: 'D1', latitudeDeg: 40.2 })
      .report(0)
      .drive(2 * H)
      .stop(25 * MIN);
    const x2 = new Track(y.timeMs + 3 * MIN, { vehicleId: X.vehicleId, driverId: 'D1', latitudeDeg: 39.9 }).report(0).drive(2 * H);
    const alerts = runFleet([...x1.positions, ...y.positions, ...x2.positions]);
    // On Y: 3 h + 2 h is one period over 4 h (the violation); back on X after the rest, 2 h is a new one.
    expect(violations(alerts).map((a) => [a.vehicleId, a.startedAtMs])).toEqual([[Y.vehicleId, x1.positions[0]!.deviceTimeMs]]);
  });

  it('unknown driver: per vehicle on each, nothing carried — 3 h on X and 1 h 10 on Y raise nothing', () => {
    const { positions } = swap(2 * MIN, 8 * MIN, (y) => y.drive(70 * MIN), '');
    expect(positions.every((p) => p.driverId === undefined)).toBe(true);
    expect(violations(runFleet(positions))).toHaveLength(0);
  });

  it('a carried time from after the report (a replay of Y behind a newer store) or from the vehicle itself is not taken', () => {
    // D drives Y 3 h first, then X; replaying Y's early reports with the store already holding X's later time changes nothing.
    const y = Track.at(2026, 11, 23, 8, 0, 0, { vehicleId: Y.vehicleId, driverId: 'D1' })
      .report(60)
      .drive(3 * H);
    const x = new Track(y.timeMs + 3 * MIN, { vehicleId: X.vehicleId, driverId: 'D1', latitudeDeg: 40.2 }).report(0).drive(70 * MIN);
    const first = runFleet([...y.positions, ...x.positions]);
    expect(violations(first).map((a) => a.vehicleId)).toEqual([X.vehicleId]);
    // The same run restarted half-way (states and store through JSON) gives the same alerts.
    expect(runFleet([...y.positions, ...x.positions], { restartAfter: y.positions.length + 20 })).toEqual(first);
  });
});
