import { alertV1, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../common/rules-config';
import { initialMotionState, stepMotion } from '../motion/motion-model';
import { factsOf, Track } from '../testing/track';
import { evaluateNightBan, initialNightBanState, type RegistryNotice, type RelayLookup } from './night-ban.rule';

const MIN = 60_000;
const H = 3_600_000;
const S = 1_000;

const run = (facts: VehicleFacts, positions: readonly PositionV1[], options: { config?: RulesConfig; relays?: RelayLookup } = {}) => {
  const config = options.config ?? DEFAULT_RULES_CONFIG;
  let motion = initialMotionState();
  let state = initialNightBanState();
  const alerts: AlertV1[] = [];
  const notices: RegistryNotice[] = [];
  for (const p of positions) {
    const m = stepMotion(
      motion,
      { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject: 'vehicle' },
      config.motion,
    );
    motion = m.state;
    const r = evaluateNightBan(facts, state, { position: p, interval: m.interval, ...(options.relays ? { relays: options.relays } : {}) }, config);
    state = JSON.parse(JSON.stringify(r.state));
    alerts.push(...r.outputs.map((a) => alertV1.parse(a)));
    notices.push(...r.notices);
  }
  return { alerts, notices };
};

const bus = factsOf('long_distance_bus', { routeKm: 300 });
const night = (h: number, m = 0, s = 0) => Track.at(2026, 11, 24, h, m, s);

describe('凌晨2–5时 (RULES.md §3, §8 "02:00–05:00")', () => {
  it('exactly 5 min of moving from 02:00:00 is not a violation', () => {
    expect(
      run(
        bus,
        night(2)
          .report(60)
          .drive(5 * MIN)
          .stop(30 * MIN).positions,
      ).alerts,
    ).toHaveLength(0);
  });

  it('5 min + one report (5 min 30 s) is a violation, one per night', () => {
    const { alerts } = run(
      bus,
      night(2)
        .report(60)
        .drive(5 * MIN + 30 * S)
        .drive(2 * H).positions,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: 'night_ban_2_5', level: 'violation', startedAtMs: night(2).timeMs });
    expect(alerts[0]?.details).toMatchObject({ nightDate: '2026-11-24', movingInWindowMs: 5 * MIN + 30 * S, exceededAtMs: night(2, 5).timeMs });
    expect(alerts[0]?.alertId).toContain('2026-11-24');
    // The contract's limit instant is the 5 min reached, not the report that showed it.
    expect(alerts[0]).toMatchObject({ limitPassedAtMs: night(2, 5).timeMs, raisedAtMs: night(2, 5, 30).timeMs, firstRaisedAtMs: night(2, 5, 30).timeMs });
    expect(alerts[0]?.summary).toMatch(/^夜间禁行：凌晨2时至5时运行5分钟30秒（2026-11-24夜间，容许.+），未登记接驳运输$/);
    expect(alerts[0]?.summaryEn).toMatch(/^Moving 0 h 05 min 30 s between 02:00 and 05:00 on the night of 2026-11-24 /);
  });

  it('02:00:00 start: driving up to 02:00:00 and stopping then counts nothing; moving from 01:55 counts from 02:00:00', () => {
    expect(
      run(
        bus,
        night(1)
          .report(60)
          .drive(1 * H)
          .stop(1 * H).positions,
      ).alerts,
    ).toHaveLength(0);
    expect(
      run(
        bus,
        night(1, 55)
          .report(60)
          .drive(10 * MIN)
          .stop(10 * MIN).positions,
      ).alerts,
    ).toHaveLength(0);
    expect(
      run(
        bus,
        night(1, 55)
          .report(60)
          .drive(10 * MIN + 30 * S).positions,
      ).alerts,
    ).toHaveLength(1);
  });

  it('05:00:00 end: 4 min moving from 04:56 is not a violation', () => {
    expect(
      run(
        bus,
        night(4, 56)
          .report(60)
          .drive(1 * H).positions,
      ).alerts,
    ).toHaveLength(0);
  });

  it('moving time is summed over the night (3 min at 02:10 + 3 min at 04:00 → violation)', () => {
    const t = night(2, 10)
      .report(60)
      .drive(3 * MIN)
      .stop(1 * H + 47 * MIN)
      .stopFor(0)
      .drive(3 * MIN);
    expect(run(bus, t.positions).alerts).toHaveLength(1);
  });

  it('a gap the vehicle moved through counts in the sum (01:58 → gap to 02:30, 30 km on)', () => {
    expect(
      run(
        bus,
        night(1, 58)
          .report(60)
          .gap(32 * MIN, 30_000).positions,
      ).alerts,
    ).toHaveLength(1);
    expect(
      run(
        bus,
        night(1, 58)
          .report(60)
          .gap(32 * MIN, 20, 0).positions,
      ).alerts,
    ).toHaveLength(0);
  });

  it('a new night can have its own violation', () => {
    const t = night(2)
      .report(60)
      .drive(10 * MIN)
      .stop(2 * H)
      .stop(22 * H)
      .stopFor(0)
      .drive(10 * MIN);
    const { alerts } = run(bus, t.positions);
    expect(alerts.map((a) => a.details.nightDate)).toEqual(['2026-11-24', '2026-11-25']);
  });

  it('a relay (接驳运输) registered for the vehicle that night exempts it; one for another night does not', () => {
    const t = night(2)
      .report(60)
      .drive(30 * MIN);
    const relays: RelayLookup = (vehicleId, nightDate) =>
      vehicleId === bus.vehicleId && nightDate === '2026-11-24' ? { vehicleId, relayPoint: '京石高速 涿州服务区', nightDate, driverId: 'D2' } : undefined;
    expect(run(bus, t.positions, { relays }).alerts).toHaveLength(0);
    const otherNight: RelayLookup = (vehicleId, nightDate) => (nightDate === '2026-11-25' ? { vehicleId, relayPoint: 'x', nightDate } : undefined);
    expect(run(bus, t.positions, { relays: otherNight }).alerts).toHaveLength(1);
  });

  it.each([
    ['a long-distance bus on a route of exactly 200 km is exempt (≤ 200 km)', factsOf('long_distance_bus', { routeKm: 200 }), 0],
    ['a long-distance bus on a 201 km route is subject', factsOf('long_distance_bus', { routeKm: 201 }), 1],
    ['a tour coach whose trip is known to be 250 km is subject', factsOf('tour_coach', { tripKm: 250 }), 1],
    ['a tour coach whose trip is 200 km is not', factsOf('tour_coach', { tripKm: 200 }), 0],
    ['a tour coach whose trip length is unknown is not', factsOf('tour_coach'), 0],
    ['a heavy truck is not subject by default', factsOf('heavy_truck'), 0],
  ])('%s', (_name, facts, count) => {
    expect(
      run(
        facts,
        night(2)
          .report(60)
          .drive(30 * MIN).positions,
      ).alerts,
    ).toHaveLength(count);
  });

  it('a long-distance bus without routeKm is not subject, and the missing field is reported once per night', () => {
    const { alerts, notices } = run(
      factsOf('long_distance_bus'),
      night(2)
        .report(60)
        .drive(30 * MIN).positions,
    );
    expect(alerts).toHaveLength(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'missing_registry_field', field: 'routeKm' });
  });
});

describe('02:00–05:00 — state unchanged outside the window (no copy per report)', () => {
  it('a long-distance bus driving by day gets back the very state it gave; inside the window the state moves on', () => {
    const config = DEFAULT_RULES_CONFIG;
    const t = Track.at(2026, 11, 24, 10)
      .report(60)
      .drive(20 * MIN);
    let motion = initialMotionState();
    let state = initialNightBanState();
    const sameByDay: boolean[] = [];
    for (const p of t.positions) {
      const m = stepMotion(
        motion,
        { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject: 'vehicle' },
        config.motion,
      );
      motion = m.state;
      const r = evaluateNightBan(bus, state, { position: p, interval: m.interval }, config);
      sameByDay.push(r.state === state);
      state = r.state;
    }
    expect(sameByDay.length).toBeGreaterThan(10);
    expect(sameByDay.every(Boolean)).toBe(true);

    // The same bus at 02:00–02:03: every driving report tallies the window, a new state each time.
    const n = night(2)
      .report(60)
      .drive(3 * MIN);
    motion = initialMotionState();
    let changed = 0;
    for (const p of n.positions) {
      const m = stepMotion(
        motion,
        { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject: 'vehicle' },
        config.motion,
      );
      motion = m.state;
      const r = evaluateNightBan(bus, state, { position: p, interval: m.interval }, config);
      if (r.state !== state) changed++;
      state = r.state;
    }
    expect(changed).toBe(n.positions.length - 1);
    expect(state.night?.movingMs).toBeGreaterThan(0);
  });
});
