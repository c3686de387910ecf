import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import { alertV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { subjectOf } from '../common/alerts';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../common/rules-config';
import { initialMotionState, stepMotion } from '../motion/motion-model';
import { factsOf, Track } from '../testing/track';
import { evaluateFatigue, initialFatigueState } from './fatigue.rule';

const H = 3_600_000;
const MIN = 60_000;
const S = 1_000;

/** Motion model + fatigue rule over a track, as the pipeline runs them. */
const run = (facts: VehicleFacts, positions: readonly PositionV1[], config: RulesConfig = DEFAULT_RULES_CONFIG) => {
  let motion = initialMotionState();
  let fatigue = initialFatigueState();
  const alerts: Array<AlertV1 & { at: number }> = [];
  for (const p of positions) {
    const subject = subjectOf(p.driverId);
    const m = stepMotion(
      motion,
      { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject },
      config.motion,
    );
    motion = m.state;
    const r = evaluateFatigue(facts, fatigue, { position: p, interval: m.interval, subject }, config);
    fatigue = JSON.parse(JSON.stringify(r.state));
    for (const a of r.outputs) {
      alertV1.parse(a);
      alerts.push({ ...a, at: p.deviceTimeMs });
    }
  }
  return alerts;
};
const of = (alerts: Array<AlertV1 & { at: number }>, rule: AlertV1['rule'], level: AlertV1['level']) =>
  alerts.filter((a) => a.rule === rule && a.level === level && a.revision === 0);

const truck = factsOf('heavy_truck');
const bus = factsOf('long_distance_bus', { routeKm: 300 });
const hazmat = factsOf('hazmat');

describe('fatigue — continuous driving > 4 h (RULES.md §2, §8)', () => {
  it('exactly 4 h 00 00 of driving is not a violation', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(0);
  });

  it('4 h 00 01 is a violation (one report 1 s past 4 h)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H);
    t.intervalMs = 1_000;
    t.drive(1 * S);
    const v = of(run(truck, t.positions), 'fatigue_continuous', 'violation');
    expect(v).toHaveLength(1);
    expect(v[0]?.details).toMatchObject({ drivingMs: 4 * H + 1 * S });
    expect(v[0]?.summary).toBe('疲劳驾驶：连续驾驶4小时1秒未停车休息20分钟以上（上限4小时）');
    expect(v[0]?.summaryEn).toBe('Continuous driving 4 h 00 min 01 s without a 20 min rest (limit 4 h 00 min 00 s)');
  });

  it('the next 30 s report past 4 h is the violation; one per period however long it lasts', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H + 30 * S)
      .drive(2 * H);
    const alerts = run(truck, t.positions);
    const v = of(alerts, 'fatigue_continuous', 'violation');
    expect(v).toHaveLength(1);
    expect(v[0]?.at).toBe(t.positions[0]!.deviceTimeMs + 4 * H + 30 * S);
  });

  it('pre-warning at 3 h 40 00, not at 3 h 39 30, carrying the driving time so far for the TTS reminder', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H + 39 * MIN + 30 * S);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'prewarning')).toHaveLength(0);
    t.drive(30 * S);
    const pre = of(run(truck, t.positions), 'fatigue_continuous', 'prewarning');
    expect(pre).toHaveLength(1);
    expect(pre[0]?.details).toMatchObject({ drivingMs: 3 * H + 40 * MIN, remainingMs: 20 * MIN });
    expect(String(pre[0]?.details.ttsText)).toContain('3小时40分钟');
  });

  it('a 19 min 59 s stop does not break the period (2 h + 19:59 + 2 h → violation)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(2 * H)
      .stopFor(19 * MIN + 59 * S)
      .drive(2 * H);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(1);
  });

  it('a 20 min 00 s stop is a rest (2 h + 20:00 + 2 h → no violation)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(2 * H)
      .stopFor(20 * MIN)
      .drive(2 * H);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(0);
  });

  it('each period over 4 h has its own pre-warning, violation and closing revision: the rest that closes one resets what was said', () => {
    const t = Track.at(2026, 11, 23, 6)
      .report(60)
      .drive(4 * H + 10 * MIN)
      .stopFor(25 * MIN)
      .drive(4 * H + 10 * MIN)
      .stop(25 * MIN);
    const continuous = run(truck, t.positions).filter((a) => a.rule === 'fatigue_continuous');
    const violations = continuous.filter((a) => a.level === 'violation');
    expect(continuous.filter((a) => a.level === 'prewarning' && a.revision === 0)).toHaveLength(2);
    expect(violations.map((a) => a.revision)).toEqual([0, 1, 0, 1]);
    expect(new Set(violations.map((a) => a.alertId)).size).toBe(2);
    const firstStartMs = t.positions[0]!.deviceTimeMs;
    expect(violations.slice(0, 2).map((a) => a.startedAtMs)).toEqual([firstStartMs, firstStartMs]);
    expect(violations[2]!.startedAtMs).toBeGreaterThan(firstStartMs + 4 * H + 10 * MIN);
    expect(violations[3]!.details).toMatchObject({ drivingMs: 4 * H + 10 * MIN, closed: true });
  });

  it('a 20 min stop with ACC on (idling for heating) is still a rest', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H);
    t.accOn = true;
    t.stopFor(20 * MIN).drive(3 * H);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(0);
  });

  it('ACC off but moving counts as driving', () => {
    const t = Track.at(2026, 11, 23, 8).report(60);
    t.accOn = false;
    t.drive(4 * H + 30 * S);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(1);
  });

  it('a gap the vehicle moved through counts as driving (3 h + 70 min gap moved 70 km → violation)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H)
      .gap(70 * MIN, 70_000);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(1);
  });

  it('a gap stood still through (end within 50 m) can be a rest (3 h + 70 min still + 3 h → none)', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H)
      .gap(70 * MIN, 30, 0)
      .drive(3 * H);
    expect(of(run(truck, t.positions), 'fatigue_continuous', 'violation')).toHaveLength(0);
  });

  it('points per §2: passenger/hazmat 9 points ¥200 (serious), heavy truck 3 points', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H + 30 * S);
    expect(of(run(hazmat, t.positions), 'fatigue_continuous', 'violation')[0]).toMatchObject({ points: 9, fineYuan: 200, severity: 'serious' });
    expect(of(run(bus, t.positions), 'fatigue_continuous', 'violation')[0]).toMatchObject({ points: 9, fineYuan: 200 });
    const truckAlert = of(run(truck, t.positions), 'fatigue_continuous', 'violation')[0];
    expect(truckAlert).toMatchObject({ points: 3 });
    expect(truckAlert?.fineYuan).toBeUndefined();
  });

  it('the violation record is re-emitted (same id, revision 1) with its end once a 20 min rest ends the period', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(4 * H + 10 * MIN)
      .stop(25 * MIN);
    const alerts = run(truck, t.positions).filter((a) => a.rule === 'fatigue_continuous' && a.level === 'violation');
    expect(alerts.map((a) => a.revision)).toEqual([0, 1]);
    expect(alerts[1]?.alertId).toBe(alerts[0]?.alertId);
    expect(alerts[1]?.endedAtMs).toBe(t.positions[0]!.deviceTimeMs + 4 * H + 10 * MIN);
    expect(alerts[1]?.details).toMatchObject({ drivingMs: 4 * H + 10 * MIN, closed: true });
  });

  it('per driver when the report carries the 0x0702 driver: two drivers of 3 h each are not fatigued; the same without driver ids is', () => {
    const withDrivers = Track.at(2026, 11, 23, 8, 0, 0, { driverId: 'D1' })
      .report(60)
      .drive(3 * H)
      .stop(5 * MIN);
    withDrivers.driverId = 'D2';
    withDrivers.stop(5 * MIN).drive(3 * H);
    expect(of(run(bus, withDrivers.positions), 'fatigue_continuous', 'violation')).toHaveLength(0);

    const anonymous = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H)
      .stop(10 * MIN)
      .drive(3 * H);
    expect(of(run(bus, anonymous.positions), 'fatigue_continuous', 'violation')).toHaveLength(1);
  });

  it('a driver alert carries the driver id and its id is derived from the driver', () => {
    const t = Track.at(2026, 11, 23, 8, 0, 0, { driverId: 'D7' })
      .report(60)
      .drive(4 * H + 30 * S);
    const v = of(run(bus, t.positions), 'fatigue_continuous', 'violation')[0];
    expect(v?.driverId).toBe('D7');
    expect(v?.alertId).toContain('d:D7');
  });

  it('terminal fatigue alarm bits are evidence only: bit 2 on a 1 h drive raises nothing, and is recorded on a real violation', () => {
    const short = Track.at(2026, 11, 23, 8).report(60);
    short.alarmFlags = (1 << 2) | (1 << 14) | (1 << 18);
    short.drive(1 * H);
    expect(run(truck, short.positions)).toHaveLength(0);
    short.drive(3 * H + 30 * S);
    const v = of(run(truck, short.positions), 'fatigue_continuous', 'violation')[0];
    expect(v?.details.terminalAlarms).toMatchObject({ fatigueAtMs: short.positions[1]!.deviceTimeMs });
  });
});

describe('fatigue — night driving of passenger vehicles > 2 h (RULES.md §2, §8)', () => {
  it('2 h 00 00 inside 22:00–06:00 is not a violation; the next report is', () => {
    const t = Track.at(2026, 11, 23, 22)
      .report(60)
      .drive(2 * H);
    expect(of(run(bus, t.positions), 'fatigue_night', 'violation')).toHaveLength(0);
    t.drive(30 * S);
    expect(of(run(bus, t.positions), 'fatigue_night', 'violation')).toHaveLength(1);
  });

  it('pre-warning 20 min before: at 1 h 40 00 of night driving', () => {
    const t = Track.at(2026, 11, 23, 21)
      .report(60)
      .drive(1 * H)
      .drive(1 * H + 39 * MIN + 30 * S);
    expect(of(run(bus, t.positions), 'fatigue_night', 'prewarning')).toHaveLength(0);
    t.drive(30 * S);
    const pre = of(run(bus, t.positions), 'fatigue_night', 'prewarning');
    expect(pre).toHaveLength(1);
    expect(pre[0]?.details).toMatchObject({ nightDrivingMs: 1 * H + 40 * MIN });
  });

  it('only the part of the period inside the night counts (20:30 start, 2 h 00 at night by 00:00 is not yet over)', () => {
    const t = Track.at(2026, 11, 23, 20, 30)
      .report(60)
      .drive(3 * H + 30 * MIN);
    expect(of(run(bus, t.positions), 'fatigue_night', 'violation')).toHaveLength(0);
  });

  it('does not apply to goods vehicles', () => {
    const t = Track.at(2026, 11, 23, 22)
      .report(60)
      .drive(2 * H + 30 * MIN);
    expect(of(run(truck, t.positions), 'fatigue_night', 'violation')).toHaveLength(0);
  });

  it('one violation per driving period; a new period after a 20 min rest can have its own', () => {
    const t = Track.at(2026, 11, 23, 22)
      .report(60)
      .drive(2 * H + 30 * MIN)
      .stopFor(20 * MIN)
      .drive(2 * H + 30 * S);
    expect(of(run(bus, t.positions), 'fatigue_night', 'violation')).toHaveLength(2);
  });
});

describe('fatigue — > 8 h driving in the trailing 24 h (RULES.md §2, §8)', () => {
  // 3 h 50 + rest 30 min + 3 h 50 = 7 h 40 of driving.
  const day = () =>
    Track.at(2026, 11, 23, 6)
      .report(60)
      .drive(3 * H + 50 * MIN)
      .stopFor(30 * MIN)
      .drive(3 * H + 50 * MIN);

  it('pre-warning when the 24 h total reaches 7 h 40 (8 h − 20 min)', () => {
    const alerts = run(truck, day().positions);
    const pre = of(alerts, 'fatigue_daily', 'prewarning');
    expect(pre).toHaveLength(1);
    expect(pre[0]?.details).toMatchObject({ drivingInWindowMs: 7 * H + 40 * MIN });
  });

  it('exactly 8 h 00 00 is not a violation; the next report past 8 h is, once', () => {
    const t = day()
      .stopFor(30 * MIN)
      .drive(20 * MIN);
    expect(of(run(truck, t.positions), 'fatigue_daily', 'violation')).toHaveLength(0);
    t.drive(30 * S).drive(1 * H);
    expect(of(run(truck, t.positions), 'fatigue_daily', 'violation')).toHaveLength(1);
  });

  it('no second violation while the 24 h total stays above 8 h (driving replaces what slides out of the window)', () => {
    // 8 h 40 by 15:40, then a 14 h 40 stop: at 06:20 the next day 8 h 20 is still inside the window,
    // and driving on keeps it there while the previous morning slides out.
    const t = day()
      .stopFor(30 * MIN)
      .drive(1 * H)
      .stop(14 * H + 40 * MIN)
      .stopFor(0)
      .drive(3 * H);
    expect(of(run(truck, t.positions), 'fatigue_daily', 'violation')).toHaveLength(1);
  });

  it('the next violation only after the total fell back to ≤ 8 h', () => {
    const t = day()
      .stopFor(30 * MIN)
      .drive(1 * H)
      .stop(24 * H)
      .stopFor(0);
    t.drive(3 * H + 50 * MIN)
      .stopFor(30 * MIN)
      .drive(3 * H + 50 * MIN)
      .stopFor(30 * MIN)
      .drive(1 * H);
    const v = of(run(truck, t.positions), 'fatigue_daily', 'violation');
    expect(v).toHaveLength(2);
    expect(new Set(v.map((a) => a.alertId)).size).toBe(2);
  });
});

describe('fatigue — when the limit was passed and when the alert was first raised (issue #10 item 6)', () => {
  const all = (alerts: Array<AlertV1 & { at: number }>, rule: AlertV1['rule']) => alerts.filter((a) => a.rule === rule && a.level === 'violation');

  it('continuous: the instant 4 h of driving were reached, exact, on the raising and the closing revision', () => {
    // Reports every 47 s, so no report lands on 4 h: the violation is raised at the first report past it.
    const start = Track.at(2026, 11, 23, 8);
    const t = start.report(60);
    const startMs = t.timeMs;
    t.intervalMs = 47 * S;
    t.drive(4 * H + 5 * MIN)
      .stopFor(25 * MIN)
      .drive(10 * MIN);
    const [raised, closed, ...more] = all(run(truck, t.positions), 'fatigue_continuous');
    expect(more).toHaveLength(0);
    expect(raised?.revision).toBe(0);
    expect(raised?.limitPassedAtMs).toBe(startMs + 4 * H);
    expect(raised?.raisedAtMs).toBeGreaterThan(startMs + 4 * H);
    expect(raised?.raisedAtMs).toBeLessThan(startMs + 4 * H + 47 * S);
    expect(raised?.firstRaisedAtMs).toBe(raised?.raisedAtMs);
    // The period's final record keeps both instants; only its own raising time moves on.
    expect(closed).toMatchObject({ revision: 1, limitPassedAtMs: startMs + 4 * H, firstRaisedAtMs: raised?.raisedAtMs });
    expect(closed?.raisedAtMs).toBeGreaterThan(raised?.raisedAtMs as number);
  });

  it('continuous: a short stop counts as driving, so the limit instant is still 4 h after the period began', () => {
    const t = Track.at(2026, 11, 23, 8).report(60);
    const startMs = t.timeMs;
    t.drive(2 * H)
      .stopFor(15 * MIN)
      .drive(2 * H);
    const [raised] = all(run(truck, t.positions), 'fatigue_continuous');
    expect(raised?.limitPassedAtMs).toBe(startMs + 4 * H);
  });

  it('night: the instant the period had 2 h inside 22:00–06:00 (00:00 for a bus driving from 21:10)', () => {
    const t = Track.at(2026, 11, 23, 21, 10).report(60);
    t.intervalMs = 53 * S;
    t.drive(3 * H);
    const [raised] = all(run(bus, t.positions), 'fatigue_night');
    expect(raised?.limitPassedAtMs).toBe(Track.at(2026, 11, 24, 0).timeMs);
    expect(raised?.raisedAtMs).toBeGreaterThan(raised?.limitPassedAtMs as number);
  });

  it('24 h: the instant the trailing 24 h held 8 h of driving, exact, between two reports', () => {
    // Three periods under 4 h, rests of 1 h: 3 h 50 + 3 h 50 = 7 h 40, then 20 min more.
    const t = Track.at(2026, 11, 23, 0).report(60);
    t.intervalMs = 41 * S;
    t.drive(3 * H + 50 * MIN)
      .stopFor(1 * H)
      .drive(3 * H + 50 * MIN)
      .stopFor(1 * H);
    const thirdStartMs = t.timeMs;
    t.drive(1 * H);
    const alerts = run(truck, t.positions);
    expect(all(alerts, 'fatigue_continuous')).toHaveLength(0);
    const [daily] = all(alerts, 'fatigue_daily');
    // Each rest is a full hour, so each period is 3 h 50 from its first to its last moving report.
    expect(daily?.limitPassedAtMs).toBe(thirdStartMs + 20 * MIN);
    expect(daily?.firstRaisedAtMs).toBe(daily?.raisedAtMs);
  });

  it('pre-warnings carry the first-raised time but no limit instant', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(3 * H + 45 * MIN);
    const [pre] = of(run(truck, t.positions), 'fatigue_continuous', 'prewarning');
    expect(pre?.firstRaisedAtMs).toBe(pre?.raisedAtMs);
    expect(pre).not.toHaveProperty('limitPassedAtMs');
  });
});

describe('fatigue — state unchanged when a report changes nothing (no copy per report)', () => {
  /** The states the rule returned, report by report, over a track. */
  const statesOver = (positions: readonly PositionV1[]) => {
    let motion = initialMotionState();
    let fatigue = initialFatigueState();
    const steps: Array<{ before: ReturnType<typeof initialFatigueState>; after: ReturnType<typeof initialFatigueState>; snapshot: string }> = [];
    for (const p of positions) {
      const subject = subjectOf(p.driverId);
      const m = stepMotion(
        motion,
        { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject },
        DEFAULT_RULES_CONFIG.motion,
      );
      motion = m.state;
      const snapshot = JSON.stringify(fatigue);
      const r = evaluateFatigue(truck, fatigue, { position: p, interval: m.interval, subject }, DEFAULT_RULES_CONFIG);
      steps.push({ before: fatigue, after: r.state, snapshot });
      fatigue = r.state;
    }
    return steps;
  };

  it('a parked vehicle with nothing to remember gets back the very state it gave', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(0)
      .stop(30 * MIN);
    const steps = statesOver(t.positions);
    expect(steps.length).toBeGreaterThan(10);
    for (const step of steps) expect(step.after).toBe(step.before);
  });

  it('a stop shorter than a rest, after driving, changes nothing either; driving gives a new state and leaves the old one as it was', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(1 * H);
    const drivingReports = t.positions.length;
    t.stop(10 * MIN);
    const steps = statesOver(t.positions);
    // While driving, each report moves the period on: a fresh state, the previous one untouched.
    for (const step of steps.slice(2, drivingReports)) {
      expect(step.after).not.toBe(step.before);
      expect(JSON.stringify(step.before)).toBe(step.snapshot);
    }
    // Stopped (the first stopped report closes the last driving interval): the same object back.
    const stopped = steps.slice(drivingReports + 1);
    expect(stopped.length).toBeGreaterThan(3);
    for (const step of stopped) expect(step.after).toBe(step.before);
  });
});
