import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { subjectOf } from '../common/alerts';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { initialMotionState, stepMotion } from '../motion/motion-model';
import { factsOf, Track } from '../testing/track';
import { evaluateFatigue, initialFatigueState, type FatigueState } from './fatigue.rule';

const H = 3_600_000;
const MIN = 60_000;

/** Motion model + fatigue rule over a track, the state through JSON as the detector checkpoints it. */
const run = (facts: VehicleFacts, positions: readonly PositionV1[]) => {
  let motion = initialMotionState();
  let fatigue: FatigueState = initialFatigueState();
  const alerts: AlertV1[] = [];
  for (const p of positions) {
    const subject = subjectOf(p.driverId);
    const m = stepMotion(
      motion,
      { timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, subject },
      DEFAULT_RULES_CONFIG.motion,
    );
    motion = m.state;
    const r = evaluateFatigue(facts, fatigue, { position: p, interval: m.interval, subject }, DEFAULT_RULES_CONFIG);
    fatigue = JSON.parse(JSON.stringify(r.state)) as FatigueState;
    alerts.push(...r.outputs);
  }
  return { alerts, fatigue };
};

describe('fatigue — what a rest that closes a period resets (RULES.md §2)', () => {
  it('each continuous period over 4 h has its own pre-warning, violation and closing revision, however many rests between', () => {
    const t = Track.at(2026, 11, 23, 6)
      .report(60)
      .drive(4 * H + 10 * MIN)
      .stopFor(25 * MIN)
      .drive(4 * H + 10 * MIN)
      .stop(25 * MIN);
    const { alerts, fatigue } = run(factsOf('heavy_truck'), t.positions);
    const continuous = alerts.filter((a) => a.rule === 'fatigue_continuous');
    const violations = continuous.filter((a) => a.level === 'violation');
    expect(continuous.filter((a) => a.level === 'prewarning' && a.revision === 0)).toHaveLength(2);
    expect(violations.map((a) => a.revision)).toEqual([0, 1, 0, 1]);
    expect(new Set(violations.map((a) => a.alertId)).size).toBe(2);
    const firstStartMs = t.positions[0]!.deviceTimeMs;
    expect(violations.map((a) => a.startedAtMs)).toEqual([firstStartMs, firstStartMs, expect.any(Number), expect.any(Number)]);
    expect(violations[2]!.startedAtMs).toBeGreaterThan(firstStartMs + 4 * H + 10 * MIN);
    // Both closed periods are in the trailing history, nothing is left open, and nothing is still marked as said.
    const subject = Object.values(fatigue.subjects)[0]!;
    expect(subject.history).toHaveLength(2);
    expect(subject.history.every((entry) => entry.length === 2)).toBe(true);
    expect(subject).toMatchObject({
      periodStart: null,
      continuousPrewarned: false,
      continuousViolated: false,
      nightPrewarned: false,
      nightViolated: false,
      continuousRaisedAtMs: null,
      nightRaisedAtMs: null,
    });
  });
});
