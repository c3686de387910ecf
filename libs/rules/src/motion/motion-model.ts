import { haversineMeters } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';

/**
 * The motion model (RULES.md §8 "Time from reports"): the one place that turns
 * consecutive reports into moving time, stops, rests and gaps. Every position-driven
 * rule builds on its output instead of reading speeds itself.
 *
 * - A report is *moving* when its speed is > `movingSpeedKmh` or it lies beyond
 *   `jitterM` from the previous report. ACC is not looked at (it is evidence only).
 * - The time between two consecutive reports is *moving time* when both are moving.
 * - Two reports more than `gapMs` apart are a *gap*: if the end lies within jitter of the
 *   start the vehicle stood still (the gap can be part of a rest); otherwise it moved
 *   through, the whole gap is driving, and it is a data-quality event (`data_gap_moved`).
 * - A *stop* is a maximal stretch without moving time, from the end of one driving
 *   interval to the start of the next; a stop of ≥ `restMs` is a *rest*.
 */

export interface MotionReport {
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  /** Who drives: `driver:<id>` when the terminal reports one (0x0702), else `vehicle`. */
  subject: string;
}

export interface ReportPoint {
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
}

export interface LastReport {
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  moving: boolean;
  subject: string;
}

export interface MotionState {
  last: LastReport | null;
}

export type MotionIntervalKind = 'moving' | 'stationary' | 'gap_moved' | 'gap_still';

/** The time between the previous report and this one, classified. */
export interface MotionInterval {
  startMs: number;
  endMs: number;
  kind: MotionIntervalKind;
  /** Counts as driving: moving time, or a gap moved through. */
  driving: boolean;
  distanceM: number;
  /** The subject both ends agree on; null when the driver changed across it. */
  subject: string | null;
  from: ReportPoint;
  to: ReportPoint;
}

export const initialMotionState = (): MotionState => ({ last: null });

export const stepMotion = (
  state: MotionState,
  report: MotionReport,
  config: MotionConfig,
): { state: MotionState; interval: MotionInterval | null; moving: boolean } => {
  const previous = state.last;
  const distanceM = previous ? haversineMeters(previous, report) : 0;
  const moving = report.speedKmh > config.movingSpeedKmh || (previous !== null && distanceM > config.jitterM);
  const last: LastReport = {
    timeMs: report.timeMs,
    latitudeDeg: report.latitudeDeg,
    longitudeDeg: report.longitudeDeg,
    speedKmh: report.speedKmh,
    moving,
    subject: report.subject,
  };
  if (!previous) return { state: { last }, interval: null, moving };

  let kind: MotionIntervalKind;
  if (report.timeMs - previous.timeMs > config.gapMs) {
    kind = distanceM > config.jitterM ? 'gap_moved' : 'gap_still';
  } else {
    kind = previous.moving && moving ? 'moving' : 'stationary';
  }
  const interval: MotionInterval = {
    startMs: previous.timeMs,
    endMs: report.timeMs,
    kind,
    driving: kind === 'moving' || kind === 'gap_moved',
    distanceM,
    subject: previous.subject === report.subject ? report.subject : null,
    from: { timeMs: previous.timeMs, latitudeDeg: previous.latitudeDeg, longitudeDeg: previous.longitudeDeg, speedKmh: previous.speedKmh },
    to: { timeMs: report.timeMs, latitudeDeg: report.latitudeDeg, longitudeDeg: report.longitudeDeg, speedKmh: report.speedKmh },
  };
  return { state: { last }, interval, moving };
};

/**
 * Driving periods (RULES.md §8 "Fatigue"): a period runs from the end of one rest to the
 * start of the next and all of it counts as driving, stops under `restMs` included. Fed
 * with the driving intervals of one subject (a driver or a vehicle), in time order.
 *
 * A stop still in progress is not counted: until driving resumes it may turn out to be a
 * rest, and the doubt goes to the driver.
 */
export interface DrivingPeriodState {
  periodStartMs: number | null;
  lastDrivingEndMs: number | null;
  /**
   * Time since `lastDrivingEndMs` that is neither driving nor rest (RULES.md §15 "Four
   * parties": between one vehicle's last report of a driver and the next vehicle's first) —
   * left out of the stop it falls in. Absent (0) on one vehicle.
   */
  neutralMs?: number;
  /** Neutral time inside the open period (a vehicle change it carried across): not driving. */
  excludedMs?: number;
}

export interface DrivingPeriod {
  startMs: number;
  endMs: number;
  /** Neutral time inside it (a vehicle change): not driving. */
  excludedMs?: number;
}

export const initialDrivingPeriodState = (): DrivingPeriodState => ({ periodStartMs: null, lastDrivingEndMs: null });

/** Length of the open period so far (start to the end of its last driving interval). */
export const drivingPeriodMs = (state: DrivingPeriodState): number =>
  state.periodStartMs === null || state.lastDrivingEndMs === null ? 0 : state.lastDrivingEndMs - state.periodStartMs - (state.excludedMs ?? 0);

/** Closes the open period once `nowMs` shows a stop of ≥ restMs since the last driving. */
export const closePeriodIfRested = (state: DrivingPeriodState, nowMs: number, restMs: number): { state: DrivingPeriodState; closed: DrivingPeriod | null } => {
  if (state.periodStartMs === null || state.lastDrivingEndMs === null || nowMs - state.lastDrivingEndMs - (state.neutralMs ?? 0) < restMs) {
    return { state, closed: null };
  }
  return {
    state: { periodStartMs: null, lastDrivingEndMs: state.lastDrivingEndMs },
    closed: { startMs: state.periodStartMs, endMs: state.lastDrivingEndMs, ...(state.excludedMs ? { excludedMs: state.excludedMs } : {}) },
  };
};

/** Adds a driving interval; a stop of ≥ restMs before it ends the open period and starts a new one. */
export const addDrivingInterval = (
  state: DrivingPeriodState,
  startMs: number,
  endMs: number,
  restMs: number,
): { state: DrivingPeriodState; closed: DrivingPeriod | null; started: boolean } => {
  const { state: afterRest, closed } = closePeriodIfRested(state, startMs, restMs);
  const started = afterRest.periodStartMs === null;
  // A neutral stretch the period continued across stays out of its driving time.
  const excludedMs = started ? 0 : (afterRest.excludedMs ?? 0) + (afterRest.neutralMs ?? 0);
  return {
    state: {
      periodStartMs: started ? startMs : afterRest.periodStartMs,
      lastDrivingEndMs: Math.max(endMs, afterRest.lastDrivingEndMs ?? endMs),
      ...(excludedMs > 0 ? { excludedMs } : {}),
    },
    closed,
    started,
  };
};
