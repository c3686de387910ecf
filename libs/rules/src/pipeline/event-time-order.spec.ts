import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { factsOf, Track } from '../testing/track';
import { processPosition, releaseHeld } from './vehicle-pipeline';
import type { VehicleRuleState } from './vehicle-state';

// Issue #10 item 3: every report that is stored is judged in device-time order, whatever the
// delivery order and batch shape. No road index: every point is an unmapped road (limit 120
// km/h), so a truck at 150 km/h is over by 25 % wherever it is.
const MIN = 60_000;
const S = 1_000;
const truck = factsOf('heavy_truck');
const { windowMs } = DEFAULT_RULES_CONFIG.lateness;

interface Run {
  alerts: AlertV1[];
  statuses: string[];
  state: VehicleRuleState;
}

/** Every position in arrival order, then the timer long after (nothing stays held); optionally a JSON round trip of the state before some. */
const deliver = (positions: readonly PositionV1[], roundTripAt: (i: number) => boolean = () => false): Run => {
  let state: VehicleRuleState | undefined;
  const alerts: AlertV1[] = [];
  const statuses: string[] = [];
  positions.forEach((p, i) => {
    if (state && roundTripAt(i)) state = JSON.parse(JSON.stringify(state)) as VehicleRuleState;
    const r = processPosition(truck, state, p);
    state = r.state;
    statuses.push(r.status);
    alerts.push(...r.alerts);
  });
  const released = releaseHeld(truck, state as VehicleRuleState, Number.MAX_SAFE_INTEGER);
  return { alerts: [...alerts, ...released.alerts], statuses, state: released.state };
};

// How late the data came (`receivedLateByMs`) is about delivery, not judgement: a back-fill's alerts may carry it where time order's do not.
const json = (alerts: readonly AlertV1[]) => alerts.map(({ receivedLateByMs: _delivery, ...a }) => JSON.stringify(a));
const ofRule = (alerts: readonly AlertV1[], rule: AlertV1['rule']) => alerts.filter((a) => a.rule === rule);
const blindArea = (positions: readonly PositionV1[], receivedAtMs: number): PositionV1[] =>
  positions.map((p) => ({ ...p, source: 'blind-area' as const, receivedAtMs }));

// 08:00–08:10 at 60 km/h in coverage; 08:10:30–08:30:00 out of coverage (stored by the
// terminal), with 08:12–08:16 at 150 km/h; from 08:30:30 real time again, at 60 km/h.
const trip = (): PositionV1[] =>
  Track.at(2026, 11, 23, 8)
    .report(60)
    .drive(10 * MIN, 60)
    .drive(2 * MIN, 60)
    .drive(4 * MIN, 150)
    .drive(24 * MIN, 60).positions;
const BLIND_FROM = 21; // 08:10:30
const BLIND_TO = 61; // 08:30:30, the first report after coverage returns
const inOrder = (): PositionV1[] => {
  const positions = trip();
  return [
    ...positions.slice(0, BLIND_FROM),
    ...blindArea(positions.slice(BLIND_FROM, BLIND_TO), 0).map((p, i) => ({ ...p, receivedAtMs: positions[BLIND_FROM + i]!.receivedAtMs })),
    ...positions.slice(BLIND_TO),
  ];
};

describe('event-time order — a 0x0704 back-fill in any order within the lateness window', () => {
  const reference = deliver(inOrder());

  it("the reference (time order) raises the blind stretch's speeding episode and no gap", () => {
    expect(ofRule(reference.alerts, 'speeding').length).toBeGreaterThan(0);
    expect(ofRule(reference.alerts, 'data_gap_moved')).toEqual([]);
    expect(reference.statuses).not.toContain('late');
  });

  it('in reverse order, after 2 min of newer live reports: every report fed, in device-time order — the alerts of time order', () => {
    const positions = trip();
    const arrival = positions[BLIND_TO + 4]!.receivedAtMs + 500;
    const reversed = blindArea(positions.slice(BLIND_FROM, BLIND_TO), arrival).reverse();
    const run = deliver([...positions.slice(0, BLIND_FROM), ...positions.slice(BLIND_TO, BLIND_TO + 5), ...reversed, ...positions.slice(BLIND_TO + 5)]);
    expect(run.statuses).not.toContain('late');
    expect(run.state.rules.quality.counters.late).toBe(0);
    expect(json(run.alerts)).toEqual(json(reference.alerts));
  });

  it('interleaved with live reports, split in batches of 8, each batch reversed: the alerts of time order', () => {
    const positions = trip();
    const live = positions.slice(BLIND_TO, BLIND_TO + 5);
    const blind = positions.slice(BLIND_FROM, BLIND_TO);
    const arrived: PositionV1[] = [...positions.slice(0, BLIND_FROM)];
    live.forEach((report, i) => {
      arrived.push(report, ...blindArea(blind.slice(i * 8, i * 8 + 8), report.receivedAtMs + 500).reverse());
    });
    arrived.push(...positions.slice(BLIND_TO + 5));
    const run = deliver(arrived);
    expect(run.statuses).not.toContain('late');
    expect(json(run.alerts)).toEqual(json(reference.alerts));
  });

  it('the back-fill before the live reports resume, newest first, split in two batches a minute apart: the alerts of time order', () => {
    const positions = trip();
    const lastBlindReceived = positions[BLIND_TO - 1]!.receivedAtMs;
    const blind = positions.slice(BLIND_FROM, BLIND_TO);
    const newerHalf = blindArea(blind.slice(20), lastBlindReceived + 2 * S).reverse();
    const olderHalf = blindArea(blind.slice(0, 20), lastBlindReceived + 62 * S).reverse();
    const run = deliver([...positions.slice(0, BLIND_FROM), ...newerHalf, ...olderHalf, ...positions.slice(BLIND_TO)]);
    expect(run.statuses).not.toContain('late');
    expect(json(run.alerts)).toEqual(json(reference.alerts));
  });
});

describe('event-time order — beyond the lateness window', () => {
  it('the older half of a split back-fill coming after the window: counted late, judged on its own — its speeding episode is raised', () => {
    const positions = trip();
    const blind = positions.slice(BLIND_FROM, BLIND_TO);
    const newerHalf = blindArea(blind.slice(20), positions[BLIND_TO]!.receivedAtMs + 500).reverse();
    // The older half (08:10:30–08:20:00, the 150 km/h stretch in it) after 4 min of newer reports.
    const olderHalf = blindArea(blind.slice(0, 20), positions[BLIND_TO + 8]!.receivedAtMs + 500).reverse();
    const run = deliver([
      ...positions.slice(0, BLIND_FROM),
      ...positions.slice(BLIND_TO, BLIND_TO + 1),
      ...newerHalf,
      ...positions.slice(BLIND_TO + 1, BLIND_TO + 9),
      ...olderHalf,
      ...positions.slice(BLIND_TO + 9),
    ]);
    expect(run.statuses.filter((s) => s === 'late')).toHaveLength(20);
    expect(run.state.rules.quality.counters.late).toBe(20);
    expect(run.state.ordering.lateHeld).toEqual([]);
    const speeding = ofRule(run.alerts, 'speeding');
    expect(speeding.length).toBeGreaterThan(0);
    // The episode's first over report is 08:12:30 whatever the order: the same alert id as in time order.
    const inTimeOrder = ofRule(deliver(inOrder()).alerts, 'speeding');
    expect(new Set(speeding.map((a) => a.alertId))).toEqual(new Set(inTimeOrder.map((a) => a.alertId)));
    expect(speeding[0]).toMatchObject({ revision: 0, startedAtMs: blind[4]!.deviceTimeMs, details: { lateStretch: true } });
    expect(speeding[0]?.details).toMatchObject({ ...inTimeOrder[0]?.details, lateStretch: true });
  });

  it('a short blind stretch (90 s: no silence long enough to hold) back-filled in reverse after the live reports resumed: its speeding is judged', () => {
    const t = Track.at(2026, 11, 23, 8, 0, 0, { intervalMs: 10 * S })
      .report(60)
      .drive(2 * MIN, 60)
      .drive(80 * S, 150)
      .drive(3 * MIN, 60);
    const positions = t.positions;
    const from = 13; // 08:02:10
    const to = 21; // 08:03:30 — 90 s after the last report before the stretch, fed at once
    const arrival = positions[to + 1]!.receivedAtMs + 300;
    const run = deliver([
      ...positions.slice(0, from),
      ...positions.slice(to, to + 2),
      ...blindArea(positions.slice(from, to), arrival).reverse(),
      ...positions.slice(to + 2),
    ]);
    expect(run.statuses.slice(from, from + 2)).toEqual(['accepted', 'accepted']);
    expect(run.statuses.filter((s) => s === 'late')).toHaveLength(to - from);
    const reference = ofRule(deliver(positions).alerts, 'speeding');
    const speeding = ofRule(run.alerts, 'speeding');
    expect(speeding.map((a) => [a.alertId, a.revision])).toEqual([[reference[0]?.alertId, 0]]);
    expect({ ...speeding[0], details: { ...speeding[0]?.details, lateStretch: undefined } }).toEqual({
      ...reference[0],
      details: { ...reference[0]?.details, lateStretch: undefined },
    });
  });

  it('a late stretch waits for its window: gathered in the checkpointed state, judged when the timer passes receipt + 3 min', () => {
    const t = Track.at(2026, 11, 23, 8, 0, 0, { intervalMs: 10 * S })
      .report(60)
      .drive(2 * MIN, 60)
      .drive(80 * S, 150)
      .drive(20 * S, 60);
    const positions = t.positions;
    const arrival = positions.at(-1)!.receivedAtMs + 300;
    let state: VehicleRuleState | undefined;
    for (const p of [...positions.slice(0, 13), ...positions.slice(21), ...blindArea(positions.slice(13, 21), arrival).reverse()])
      state = processPosition(truck, state, p).state;
    const restored = JSON.parse(JSON.stringify(state)) as VehicleRuleState;
    expect(restored.ordering.lateHeld.map((h) => h.position.deviceTimeMs)).toEqual(positions.slice(13, 21).map((p) => p.deviceTimeMs));
    expect(releaseHeld(truck, restored, arrival + windowMs - 1).alerts).toEqual([]);
    const due = releaseHeld(truck, restored, arrival + windowMs);
    expect(ofRule(due.alerts, 'speeding')).toHaveLength(1);
    expect(due.state.ordering.lateHeld).toEqual([]);
  });

  it('a retransmission of a report already judged is late and judged nowhere again; one of a gathered late report is a duplicate', () => {
    const positions = Track.at(2026, 11, 23, 8, 0, 0, { intervalMs: 90 * S })
      .report(150)
      .drive(30 * MIN, 150).positions;
    const once = deliver(positions);
    const again = deliver([...positions, ...positions.slice(0, 10)]);
    expect(again.statuses.slice(positions.length)).toEqual(new Array(10).fill('late'));
    expect(json(again.alerts)).toEqual(json(once.alerts));
    const t = Track.at(2026, 11, 23, 8, 0, 0, { intervalMs: 10 * S })
      .report(60)
      .drive(2 * MIN, 60)
      .drive(80 * S, 150)
      .drive(20 * S, 60);
    const late = blindArea(t.positions.slice(13, 21), t.positions.at(-1)!.receivedAtMs + 300);
    const run = deliver([...t.positions.slice(0, 13), ...t.positions.slice(21), ...late, late[0]!]);
    expect(run.statuses.at(-1)).toBe('duplicate');
  });
});

describe('event-time order — property (fast-check)', () => {
  // A track: 5 min in coverage, then a blind area of more than 2 min (drives, some over 120
  // km/h, and stops) stored by the terminal, then live reports again.
  const leg = fc.record({
    kind: fc.constantFrom('drive', 'drive', 'stop'),
    seconds: fc.integer({ min: 20, max: 400 }),
    speedKmh: fc.integer({ min: 40, max: 160 }),
  });
  const scenario = fc.record({
    intervalS: fc.integer({ min: 5, max: 40 }),
    legs: fc.array(leg, { minLength: 1, maxLength: 6 }),
    liveInWindow: fc.integer({ min: 0, max: 6 }),
  });
  const build = (s: { intervalS: number; legs: Array<{ kind: string; seconds: number; speedKmh: number }>; liveInWindow: number }) => {
    const t = Track.at(2026, 11, 23, 8, 0, 0, { intervalMs: s.intervalS * S })
      .report(60)
      .drive(5 * MIN, 60);
    const blindFrom = t.positions.length;
    for (const l of s.legs) {
      if (l.kind === 'drive') t.drive(l.seconds * S, l.speedKmh);
      else t.stop(l.seconds * S);
    }
    // The blind area lasts more than 2 min (a shorter one is not waited for: see 'a short blind stretch').
    if (t.timeMs - t.positions[blindFrom - 1]!.deviceTimeMs < 2.5 * MIN) t.stop(2.5 * MIN);
    const blindTo = t.positions.length;
    t.drive(10 * MIN, 60);
    const positions = [
      ...t.positions.slice(0, blindFrom),
      ...t.positions.slice(blindFrom, blindTo).map((p) => ({ ...p, source: 'blind-area' as const })),
      ...t.positions.slice(blindTo),
    ];
    // What arrives out of order: the back-fill and the first live reports after the blind area.
    return { positions, stretchFrom: blindFrom, stretchTo: blindTo + s.liveInWindow };
  };
  // The stretch arrives in a random order (0x0704 batches, split or not, between live
  // reports), each report received at a random moment within 3 min of the first.
  const delivery = scenario.map(build).chain((track) => {
    const n = track.stretchTo - track.stretchFrom;
    const indexes = Array.from({ length: n }, (_, i) => i);
    return fc.record({
      track: fc.constant(track),
      order: fc.shuffledSubarray(indexes, { minLength: n, maxLength: n }),
      offsetsMs: fc.array(fc.integer({ min: 0, max: windowMs - 1 }), { minLength: n, maxLength: n }).map((o) => [...o].sort((a, b) => a - b)),
      roundTripEvery: fc.integer({ min: 0, max: 9 }),
    });
  });

  it('any permutation of a back-fill and the live reports after it, delivered within the lateness window, gives the alerts of time order', () => {
    let withSpeeding = 0;
    fc.assert(
      fc.property(delivery, ({ track: { positions, stretchFrom, stretchTo }, order, offsetsMs, roundTripEvery }) => {
        const timeOrder = deliver(positions);
        if (ofRule(timeOrder.alerts, 'speeding').length > 0) withSpeeding++;
        const firstReceivedAtMs = positions[stretchTo - 1]!.receivedAtMs;
        const shuffled = order.map((i, k) => ({ ...positions[stretchFrom + i]!, receivedAtMs: firstReceivedAtMs + offsetsMs[k]! - offsetsMs[0]! }));
        // The live reports after it come once the window has passed, in order.
        const tail = positions.slice(stretchTo).map((p) => ({ ...p, receivedAtMs: Math.max(p.receivedAtMs, firstReceivedAtMs + windowMs) }));
        const run = deliver([...positions.slice(0, stretchFrom), ...shuffled, ...tail], (i) => roundTripEvery > 0 && i % roundTripEvery === 0);
        expect(run.statuses).not.toContain('late');
        expect(json(run.alerts)).toEqual(json(timeOrder.alerts));
      }),
      { numRuns: 120 },
    );
    expect(withSpeeding).toBeGreaterThan(30);
  }, 60_000);
});
