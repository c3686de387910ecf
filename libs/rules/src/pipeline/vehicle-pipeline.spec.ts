import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertV1, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, type VehicleFacts } from '@roadwatch/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { buildRoadIndex } from '../roads/road-index';
import { factsOf, positionAt, Track } from '../testing/track';
import v1Checkpoints from './fixtures/v1-checkpoints.json';
import { snapshotPhaseMs } from './position-rules';
import { checkOffline, processPosition, qualitySnapshotDue, releaseHeld, type PipelineContext } from './vehicle-pipeline';
import type { VehicleRuleState } from './vehicle-state';
import { decodeVehicleState, type VehicleRuleStateV1 } from './vehicle-state.codec';

const MIN = 60_000;
const H = 3_600_000;
const S = 1_000;
const roads = buildRoadIndex(JSON.parse(readFileSync(join(import.meta.dirname, '../../data/sample-roads.geojson'), 'utf8')), DEFAULT_RULES_CONFIG.roads);
const ctx: PipelineContext = { roads };
const bus = factsOf('long_distance_bus', { routeKm: 300 });
const truck = factsOf('heavy_truck');

/** Every position in turn, then (unless `flush: false`) the timer long after: nothing stays held. */
const runAll = (facts: VehicleFacts, positions: readonly PositionV1[], options: { roundTripAt?: (i: number) => boolean; flush?: boolean } = {}) => {
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
  if (state && options.flush !== false) {
    const released = releaseHeld(facts, state, Number.MAX_SAFE_INTEGER, DEFAULT_RULES_CONFIG, ctx);
    state = released.state;
    alerts.push(...released.alerts);
  }
  return { alerts, statuses, state: state as VehicleRuleState };
};

/** The stretch `from`–`to` (indexes, end excluded) arrives as a 0x0704 blind-area batch right after position `after`, received `delayMs` after it. */
const backFilled = (positions: readonly PositionV1[], from: number, to: number, after: number, delayMs = 500): PositionV1[] => {
  const arrival = (positions[after] as PositionV1).receivedAtMs + delayMs;
  const blind = positions.slice(from, to).map((p) => ({ ...p, source: 'blind-area' as const, receivedAtMs: arrival }));
  return [...positions.slice(0, from), ...positions.slice(to, after + 1), ...blind, ...positions.slice(after + 1)];
};
const asBlindArea = (positions: readonly PositionV1[], from: number, to: number): PositionV1[] =>
  positions.map((p, i) => (i >= from && i < to ? { ...p, source: 'blind-area' as const } : p));

describe('per-vehicle pipeline — delivery', () => {
  it('an exact retransmission is a duplicate and changes no alert; an older report is late (archived, not fed)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(2 * MIN);
    const [p0, p1, p2] = t.positions;
    const { statuses } = runAll(truck, [p0!, p1!, p1!, p2!, { ...p0!, speedKmh: 61 }]);
    expect(statuses).toEqual(['accepted', 'accepted', 'duplicate', 'accepted', 'late']);
  });

  it('every alert is a valid AlertV1 and the same input gives the same ids', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H + 10 * MIN, 130)
      .gap(10 * MIN, 10_000)
      .stop(30 * MIN);
    const a = runAll(truck, t.positions).alerts;
    const b = runAll(truck, t.positions).alerts;
    expect(a.length).toBeGreaterThan(3);
    for (const alert of a) alertV1.parse(alert);
    expect(a.map((x) => `${x.alertId}#${x.revision}`)).toEqual(b.map((x) => `${x.alertId}#${x.revision}`));
    expect(new Set(a.map((x) => x.rule))).toEqual(new Set(['speeding', 'fatigue_continuous', 'data_gap_moved']));
  });
});

describe('per-vehicle pipeline — late 0x0704 blind-area back-fill (lateness window 3 min after a silence > 2 min)', () => {
  // 08:00–08:10 driving, 08:10–08:30 out of coverage (stored by the terminal), 08:30–08:40 driving.
  const trip = () =>
    Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(40 * MIN, 60).positions;
  const blindFrom = 21; // 08:10:30
  const blindTo = 61; // the report of 08:30:30 is the first after coverage returns
  const gapAlerts = (alerts: AlertV1[]) => alerts.filter((a) => a.rule === 'data_gap_moved');

  it('the back-fill arriving after newer real-time reports (within 3 min) gives no gap alert and the in-order alerts', () => {
    const inOrder = asBlindArea(trip(), blindFrom, blindTo);
    const late = backFilled(inOrder, blindFrom, blindTo, blindTo + 4); // 2 min of real-time reports first
    const a = runAll(truck, late);
    expect(gapAlerts(a.alerts)).toEqual([]);
    expect(a.statuses.slice(blindFrom, blindFrom + 5)).toEqual(['held', 'held', 'held', 'held', 'held']);
    expect(a.statuses.filter((x) => x === 'late')).toEqual([]);
    expect(a.state.rules.quality.counters.late).toBe(0);
    expect(a.state.ordering.held).toEqual([]);
    expect(a.alerts.map((x) => JSON.stringify(x))).toEqual(runAll(truck, inOrder).alerts.map((x) => JSON.stringify(x)));
  });

  it('the back-fill waits with the report that ended the silence for its window (more of it may still come), then all go in device-time order', () => {
    const late = backFilled(trip(), blindFrom, blindTo, blindTo + 1);
    const arrived = late.slice(0, blindFrom + 2 + (blindTo - blindFrom));
    const { statuses, state } = runAll(truck, arrived, { flush: false });
    expect(statuses.slice(-(blindTo - blindFrom))).toEqual(new Array(blindTo - blindFrom).fill('held'));
    expect(state.ordering.watermarkMs).toBe(late[blindFrom - 1]?.deviceTimeMs);
    expect(state.ordering.held.map((h) => h.position.deviceTimeMs)).toEqual(
      trip()
        .slice(blindFrom, blindTo + 2)
        .map((p) => p.deviceTimeMs),
    );
    expect(state.ordering.held.filter((h) => h.backfill).length).toBe(blindTo - blindFrom);
    const due = releaseHeld(truck, state, (late[blindFrom] as PositionV1).receivedAtMs + 3 * MIN, DEFAULT_RULES_CONFIG, ctx);
    expect(due.state.ordering.held).toEqual([]);
    expect(due.state.ordering.watermarkMs).toBe(trip()[blindTo + 1]?.deviceTimeMs);
    expect(gapAlerts(due.alerts)).toEqual([]);
  });

  it('a silence nobody fills: the gap alert once the window has passed (vehicle clock), as before', () => {
    const positions = trip().filter((_, i) => i < blindFrom || i >= blindTo);
    const { statuses, alerts } = runAll(truck, positions, { flush: false });
    // Held from 08:30:30 (received 08:30:31) until a report received at or after 08:33:31.
    expect(statuses.slice(blindFrom, blindFrom + 7)).toEqual(['held', 'held', 'held', 'held', 'held', 'held', 'accepted']);
    expect(gapAlerts(alerts)).toHaveLength(1);
    expect(gapAlerts(alerts)[0]).toMatchObject({ startedAtMs: positions[blindFrom - 1]?.deviceTimeMs, endedAtMs: positions[blindFrom]?.deviceTimeMs });
  });

  it('a vehicle that goes quiet after the silence: the timer (releaseHeld) releases at receipt + 3 min, not before', () => {
    const positions = trip()
      .slice(0, blindFrom)
      .concat(trip()[blindTo] as PositionV1);
    const { state } = runAll(truck, positions, { flush: false });
    const received = (positions.at(-1) as PositionV1).receivedAtMs;
    const early = releaseHeld(truck, state, received + 3 * MIN - 1, DEFAULT_RULES_CONFIG, ctx);
    expect(early.state).toBe(state);
    const due = releaseHeld(truck, JSON.parse(JSON.stringify(state)) as VehicleRuleState, received + 3 * MIN, DEFAULT_RULES_CONFIG, ctx);
    expect(gapAlerts(due.alerts)).toHaveLength(1);
    expect(due.state.ordering.held).toEqual([]);
  });

  it('a back-fill later than the window: counted late and judged as a stretch of its own; the gap still counts as driving, its alert revised once to say it was back-filled', () => {
    const late = backFilled(trip(), blindFrom, blindTo, blindTo + 7); // 3 min 30 of real-time reports first
    const { statuses, alerts, state } = runAll(truck, late);
    const [raised, revised, ...more] = gapAlerts(alerts);
    expect(more).toEqual([]);
    expect(raised).toMatchObject({ revision: 0, severity: 'minor', details: { countedAsDriving: true } });
    expect(revised).toMatchObject({ alertId: raised?.alertId, revision: 1, severity: 'info', startedAtMs: raised?.startedAtMs, endedAtMs: raised?.endedAtMs });
    expect(revised?.details).toMatchObject({
      backfilled: true,
      countedAsDriving: true,
      firstBackfilledReportMs: (trip()[blindFrom] as PositionV1).deviceTimeMs,
    });
    expect(revised?.summary).toMatch(/^数据中断（已补传）：.*仍计入驾驶时间$/);
    expect(state.rules.quality.counters.late).toBe(blindTo - blindFrom);
    expect(statuses.filter((x) => x === 'late')).toHaveLength(blindTo - blindFrom);
  });

  it('in-order reports with no silence are never held: alerts stay immediate', () => {
    const { statuses } = runAll(
      truck,
      Track.at(2026, 11, 23, 8)
        .report(60)
        .drive(30 * MIN, 110).positions,
      { flush: false },
    );
    expect(new Set(statuses)).toEqual(new Set(['accepted']));
  });

  it('a retransmission of a held report is a duplicate; the hold is bounded by maxHeldReports', () => {
    const positions = trip().filter((_, i) => i < blindFrom || i >= blindTo);
    const { statuses } = runAll(truck, [...positions.slice(0, blindFrom + 2), positions[blindFrom] as PositionV1], { flush: false });
    expect(statuses.slice(-3)).toEqual(['held', 'held', 'duplicate']);
    const small = { ...DEFAULT_RULES_CONFIG, lateness: { ...DEFAULT_RULES_CONFIG.lateness, maxHeldReports: 2 } };
    let state: VehicleRuleState | undefined;
    const seen: string[] = [];
    for (const p of positions.slice(0, blindFrom + 3)) {
      const r = processPosition(truck, state, p, small, ctx);
      state = r.state;
      seen.push(r.status);
    }
    // The third held report pushes the oldest out; the two after it follow without a silence.
    expect(seen.slice(-3)).toEqual(['held', 'held', 'accepted']);
    expect(state?.ordering.held).toEqual([]);
  });
});

describe('per-vehicle pipeline — purity', () => {
  it.each([
    ['per vehicle', undefined],
    ['per IC-card driver (0x0702)', 'D-110101198001011234'],
  ])('never changes the state it is given, %s: every step returns a new one', (_label, driverId) => {
    const t = Track.at(2026, 11, 23, 8, 0, 0, driverId ? { driverId } : {})
      .report(60)
      .drive(3 * H + 50 * MIN, 90)
      .stop(5 * MIN)
      .drive(40 * MIN, 130);
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
  });
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
    ['time 10 min + 1 s after receipt (beyond the skew)', { receivedAtMs: chinaLocalToEpochMs(2026, 11, 23, 8) - 10 * MIN - S }, /time/],
  ])('%s is invalid, reported with its reason, not fed to the rules', (_name, overrides, reason) => {
    const p = positionAt(chinaLocalToEpochMs(2026, 11, 23, 8), { speedKmh: 60, latitudeDeg: 39.5, longitudeDeg: 116, ...overrides });
    const r = processPosition(truck, undefined, p, DEFAULT_RULES_CONFIG, ctx);
    expect(r.status).toBe('invalid');
    expect(r.reasons.join(' ')).toMatch(reason);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ rule: 'invalid_position', level: 'data_quality' });
    expect(r.state.track.motion.last).toBeNull();
  });

  it('the invalid-position alert reads in Chinese with the figures, and in English beside it', () => {
    const p = positionAt(chinaLocalToEpochMs(2026, 11, 23, 8), { speedKmh: 160.1, altitudeM: 6501, latitudeDeg: 39.5, longitudeDeg: 116 });
    const [alert] = processPosition(truck, undefined, p, DEFAULT_RULES_CONFIG, ctx).alerts;
    expect(alert?.summary).toBe('无效定位：速度160.1 km/h超出0–160 km/h；高程6501米超出-200–6500米');
    expect(alert?.summaryEn).toBe('Invalid position: speed: 160.1 km/h outside 0–160; altitude: 6501 m outside -200–6500');
    expect(alert?.details['reasons']).toEqual(['speed: 160.1 km/h outside 0–160', 'altitude: 6501 m outside -200–6500']);
  });

  it('the edges themselves are valid: 73.55 / 135.083 E, 3.85 / 53.55 N, 160 km/h, −200 / 6,500 m', () => {
    for (const o of [
      { longitudeDeg: 73.55, latitudeDeg: 3.85, altitudeM: -200 },
      { longitudeDeg: 135.083, latitudeDeg: 53.55, altitudeM: 6500, speedKmh: 160 },
    ]) {
      expect(processPosition(truck, undefined, positionAt(chinaLocalToEpochMs(2026, 11, 23, 8), o), DEFAULT_RULES_CONFIG, ctx).status).toBe('accepted');
    }
  });

  it('a drift point (implies > 160 km/h from its neighbour) is flagged and excluded; the track goes on', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(0)
      .stop(2 * MIN);
    const jump = positionAt(t.timeMs + 30 * S, { latitudeDeg: 39.6, longitudeDeg: 116 });
    t.wait(30 * S).stop(20 * MIN);
    const positions = [...t.positions.slice(0, 5), jump, ...t.positions.slice(5)];
    const { statuses, alerts, state } = runAll(truck, positions);
    expect(statuses.filter((s) => s === 'drift')).toHaveLength(1);
    expect(alerts.filter((a) => a.rule === 'drift')).toHaveLength(1);
    expect(alerts.filter((a) => a.rule === 'data_gap_moved')).toHaveLength(0);
    expect(state.rules.fatigue.subjects).toEqual({});
    expect(state.rules.quality.counters.drift).toBe(1);
  });

  it('a gap moved through raises data_gap_moved and counts as driving; a gap > 1 km is incomplete track', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(10 * MIN)
      .gap(20 * MIN, 15_000)
      .drive(10 * MIN);
    const { alerts, state } = runAll(truck, t.positions);
    const gap = alerts.filter((a) => a.rule === 'data_gap_moved');
    expect(gap).toHaveLength(1);
    expect(gap[0]?.details).toMatchObject({ durationMs: 20 * MIN, countedAsDriving: true });
    expect(state.rules.quality.counters.incompleteGaps).toBe(1);
    expect(state.rules.quality.counters.completeTrackM / state.rules.quality.counters.trackM).toBeCloseTo(20_000 / 35_000, 1);
  });

  it('ACC off but moving: driving, all the way to a fatigue violation', () => {
    const t = Track.at(2026, 11, 23, 8).report(60);
    t.accOn = false;
    t.drive(4 * H + 30 * S);
    expect(runAll(truck, t.positions).alerts.filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation')).toHaveLength(1);
  });

  it('offline: no report for more than 20 min → one alert per silence; the next report closes it (same id, revision 1)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(5 * MIN);
    const { state } = runAll(truck, t.positions);
    const last = state.lastReceivedAtMs as number;
    expect(checkOffline(state, last + 20 * MIN).alerts).toHaveLength(0);
    const off = checkOffline(state, last + 20 * MIN + 1);
    expect(off.alerts[0]).toMatchObject({ rule: 'offline', level: 'data_quality', revision: 0, vehicleId: truck.vehicleId });
    expect(off.alerts[0]).toMatchObject({ summary: '离线：超过20分钟无定位上报', summaryEn: 'Offline: no report for more than 0 h 20 min 00 s' });
    expect(checkOffline(off.state, last + 60 * MIN).alerts).toHaveLength(0);
    t.wait(40 * MIN).report(0);
    const back = processPosition(truck, off.state, t.positions.at(-1)!, DEFAULT_RULES_CONFIG, ctx);
    const closed = back.alerts.find((a) => a.rule === 'offline');
    expect(closed).toMatchObject({ alertId: off.alerts[0]?.alertId, revision: 1 });
    expect(closed?.summary).toMatch(/^恢复上线：此前\d+分钟(\d+秒)?无定位上报$/);
  });

  it('daily counters roll over at local midnight and are handed back to be persisted', () => {
    const t = Track.at(2026, 11, 23, 23, 50)
      .report(60)
      .drive(20 * MIN);
    let state: VehicleRuleState | undefined;
    const closed = [];
    for (const p of t.positions) {
      const r = processPosition(truck, state, p, DEFAULT_RULES_CONFIG, ctx);
      state = r.state;
      closed.push(...r.closedDays);
    }
    expect(closed.map((c) => [c.date, c.valid])).toEqual([['2026-11-23', 20]]);
    expect(state?.rules.quality.counters.date).toBe('2026-11-24');
  });

  it('a report from the future before any valid one counts as invalid on the day it was received, not lost', () => {
    const receivedAtMs = chinaLocalToEpochMs(2026, 11, 23, 8);
    const future = positionAt(receivedAtMs + 60 * MIN, { receivedAtMs, latitudeDeg: 39.5, longitudeDeg: 116 });
    const first = processPosition(truck, undefined, future, DEFAULT_RULES_CONFIG, ctx);
    expect(first.status).toBe('invalid');
    expect(first.state.rules.quality.counters).toMatchObject({ date: '2026-11-23', received: 1, invalid: 1 });
    // The next day's first valid report closes that day with its one invalid report in it.
    const next = processPosition(
      truck,
      first.state,
      positionAt(chinaLocalToEpochMs(2026, 11, 24, 8), { latitudeDeg: 39.5, longitudeDeg: 116 }),
      DEFAULT_RULES_CONFIG,
      ctx,
    );
    expect(next.closedDays.map((c) => [c.date, c.received, c.invalid])).toEqual([['2026-11-23', 1, 1]]);
  });

  // 60 km/h every 30 s = 500 m stretches; the Track's metres per degree differ from the
  // haversine's by 0.7 ppm, hence "close to" for metres and exact ratios.
  const trackWithOneGap = () =>
    Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(5 * MIN)
      .gap(MIN, 1_500)
      .drive(MIN);

  it('轨迹完整率: 500 m stretches are complete, one 1.5 km stretch (> completeGapM 1 km) is not', () => {
    const { state } = runAll(truck, trackWithOneGap().positions);
    expect(state.rules.quality.counters).toMatchObject({ received: 14, valid: 14, invalid: 0, drift: 0, incompleteGaps: 1, movedThroughGaps: 0 });
    expect(state.rules.quality.counters.trackM).toBeCloseTo(12 * 500 + 1_500, 1);
    expect(state.rules.quality.counters.completeTrackM).toBeCloseTo(12 * 500, 1);
    expect(state.rules.quality.counters.completeTrackM / state.rules.quality.counters.trackM).toBeCloseTo(6_000 / 7_500, 9);
  });

  it('snapshots of the open day: when the counters changed and snapshotEveryMs (10 min) has passed since the last', () => {
    const t = trackWithOneGap();
    const { state } = runAll(truck, t.positions);
    // The timer's first look arms the vehicle at its phase; its first snapshot is due within 10 min.
    const armedAt = (state.lastReceivedAtMs as number) + MIN;
    const armed = qualitySnapshotDue(state, armedAt);
    expect(armed.snapshot).toBeNull();
    expect(armed.state.rules.quality.snapshot).toEqual({ date: '', reports: 0, atMs: armedAt - snapshotPhaseMs(truck.vehicleId, 10 * MIN) });
    const now = armedAt + 10 * MIN;
    const first = qualitySnapshotDue(armed.state, now);
    expect(first.snapshot).toMatchObject({ date: '2026-11-23', received: 14, incompleteGaps: 1 });
    expect(first.state.rules.quality.snapshot).toEqual({ date: '2026-11-23', reports: 14, atMs: now });
    // Unchanged counters: nothing, however long after (a silent vehicle is reported once).
    expect(qualitySnapshotDue(first.state, now + 5 * H)).toEqual({ state: first.state, snapshot: null });

    t.drive(30 * S);
    const later = processPosition(truck, first.state, t.positions.at(-1)!, DEFAULT_RULES_CONFIG, ctx).state;
    expect(qualitySnapshotDue(later, now + 10 * MIN - 1).snapshot).toBeNull();
    const second = qualitySnapshotDue(later, now + 10 * MIN);
    expect(second.snapshot).toMatchObject({ date: '2026-11-23', received: 15, valid: 15 });
    expect(second.snapshot!.trackM - first.snapshot!.trackM).toBeCloseTo(500, 1);
    expect(second.state.rules.quality.snapshot).toEqual({ date: '2026-11-23', reports: 15, atMs: now + 10 * MIN });
    // A retransmission changes the counters too (duplicate), so the next snapshot carries it.
    const dup = processPosition(truck, second.state, t.positions.at(-1)!, DEFAULT_RULES_CONFIG, ctx).state;
    expect(qualitySnapshotDue(dup, now + 20 * MIN).snapshot).toMatchObject({ received: 15, duplicate: 1 });
  });

  it('snapshots every 10 min while a day changes; the final of a closed day counts at least what its snapshots did', () => {
    const t = Track.at(2026, 11, 23, 23, 50).report(60);
    // Armed long ago: due at the first tick.
    const first = processPosition(truck, undefined, t.positions[0]!, DEFAULT_RULES_CONFIG, ctx).state;
    let state: VehicleRuleState = { ...first, rules: { ...first.rules, quality: { ...first.rules.quality, snapshot: { date: '', reports: 0, atMs: 0 } } } };
    const sent: { date: string; received: number; final: boolean }[] = [];
    for (let i = 0; i < 61; i++) {
      t.drive(30 * S);
      const r = processPosition(truck, state, t.positions.at(-1)!, DEFAULT_RULES_CONFIG, ctx);
      sent.push(...r.closedDays.map((c) => ({ date: c.date, received: c.received, final: true })));
      const due = qualitySnapshotDue(r.state, t.timeMs);
      state = due.state;
      if (due.snapshot) sent.push({ date: due.snapshot.date, received: due.snapshot.received, final: false });
    }
    // 23:50:00–23:59:30 is 20 reports; the 00:00:00 report closes the day.
    expect(sent).toEqual([
      { date: '2026-11-23', received: 2, final: false },
      { date: '2026-11-23', received: 20, final: true },
      { date: '2026-11-24', received: 2, final: false },
      { date: '2026-11-24', received: 22, final: false },
      { date: '2026-11-24', received: 42, final: false },
    ]);
  });

  it('a checkpoint of state v:1 from before snapshots existed still loads and snapshots', () => {
    // Written by the pipeline before the versioned state (fixtures/v1-checkpoints.json), the snapshot mark taken out.
    const truckRun = v1Checkpoints.vehicles.find((v) => v.name === 'truck')!;
    const written = truckRun.checkpoints.find((c) => c.state.quality.received >= 14)!;
    const old = structuredClone(written.state) as unknown as VehicleRuleStateV1;
    delete old.qualitySnapshot;
    expect(old.v).toBe(1);
    const state = decodeVehicleState(old);
    const now = (state.lastReceivedAtMs as number) + MIN;
    const armed = qualitySnapshotDue(state, now);
    expect(armed.snapshot).toBeNull();
    expect(qualitySnapshotDue(armed.state, now + 10 * MIN).snapshot).toMatchObject({ received: old.quality.received });
  });

  it("the fleet's first snapshots spread over the 10 min, not into one timer tick: phases from the vehicle id", () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `京A${10_000 + i}:2`);
    const perMinute = Array<number>(10).fill(0);
    for (const id of ids) {
      const phase = snapshotPhaseMs(id, 10 * MIN);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(10 * MIN);
      expect(snapshotPhaseMs(id, 10 * MIN)).toBe(phase);
      perMinute[Math.floor(phase / MIN)]! += 1;
    }
    for (const n of perMinute) expect(n).toBeGreaterThan(60);
    expect(snapshotPhaseMs('京A10000:2', 0)).toBe(0);
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
  // How late the data came (`receivedLateByMs`) is about delivery, not judgement: a back-fill may carry it where live data does not.
  const key = (alerts: AlertV1[]) => alerts.map(({ receivedLateByMs: _delivery, ...a }) => JSON.stringify(a));

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

  it('a blind-area stretch arriving late (after newer real-time reports, within the window) gives the same alerts as in order', () => {
    const { windowMs, holdAfterSilenceMs } = DEFAULT_RULES_CONFIG.lateness;
    let meaningful = 0;
    fc.assert(
      fc.property(
        scenario,
        fc.nat(),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 100 }),
        (s, at, length, k, roundTrip) => {
          const positions = build(s);
          if (positions.length < 4) return;
          const from = 1 + (at % (positions.length - 2));
          const to = Math.min(from + length, positions.length - 1);
          // Only a stretch that leaves a silence in the real-time reports is held; a shorter one is
          // archived only (see 'a back-fill later than the window').
          if ((positions[to] as PositionV1).deviceTimeMs - (positions[from - 1] as PositionV1).deviceTimeMs <= holdAfterSilenceMs) return;
          // The back-fill arrives after k more real-time reports, still within the window of the first.
          let after = to;
          const first = (positions[to] as PositionV1).receivedAtMs;
          while (after + 1 < positions.length && after - to < k && (positions[after + 1] as PositionV1).receivedAtMs + 500 < first + windowMs) after++;
          const inOrder = asBlindArea(positions, from, to);
          const late = backFilled(inOrder, from, to, after);
          meaningful++;
          const clean = runAll(bus, inOrder).alerts;
          const result = runAll(bus, late, { roundTripAt: (i) => roundTrip % 3 === 0 && i % 5 === 0 });
          expect(result.statuses).not.toContain('late');
          expect(key(result.alerts)).toEqual(key(clean));
        },
      ),
      { numRuns: 80 },
    );
    expect(meaningful).toBeGreaterThan(30);
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

describe('per-vehicle pipeline — clocks (a report ahead of the platform clock, data received weeks late)', () => {
  const Y2099 = chinaLocalToEpochMs(2099, 1, 1, 8);
  // 08:00–08:05 at 60 km/h, then 08:05–08:07 at 130 km/h: a speeding episode on an unmatched road.
  const trip = () =>
    Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(5 * MIN, 60)
      .drive(2 * MIN, 130).positions;

  it('a report dated 2099 is invalid, dated by its receipt, moves no watermark; the later valid reports are still judged', () => {
    const positions = trip();
    const at = 6;
    const before = positions[at - 1] as PositionV1;
    const future = positionAt(Y2099, { vehicleId: before.vehicleId, receivedAtMs: before.receivedAtMs + 500, latitudeDeg: 39.6, speedKmh: 0 });
    const withFuture = [...positions.slice(0, at), future, ...positions.slice(at)];
    const a = runAll(truck, withFuture);
    const b = runAll(truck, positions);
    expect(a.statuses[at]).toBe('invalid');
    expect(a.statuses.filter((s) => s !== 'accepted')).toEqual(['invalid']);
    const invalid = a.alerts.filter((x) => x.rule === 'invalid_position');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ startedAtMs: future.receivedAtMs, raisedAtMs: future.receivedAtMs });
    expect(invalid[0]?.summaryEn).toContain('time:');
    // The watermark is the last valid report, not 2099; the rest judged as without the 2099 report.
    expect(a.state.ordering.watermarkMs).toBe(positions[positions.length - 1]?.deviceTimeMs);
    const judged = (alerts: AlertV1[]) => alerts.filter((x) => x.rule !== 'invalid_position').map((x) => `${x.alertId}#${x.revision}`);
    expect(judged(a.alerts)).toEqual(judged(b.alerts));
    expect(judged(a.alerts).some((id) => id.startsWith('speeding|'))).toBe(true);
  });

  it('the skew is 10 min by default: 9 min ahead is accepted and judged, 10 min and 1 ms is not; configurable', () => {
    const receivedAtMs = chinaLocalToEpochMs(2026, 11, 23, 8);
    const ahead = (ms: number) => positionAt(receivedAtMs + ms, { receivedAtMs });
    expect(processPosition(truck, undefined, ahead(9 * MIN), DEFAULT_RULES_CONFIG, ctx).status).toBe('accepted');
    expect(processPosition(truck, undefined, ahead(10 * MIN), DEFAULT_RULES_CONFIG, ctx).status).toBe('accepted');
    expect(processPosition(truck, undefined, ahead(10 * MIN + 1), DEFAULT_RULES_CONFIG, ctx).status).toBe('invalid');
    const strict = { ...DEFAULT_RULES_CONFIG, quality: { ...DEFAULT_RULES_CONFIG.quality, clockSkewMs: MIN } };
    expect(processPosition(truck, undefined, ahead(2 * MIN), strict, ctx).status).toBe('invalid');
    // The platform clock can be given (ctx.nowMs) instead of the receipt.
    expect(processPosition(truck, undefined, ahead(9 * MIN), DEFAULT_RULES_CONFIG, { ...ctx, nowMs: receivedAtMs - 2 * MIN }).status).toBe('invalid');
  });

  it("data received three weeks late is judged the same, and its alerts say how late (receivedLateByMs); live data's do not", () => {
    const weeksMs = 21 * 24 * H;
    const live = runAll(truck, trip());
    const late = runAll(
      truck,
      trip().map((p) => ({ ...p, source: 'batch' as const, receivedAtMs: p.deviceTimeMs + weeksMs })),
    );
    expect(late.alerts.map((x) => `${x.alertId}#${x.revision}`)).toEqual(live.alerts.map((x) => `${x.alertId}#${x.revision}`));
    expect(late.alerts.length).toBeGreaterThan(0);
    for (const alert of late.alerts) {
      expect(alert.receivedLateByMs).toBe(weeksMs);
      expect(alertV1.parse(alert).receivedLateByMs).toBe(weeksMs);
    }
    expect(live.alerts.every((x) => x.receivedLateByMs === undefined)).toBe(true);
  });

  it('late by the threshold (10 min) exactly is not late; by more is — per triggering report, not per alert id', () => {
    const positions = trip();
    // Only the report that ends the speeding episode's 30 s arrives late, by 10 min and then by 10 min + 1 s.
    const speedingFirst = (alerts: AlertV1[]) => alerts.find((x) => x.rule === 'speeding');
    const lateAt = (lateMs: number) =>
      runAll(
        truck,
        positions.map((p, i) => (i >= 12 ? { ...p, receivedAtMs: p.deviceTimeMs + lateMs } : p)),
      );
    expect(speedingFirst(lateAt(10 * MIN).alerts)?.receivedLateByMs).toBeUndefined();
    expect(speedingFirst(lateAt(10 * MIN + S).alerts)?.receivedLateByMs).toBe(10 * MIN + S);
  });
});
