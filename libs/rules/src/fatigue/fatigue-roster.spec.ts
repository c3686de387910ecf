import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import { alertV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { driverTimesOf } from '../pipeline/driver-times';
import { driverIdOfReport, rosterLookupOf, type RosterDriverLookup, type VehicleShift } from '../pipeline/roster-drivers';
import { processPosition } from '../pipeline/vehicle-pipeline';
import type { VehicleRuleState } from '../pipeline/vehicle-state';
import { factsOf, positionAt, Track } from '../testing/track';
import type { DriverTimeCarry } from './fatigue.rule';

const H = 3_600_000;
const MIN = 60_000;

const X = factsOf('heavy_truck', { vehicleId: '冀B10001:2', plate: '冀B10001' });
const Y = factsOf('heavy_truck', { vehicleId: '冀B20002:2', plate: '冀B20002' });
const factsById = new Map([X, Y].map((f) => [f.vehicleId, f] as const));

/** One state per vehicle and a driver-time store keyed by driver (the detector in miniature), with the roster's lookup. */
const runFleet = (positions: readonly PositionV1[], roster: RosterDriverLookup | undefined, options: { store?: boolean } = {}) => {
  const states = new Map<string, VehicleRuleState>();
  const store = new Map<string, DriverTimeCarry>();
  const alerts: AlertV1[] = [];
  for (const p of positions) {
    const facts = factsById.get(p.vehicleId) as VehicleFacts;
    const ctx = { ...(roster ? { roster } : {}), ...(options.store === false ? {} : { driverTimes: (id: string) => store.get(id) }) };
    const r = processPosition(facts, states.get(p.vehicleId), p, undefined, ctx);
    // Through JSON every report, as a checkpoint would: the roster's driver must survive it.
    states.set(p.vehicleId, JSON.parse(JSON.stringify(r.state)) as VehicleRuleState);
    for (const carry of driverTimesOf(r.state)) {
      const known = store.get(carry.driverId);
      if (!known || known.lastReportMs <= carry.lastReportMs) store.set(carry.driverId, carry);
    }
    for (const a of r.alerts) alerts.push(alertV1.parse(a));
  }
  return alerts;
};
const continuous = (alerts: readonly AlertV1[], level: AlertV1['level'] = 'violation') =>
  alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === level && a.revision === 0);

const shift = (vehicleId: string, driverId: string, fromMs: number, toMs: number): VehicleShift => ({ vehicleId, driverId, fromMs, toMs });

describe('rosterLookupOf: the roster driver of a vehicle at an instant (RULES.md §13)', () => {
  const t0 = Date.UTC(2026, 10, 23, 0, 0, 0);
  it('a shift is [from, to): its start is his, its end is not (and belongs to the next shift)', () => {
    const lookup = rosterLookupOf([shift('V', 'B', t0 + 8 * H, t0 + 16 * H), shift('V', 'A', t0, t0 + 8 * H)]);
    expect(lookup('V', t0 - 1)).toBeUndefined();
    expect(lookup('V', t0)).toBe('A');
    expect(lookup('V', t0 + 8 * H - 1)).toBe('A');
    expect(lookup('V', t0 + 8 * H)).toBe('B');
    expect(lookup('V', t0 + 16 * H - 1)).toBe('B');
    expect(lookup('V', t0 + 16 * H)).toBeUndefined();
    expect(lookup('W', t0 + H)).toBeUndefined();
  });

  it('two drivers over one instant name none there (the roster refuses it; the lookup never guesses), each his own elsewhere', () => {
    const lookup = rosterLookupOf([shift('V', 'A', t0, t0 + 8 * H), shift('V', 'B', t0 + 6 * H, t0 + 12 * H)]);
    expect(lookup('V', t0 + 6 * H - 1)).toBe('A');
    expect(lookup('V', t0 + 6 * H)).toBeUndefined();
    expect(lookup('V', t0 + 8 * H - 1)).toBeUndefined();
    expect(lookup('V', t0 + 8 * H)).toBe('B');
  });

  it('one driver on two overlapping or back-to-back shifts stays named; a gap between shifts names nobody', () => {
    const lookup = rosterLookupOf([shift('V', 'A', t0, t0 + 4 * H), shift('V', 'A', t0 + 2 * H, t0 + 6 * H), shift('V', 'A', t0 + 7 * H, t0 + 9 * H)]);
    expect(lookup('V', t0 + 3 * H)).toBe('A');
    expect(lookup('V', t0 + 6 * H)).toBeUndefined();
    expect(lookup('V', t0 + 7 * H)).toBe('A');
  });

  it('leaves out an empty, reversed or non-finite shift and keeps the others', () => {
    const lookup = rosterLookupOf([
      shift('V', 'A', t0, t0),
      shift('V', 'B', t0 + H, t0),
      shift('V', 'C', Number.NaN, t0 + H),
      shift('V', 'D', t0 + 2 * H, t0 + 3 * H),
    ]);
    expect(lookup('V', t0)).toBeUndefined();
    expect(lookup('V', t0 + H / 2)).toBeUndefined();
    expect(lookup('V', t0 + 2 * H)).toBe('D');
  });

  it('driverIdOfReport: the card on the report wins over the roster; the report device time, not its receipt, picks the shift', () => {
    const lookup = rosterLookupOf([shift('V', 'R', t0, t0 + H)]);
    expect(driverIdOfReport(positionAt(t0, { vehicleId: 'V', driverId: 'C' }), lookup)).toBe('C');
    expect(driverIdOfReport(positionAt(t0 + H - 1, { vehicleId: 'V', receivedAtMs: t0 + 2 * H }), lookup)).toBe('R');
    expect(driverIdOfReport(positionAt(t0 + H, { vehicleId: 'V', receivedAtMs: t0 }), lookup)).toBeUndefined();
    expect(driverIdOfReport(positionAt(t0, { vehicleId: 'V' }), undefined)).toBeUndefined();
  });
});

describe('fatigue per driver from the roster when no IC card is read (RULES.md §2, §13, §15)', () => {
  const start = Track.at(2026, 11, 23, 8, 0, 0).timeMs;

  it('no card, a roster shift covering the drive: the violation is the rostered driver’s, saying so', () => {
    const x = new Track(start, { vehicleId: X.vehicleId }).report(60).drive(4 * H + 30_000);
    const v = continuous(runFleet(x.positions, rosterLookupOf([shift(X.vehicleId, 'Q130100', start - H, start + 10 * H)])));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ vehicleId: X.vehicleId, driverId: 'Q130100', startedAtMs: start });
    expect(v[0]!.alertId).toContain('d:Q130100');
    expect(v[0]!.details['driverSource']).toBe('roster');
    expect(
      continuous(runFleet(x.positions, rosterLookupOf([shift(X.vehicleId, 'Q130100', start - H, start + 10 * H)])), 'prewarning')[0]!.details['driverSource'],
    ).toBe('roster');
  });

  it('the IC card wins over the roster: the card driver is named, from his card', () => {
    const x = new Track(start, { vehicleId: X.vehicleId, driverId: 'CARD77' }).report(60).drive(4 * H + 30_000);
    const v = continuous(runFleet(x.positions, rosterLookupOf([shift(X.vehicleId, 'Q130100', start - H, start + 10 * H)])));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ driverId: 'CARD77' });
    expect(v[0]!.details['driverSource']).toBe('ic_card');
  });

  it('outside every shift (and without a roster): per vehicle, as before — no driver named, no source', () => {
    const x = new Track(start, { vehicleId: X.vehicleId }).report(60).drive(4 * H + 30_000);
    for (const roster of [
      rosterLookupOf([shift(X.vehicleId, 'Q130100', start + 5 * H, start + 10 * H), shift(Y.vehicleId, 'Q9', start, start + 5 * H)]),
      undefined,
    ]) {
      const v = continuous(runFleet(x.positions, roster));
      expect(v).toHaveLength(1);
      expect(v[0]!.driverId).toBeUndefined();
      expect(v[0]!.alertId).toContain(`v:${X.vehicleId}`);
      expect(v[0]!.details['driverSource']).toBeUndefined();
    }
  });

  it('the shift boundary exactly: a shift ending on the 4 h 00 30 report leaves him at 4 h 00 00 (no violation); 1 ms later it is his', () => {
    const x = new Track(start, { vehicleId: X.vehicleId }).report(60).drive(4 * H + 30_000);
    const endsOn = start + 4 * H + 30_000;
    const driverViolations = (toMs: number) =>
      continuous(runFleet(x.positions, rosterLookupOf([shift(X.vehicleId, 'Q1', start, toMs)]))).filter((a) => a.driverId);
    expect(driverViolations(endsOn)).toEqual([]);
    const v = driverViolations(endsOn + 1);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ driverId: 'Q1', startedAtMs: start });
  });

  it('a driver rostered on X for 3 h, then on Y (no cards at all), carries his time: one violation on Y naming him and X', () => {
    const x = new Track(start, { vehicleId: X.vehicleId })
      .report(60)
      .drive(3 * H)
      .stop(2 * MIN);
    const yStart = x.timeMs + 8 * MIN;
    const y = new Track(yStart, { vehicleId: Y.vehicleId, latitudeDeg: 40.2, longitudeDeg: 116.5 }).report(0).drive(70 * MIN);
    const roster = rosterLookupOf([shift(X.vehicleId, 'Q7', start - H, x.timeMs + MIN), shift(Y.vehicleId, 'Q7', yStart - MIN, yStart + 8 * H)]);
    const alerts = runFleet([...x.positions, ...y.positions], roster);
    const v = continuous(alerts);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ vehicleId: Y.vehicleId, driverId: 'Q7', startedAtMs: start });
    expect(v[0]!.details['carriedFrom']).toEqual([{ vehicleId: X.vehicleId, plate: X.plate, lastReportMs: x.timeMs }]);
    expect(v[0]!.details['driverSource']).toBe('roster');
    // Without the driver-time store nothing is carried: per vehicle neither reaches 4 h.
    expect(continuous(runFleet([...x.positions, ...y.positions], roster, { store: false }))).toEqual([]);
  });

  it('a card on X and the roster on Y are one driver (the 从业资格证 number): his time carries, the source is Y’s', () => {
    const x = new Track(start, { vehicleId: X.vehicleId, driverId: 'Q8' }).report(60).drive(3 * H);
    const yStart = x.timeMs + 5 * MIN;
    const y = new Track(yStart, { vehicleId: Y.vehicleId, latitudeDeg: 40.2, longitudeDeg: 116.5 }).report(0).drive(70 * MIN);
    const v = continuous(runFleet([...x.positions, ...y.positions], rosterLookupOf([shift(Y.vehicleId, 'Q8', yStart, yStart + 8 * H)])));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ vehicleId: Y.vehicleId, driverId: 'Q8', startedAtMs: start });
    expect(v[0]!.details['driverSource']).toBe('roster');
  });
});
