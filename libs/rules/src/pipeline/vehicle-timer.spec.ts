import type { PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../common/rules-config';
import { factsOf, Track } from '../testing/track';
import v1Checkpoints from './fixtures/v1-checkpoints.json';
import { processPosition, tickVehicle, vehicleDueMs } from './vehicle-pipeline';
import type { VehicleRuleState } from './vehicle-state';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const truck = factsOf('heavy_truck');
type Event = { position: PositionV1 } | { tickAtMs: number };
const recorded = v1Checkpoints.vehicles as unknown as Array<{ facts: VehicleFacts; events: Event[] }>;

describe('the timer per vehicle — tickVehicle and its due time', () => {
  it('a vehicle not due is untouched by a tick: same state object, no output (so the detector may skip it)', () => {
    let checked = 0;
    let due = 0;
    for (const { facts, events } of recorded) {
      let state: VehicleRuleState | undefined;
      for (const event of events) {
        if ('position' in event) {
          state = processPosition(facts, state, event.position).state;
          continue;
        }
        if (!state) continue;
        const dueMs = vehicleDueMs(state);
        // Ticks at, just before and long after the event's clock: whenever the due time says "not yet", nothing happens.
        for (const nowMs of [event.tickAtMs - 1, event.tickAtMs]) {
          if (dueMs !== null && dueMs <= nowMs) continue;
          const r = tickVehicle(facts, state, nowMs);
          expect(r.state).toBe(state);
          expect([r.alerts, r.closedDays, r.openDays, r.notices]).toEqual([[], [], [], []]);
          checked++;
        }
        const r = tickVehicle(facts, state, event.tickAtMs);
        if (r.state !== state) due++;
        state = r.state ?? undefined;
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(due).toBeGreaterThan(40);
  });

  it("the due time is the earliest of a held report's window, the offline limit, the snapshot and the idle limit", () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(10 * MIN);
    let state: VehicleRuleState | undefined;
    for (const p of t.positions) state = processPosition(truck, state, p).state;
    const last = state!.lastReceivedAtMs!;
    // Never ticked: the snapshot mark is armed at the first tick, whatever its clock.
    expect(vehicleDueMs(state!)).toBe(-Infinity);
    const armed = tickVehicle(truck, state!, last).state!;
    expect(armed.rules.quality.snapshot).not.toBeNull();
    expect(vehicleDueMs(armed)).toBe(Math.min(armed.rules.quality.snapshot!.atMs + 10 * MIN, last + 20 * MIN));
    // After a silence of 3 min the next report is held: due when its window (3 min after receipt) passes.
    const resumed = processPosition(truck, armed, {
      ...t.positions.at(-1)!,
      deviceTimeMs: t.timeMs + 3 * MIN,
      receivedAtMs: t.timeMs + 3 * MIN + 1_000,
      latitudeDeg: 39.6,
    });
    expect(resumed.status).toBe('held');
    const heldDueMs = t.timeMs + 3 * MIN + 1_000 + 3 * MIN;
    // The report changed the day's counters, so the snapshot may be due first.
    expect(vehicleDueMs(resumed.state)).toBe(Math.min(heldDueMs, armed.rules.quality.snapshot!.atMs + 10 * MIN));
    const snapshotted = tickVehicle(truck, resumed.state, armed.rules.quality.snapshot!.atMs + 10 * MIN).state!;
    expect(vehicleDueMs(snapshotted)).toBe(heldDueMs);
    // Offline and snapshotted: only the idle limit is left.
    const offline = tickVehicle(truck, tickVehicle(truck, resumed.state, last + 60 * MIN).state!, last + 61 * MIN).state!;
    expect(offline.rules.offline.sinceMs).not.toBeNull();
    expect(vehicleDueMs(offline)).toBe(resumed.state.lastReceivedAtMs! + 30 * DAY);
  });

  it('a vehicle idle for 30 days (default) is dropped, its open quality day closed first; 1 ms earlier it is kept', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(10 * MIN);
    let state: VehicleRuleState | undefined;
    for (const p of t.positions) state = processPosition(truck, state, p).state;
    const last = state!.lastReceivedAtMs!;
    const kept = tickVehicle(truck, state!, last + 30 * DAY - 1);
    expect(kept.state).not.toBeNull();
    expect(kept.closedDays).toEqual([]);
    const dropped = tickVehicle(truck, kept.state!, last + 30 * DAY);
    expect(dropped.state).toBeNull();
    expect(dropped.closedDays).toEqual([expect.objectContaining({ date: '2026-11-23', received: 21, valid: 21 })]);
    // Its next report starts afresh, like a new vehicle's.
    const again = processPosition(truck, undefined, { ...t.positions.at(-1)!, deviceTimeMs: last + 30 * DAY, receivedAtMs: last + 30 * DAY + 500 });
    expect(again.state.rules.quality.counters.received).toBe(1);
  });

  it('the idle limit is configurable and also drops a vehicle whose day had nothing valid to close', () => {
    const config: RulesConfig = { ...DEFAULT_RULES_CONFIG, retention: { idleStateTtlMs: 2 * DAY } };
    const only = processPosition(truck, undefined, Track.at(2026, 11, 23, 8).report(60).positions[0]!, config).state;
    const dupOnly = {
      ...only,
      rules: { ...only.rules, quality: { ...only.rules.quality, counters: { ...only.rules.quality.counters, received: 0, valid: 0, duplicate: 1 } } },
    };
    expect(vehicleDueMs(dupOnly, config)).toBeLessThanOrEqual(only.lastReceivedAtMs! + 2 * DAY);
    const r = tickVehicle(truck, dupOnly, only.lastReceivedAtMs! + 2 * DAY, config);
    expect(r.state).toBeNull();
    expect(r.closedDays).toEqual([]);
    expect(tickVehicle(truck, only, only.lastReceivedAtMs! + 2 * DAY, config).closedDays).toHaveLength(1);
  });
});
