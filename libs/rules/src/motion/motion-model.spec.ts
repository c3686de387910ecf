import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { METRES_PER_DEGREE_LAT } from '../testing/track';
import {
  addDrivingInterval,
  closePeriodIfRested,
  drivingPeriodMs,
  initialDrivingPeriodState,
  initialMotionState,
  stepMotion,
  type MotionReport,
} from './motion-model';

const cfg = DEFAULT_RULES_CONFIG.motion;
const at = (timeMs: number, speedKmh: number, northM = 0, subject = 'vehicle'): MotionReport => ({
  timeMs,
  latitudeDeg: 39.5 + northM / METRES_PER_DEGREE_LAT,
  longitudeDeg: 116,
  speedKmh,
  subject,
});

const intervalOf = (a: MotionReport, b: MotionReport) => {
  const first = stepMotion(initialMotionState(), a, cfg);
  return stepMotion(first.state, b, cfg).interval;
};

describe('motion model (RULES.md §8 "Time from reports")', () => {
  it.each([
    ['speed 5 km/h is not moving (moving is > 5 km/h)', 5, 'stationary'],
    ['speed 5.1 km/h is moving', 5.1, 'moving'],
  ])('%s', (_name, speedKmh, kind) => {
    expect(intervalOf(at(0, speedKmh), at(30_000, speedKmh))?.kind).toBe(kind);
  });

  it.each([
    ['49 m from the previous report is within 50 m jitter: not moving', 49, 'stationary'],
    ['51 m from the previous report is beyond 50 m jitter: moving', 51, 'moving'],
  ])('%s', (_name, northM, kind) => {
    // The first report moves by speed; the second only by displacement.
    expect(intervalOf(at(0, 30), at(30_000, 0, northM))?.kind).toBe(kind);
  });

  it('moving time needs both reports moving', () => {
    expect(intervalOf(at(0, 0), at(30_000, 60))?.driving).toBe(false);
    expect(intervalOf(at(0, 60), at(30_000, 0))?.driving).toBe(false);
    expect(intervalOf(at(0, 60), at(30_000, 60))?.driving).toBe(true);
  });

  it('ACC is not an input: a report moves on speed or displacement alone', () => {
    // MotionReport has no ACC at all; the pipeline spec checks "ACC off but moving" end to end.
    expect(intervalOf(at(0, 60), at(30_000, 60, 500))?.kind).toBe('moving');
  });

  it.each([
    ['reports exactly 5 min apart are not a gap', 5 * 60_000, 'moving'],
    ['reports 5 min + 1 s apart are a gap; moved through it counts as driving', 5 * 60_000 + 1_000, 'gap_moved'],
  ])('%s', (_name, dt, kind) => {
    const interval = intervalOf(at(0, 60), at(dt, 60, 5_000));
    expect(interval?.kind).toBe(kind);
    expect(interval?.driving).toBe(true);
  });

  it('a gap ending within 50 m jitter of its start is stood still, not driving (it can be a rest)', () => {
    const interval = intervalOf(at(0, 60), at(30 * 60_000, 60, 40));
    expect(interval).toMatchObject({ kind: 'gap_still', driving: false });
  });

  it('a driver change across an interval leaves it to no subject', () => {
    expect(intervalOf(at(0, 60, 0, 'driver:A'), at(30_000, 60, 500, 'driver:B'))?.subject).toBeNull();
    expect(intervalOf(at(0, 60, 0, 'driver:A'), at(30_000, 60, 500, 'driver:A'))?.subject).toBe('driver:A');
  });
});

describe('driving periods (RULES.md §8 "Fatigue")', () => {
  const rest = cfg.restMs;
  it('a stop of 19 min 59 s does not end the period; 20 min 00 s does', () => {
    let s = addDrivingInterval(initialDrivingPeriodState(), 0, 3_600_000, rest).state;
    const short = addDrivingInterval(s, 3_600_000 + 19 * 60_000 + 59_000, 7_200_000, rest);
    expect(short.closed).toBeNull();
    expect(drivingPeriodMs(short.state)).toBe(7_200_000);
    s = addDrivingInterval(initialDrivingPeriodState(), 0, 3_600_000, rest).state;
    const long = addDrivingInterval(s, 3_600_000 + 20 * 60_000, 7_200_000, rest);
    expect(long.closed).toEqual({ startMs: 0, endMs: 3_600_000 });
    expect(long.started).toBe(true);
    expect(drivingPeriodMs(long.state)).toBe(7_200_000 - 3_600_000 - 20 * 60_000);
  });

  it('a stop in progress closes the period once it has lasted 20 min', () => {
    const s = addDrivingInterval(initialDrivingPeriodState(), 0, 1_000, rest).state;
    expect(closePeriodIfRested(s, 1_000 + rest - 1, rest).closed).toBeNull();
    expect(closePeriodIfRested(s, 1_000 + rest, rest).closed).toEqual({ startMs: 0, endMs: 1_000 });
  });
});
