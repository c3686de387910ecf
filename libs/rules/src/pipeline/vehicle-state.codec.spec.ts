import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import type { QualityCounters } from '../quality/data-quality.rule';
import { factsOf, Track } from '../testing/track';
import v1Checkpoints from './fixtures/v1-checkpoints.json';
import { processPosition, tickVehicle } from './vehicle-pipeline';
import { VEHICLE_STATE_VERSION, type VehicleRuleState } from './vehicle-state';
import { decodeVehicleState, encodeVehicleState, VehicleStateDecodeError, type VehicleRuleStateV1 } from './vehicle-state.codec';

/**
 * fixtures/v1-checkpoints.json was captured from the pipeline before the two-stage split
 * (commit 78609f7, `capture-v1-checkpoints.ts` there): a truck over midnight (speeding, a gap
 * moved through and back-filled after the window, a back-fill inside it, 4 h of driving,
 * offline) and a long-distance bus at 02:00–05:00, each event a report or a timer tick, with
 * the checkpoint (`v: 1`) written after some events and every output of that run.
 */
type Event = { position: PositionV1 } | { tickAtMs: number };
interface Output {
  alerts: AlertV1[];
  closedDays: QualityCounters[];
  snapshot: QualityCounters | null;
  status?: string;
}
interface Recorded {
  name: string;
  facts: VehicleFacts;
  events: Event[];
  outputs: Output[];
  checkpoints: Array<{ afterEvent: number; state: unknown }>;
}
const recorded = v1Checkpoints.vehicles as unknown as Recorded[];

/** The events from `from` on, through today's pipeline (the timer is `tickVehicle`), from `state`. */
const runFrom = (facts: VehicleFacts, events: Event[], from: number, state: VehicleRuleState | undefined): Output[] => {
  const outputs: Output[] = [];
  for (const event of events.slice(from)) {
    if ('position' in event) {
      const r = processPosition(facts, state, event.position, DEFAULT_RULES_CONFIG);
      state = r.state;
      outputs.push({ alerts: r.alerts, closedDays: r.closedDays, snapshot: null, status: r.status });
    } else if (state) {
      const r = tickVehicle(facts, state, event.tickAtMs, DEFAULT_RULES_CONFIG);
      state = r.state ?? undefined;
      expect(r.state).not.toBeNull();
      outputs.push({ alerts: r.alerts, closedDays: r.closedDays, snapshot: r.openDays[0] ?? null });
      expect(r.openDays.length).toBeLessThanOrEqual(1);
    } else outputs.push({ alerts: [], closedDays: [], snapshot: null });
  }
  const written = JSON.parse(JSON.stringify(outputs)) as Output[];
  for (const output of written) for (const alert of output.alerts) withoutFieldsAddedSince(alert);
  return written;
};

/**
 * The alert-history fields came after the capture (main's 076beda), and fatigue's
 * `details.driverSource` (IC card or roster) later still: the recorded alerts cannot have
 * them. Everything else must be as recorded.
 */
const withoutFieldsAddedSince = (alert: AlertV1): AlertV1 => {
  delete alert.firstRaisedAtMs;
  delete alert.limitPassedAtMs;
  delete alert.details['driverSource'];
  return alert;
};

describe('vehicle state codec — checkpoints written before the versioned state (v1)', () => {
  it('the fixture exercises what a v1 checkpoint may hold: held and gathered reports, moved gaps, holes, snapshots, an offline silence', () => {
    const states = recorded.flatMap((v) => v.checkpoints.map((c) => c.state as VehicleRuleStateV1));
    expect(states.every((s) => s.v === 1)).toBe(true);
    expect(states.some((s) => (s.held?.length ?? 0) > 0)).toBe(true);
    expect(states.some((s) => (s.lateHeld?.length ?? 0) > 0)).toBe(true);
    expect(states.some((s) => (s.movedGaps?.length ?? 0) > 0 && (s.holes?.length ?? 0) > 0)).toBe(true);
    expect(states.some((s) => s.qualitySnapshot !== undefined) && states.some((s) => s.qualitySnapshot === undefined)).toBe(true);
    expect(states.some((s) => s.offlineSinceMs !== null)).toBe(true);
    const rules = new Set(recorded.flatMap((v) => v.outputs.flatMap((o) => o.alerts.map((a) => a.rule))));
    expect(rules).toEqual(new Set(['speeding', 'data_gap_moved', 'fatigue_continuous', 'offline', 'night_ban_2_5', 'fatigue_night']));
  });

  it("today's pipeline, from the start, gives every output the v1 run gave (behaviour unchanged by the split)", () => {
    for (const vehicle of recorded) expect(runFrom(vehicle.facts, vehicle.events, 0, undefined)).toEqual(vehicle.outputs);
  });

  it('every v1 checkpoint decodes and the vehicle goes on with the same alerts, days and snapshots as the run that wrote it', () => {
    let resumed = 0;
    for (const vehicle of recorded) {
      for (const { afterEvent, state } of vehicle.checkpoints) {
        const decoded = decodeVehicleState(structuredClone(state));
        expect(decoded.version).toBe(VEHICLE_STATE_VERSION);
        expect(runFrom(vehicle.facts, vehicle.events, afterEvent + 1, decoded)).toEqual(vehicle.outputs.slice(afterEvent + 1));
        resumed++;
      }
    }
    expect(resumed).toBeGreaterThanOrEqual(20);
  });

  it('a v1 checkpoint maps field by field: the optional fields it lacks become empty, none is lost', () => {
    const withAll = recorded[0]!.checkpoints.map((c) => c.state as VehicleRuleStateV1).find((s) => s.lateHeld && s.movedGaps && s.holes && s.qualitySnapshot)!;
    const s = decodeVehicleState(structuredClone(withAll));
    expect(s.ordering).toEqual({
      watermarkMs: withAll.watermarkMs,
      recent: withAll.recent,
      held: withAll.held ?? [],
      holes: withAll.holes,
      lateHeld: withAll.lateHeld,
    });
    // v2 → v3 drops what only the configured time-window bans read: the road classes at the last report, the per-ban tallies.
    const { roadClasses: _roadClasses, ...lastAccepted } = withAll.lastAccepted!;
    expect(s.track).toEqual({ lastAccepted, drift: withAll.drift, motion: withAll.motion });
    expect(s.rules).toEqual({
      quality: { counters: withAll.quality, invalidRunStartMs: withAll.invalidRunStartMs, movedGaps: withAll.movedGaps, snapshot: withAll.qualitySnapshot },
      speeding: withAll.speeding,
      fatigue: withAll.fatigue,
      nightBan: { night: withAll.nightBan.night, noticeDate: withAll.nightBan.noticeDate },
      offline: { sinceMs: withAll.offlineSinceMs },
      // Routes came after v1: a v1 vehicle has none.
      routes: null,
    });
    const bare = structuredClone(recorded[0]!.checkpoints[0]!.state) as VehicleRuleStateV1;
    for (const key of ['held', 'lateHeld', 'movedGaps', 'holes', 'qualitySnapshot'] as const) delete bare[key];
    const fromBare = decodeVehicleState(bare);
    expect([
      fromBare.ordering.held,
      fromBare.ordering.lateHeld,
      fromBare.ordering.holes,
      fromBare.rules.quality.movedGaps,
      fromBare.rules.quality.snapshot,
    ]).toEqual([[], [], [], [], null]);
  });
});

describe("vehicle state codec — today's version", () => {
  const truck = factsOf('heavy_truck', { plate: '京A\u0000𠀀\uD800', companyId: 'c-\u202E-1' });

  it('encode → JSON → decode gives the same state and the same alerts after it, odd bytes in the identity included', () => {
    const t = Track.at(2026, 11, 23, 8)
      .report(60)
      .drive(30 * 60_000, 135)
      .gap(10 * 60_000, 12_000)
      .drive(10 * 60_000, 70);
    let state: VehicleRuleState | undefined;
    const half = Math.floor(t.positions.length / 2);
    for (const p of t.positions.slice(0, half)) state = processPosition(truck, state, p).state;
    const decoded = decodeVehicleState(JSON.parse(JSON.stringify(encodeVehicleState(state!))));
    expect(decoded).toEqual(state);
    expect(decoded.identity.plate).toBe('京A\u0000𠀀\uD800');
    const rest = (from: VehicleRuleState) =>
      t.positions.slice(half).flatMap((p) => {
        const r = processPosition(truck, from, p);
        from = r.state;
        return r.alerts;
      });
    expect(rest(decoded)).toEqual(rest(state!));
  });

  it('a v2 checkpoint (road classes at the last report, per-ban tallies) decodes without them and the vehicle goes on the same', () => {
    const t = Track.at(2026, 11, 24, 1)
      .report(60)
      .drive(40 * 60_000, 70);
    let state: VehicleRuleState | undefined;
    const half = Math.floor(t.positions.length / 2);
    for (const p of t.positions.slice(0, half)) state = processPosition(truck, state, p).state;
    const today = JSON.parse(JSON.stringify(state)) as VehicleRuleState;
    const v2 = {
      ...today,
      version: 2,
      track: { ...today.track, lastAccepted: { ...today.track.lastAccepted, roadClasses: ['expressway'] } },
      rules: {
        ...today.rules,
        nightBan: { ...today.rules.nightBan, bans: { 'hz-night': { date: '2026-11-23', movingMs: 60_000, firstMovingMs: 0, decided: false } } },
      },
    };
    const decoded = decodeVehicleState(v2);
    expect(decoded).toEqual(state);
    expect(decoded.track.lastAccepted).not.toHaveProperty('roadClasses');
    expect(decoded.rules.nightBan).not.toHaveProperty('bans');
    const rest = (from: VehicleRuleState) =>
      t.positions.slice(half).flatMap((p) => {
        const r = processPosition(truck, from, p);
        from = r.state;
        return r.alerts;
      });
    expect(rest(decoded)).toEqual(rest(state!));
  });

  it('refuses what is not a vehicle state, or a newer one, with an error naming the problem', () => {
    const good = processPosition(truck, undefined, Track.at(2026, 11, 23, 8).report(60).positions[0]!).state;
    const bad = (raw: unknown, message: RegExp) => {
      expect(() => decodeVehicleState(raw)).toThrow(VehicleStateDecodeError);
      expect(() => decodeVehicleState(raw)).toThrow(message);
    };
    bad(null, /should be an object, is null/);
    bad([good], /is an array/);
    bad('{"version":2}', /is string/);
    bad({ ...good, version: undefined }, /no version/);
    bad({ ...good, version: VEHICLE_STATE_VERSION + 1 }, new RegExp(`version ${VEHICLE_STATE_VERSION + 1} was written by a newer release`));
    bad({ ...good, version: 1.5 }, /positive integer/);
    bad({ ...good, version: '2' }, /positive integer/);
    bad({ ...good, version: 2, rules: { ...good.rules, nightBan: undefined } }, /vehicle state v2 \.rules: nightBan should be object, is absent/);
    bad({ ...good, ordering: { ...good.ordering, held: null } }, /\.ordering: held should be array, is null/);
    bad({ ...good, lastReceivedAtMs: Number.NaN }, /lastReceivedAtMs should be number\|null/);
    bad({ ...good, rules: { ...good.rules, offline: undefined } }, /\.rules: offline should be object, is absent/);
    const v1 = structuredClone(recorded[0]!.checkpoints[0]!.state) as Record<string, unknown>;
    delete v1['motion'];
    bad(v1, /vehicle state v1: motion should be object, is absent/);
  });
});
