import type { MotionConfig } from '../common/rules-config';
import { initialMotionState, stepMotion, type MotionInterval, type ReportPoint } from './motion-model';

/**
 * Stops and gaps of a stored track, read with the motion model (RULES.md §8 "Time from
 * reports"): the live pipeline folds reports one by one through `stepMotion`; a rule that
 * reads a whole stretch after the fact (源头倒查 §13, evasion §14) folds the same function here,
 * so a stop is one thing everywhere.
 *
 * - A *stop* is a maximal run of intervals without moving time (stationary, or a gap stood
 *   still through). Its span runs from the last moving report before it to the first moving
 *   report after it; a gap the vehicle moved through ends it at the gap's start (§8 "Edges").
 * - Its *held dwell* runs from its first to its last still report (§15 "Four parties"); a stop
 *   made only of a gap stood still through has no still report: its ends stand for it.
 */

export interface TrackStop {
  /** Last moving report before the stop (or the track's first report). */
  spanStartMs: number;
  /** First moving report after it; the track's last report when `ended` is false. */
  spanEndMs: number;
  spanMs: number;
  heldStartMs: number;
  heldEndMs: number;
  heldMs: number;
  /** False when the track ends inside the stop (it is still in progress at the last report). */
  ended: boolean;
  /** The reports that place the stop: its still reports (or the two ends of a still gap). */
  reports: ReportPoint[];
}

export interface MotionTimeline {
  /** The reports, as given (sorted by the caller). */
  reports: readonly ReportPoint[];
  /** intervals[i] runs from reports[i] to reports[i + 1]. */
  intervals: MotionInterval[];
  /** moving[i]: reports[i] is a moving report (§8). */
  moving: boolean[];
}

/** The motion model over a whole track in time order (one subject: the vehicle). */
export const motionTimeline = (reports: readonly ReportPoint[], config: MotionConfig): MotionTimeline => {
  let state = initialMotionState();
  const intervals: MotionInterval[] = [];
  const moving: boolean[] = [];
  for (const r of reports) {
    const step = stepMotion(state, { ...r, subject: 'vehicle' }, config);
    state = step.state;
    moving.push(step.moving);
    if (step.interval) intervals.push(step.interval);
  }
  return { reports, intervals, moving };
};

/** Gaps (§8): consecutive reports more than `gapMs` apart, stood still or moved through. */
export const gapsOf = (timeline: MotionTimeline): MotionInterval[] => timeline.intervals.filter((i) => i.kind === 'gap_moved' || i.kind === 'gap_still');

const isStill = (i: MotionInterval): boolean => i.kind === 'stationary' || i.kind === 'gap_still';

/** Every stop of the track, in time order, each measured whole (one pass, linear in the reports). */
export const stopsOf = (timeline: MotionTimeline): TrackStop[] => {
  const { intervals, moving, reports } = timeline;
  const stops: TrackStop[] = [];
  let i = 0;
  while (i < intervals.length) {
    if (!isStill(intervals[i] as MotionInterval)) {
      i += 1;
      continue;
    }
    const first = i;
    while (i < intervals.length && isStill(intervals[i] as MotionInterval)) i += 1;
    // Reports first..i (inclusive) bracket the run of still intervals first..i-1.
    const still: ReportPoint[] = [];
    for (let r = first; r <= i; r += 1) if (!moving[r]) still.push(reports[r] as ReportPoint);
    const placed = still.length > 0 ? still : [reports[first] as ReportPoint, reports[i] as ReportPoint];
    const spanStartMs = (reports[first] as ReportPoint).timeMs;
    const spanEndMs = (reports[i] as ReportPoint).timeMs;
    const heldStartMs = (placed[0] as ReportPoint).timeMs;
    const heldEndMs = (placed[placed.length - 1] as ReportPoint).timeMs;
    stops.push({
      spanStartMs,
      spanEndMs,
      spanMs: spanEndMs - spanStartMs,
      heldStartMs,
      heldEndMs,
      // A still gap alone: the vehicle stood through it, so its ends are the dwell.
      heldMs: heldEndMs - heldStartMs,
      ended: i < intervals.length || moving[i] === true,
      reports: placed,
    });
  }
  return stops;
};

/** A stored report as the track readers take it (a `PositionV1` is one). */
export interface TrackPosition {
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * A stored track made fit for the motion model: in device-time order whatever order it came
 * in, one report per instant (the first given wins: a retransmission repeats it), reports
 * without a finite time, place or speed left out and counted.
 */
export const trackPointsOf = (positions: readonly TrackPosition[]): { points: ReportPoint[]; ignored: number } => {
  const usable = positions.filter((p) => finite(p.deviceTimeMs) && finite(p.latitudeDeg) && finite(p.longitudeDeg) && finite(p.speedKmh));
  // Array.prototype.sort is stable: among equal times the input order is kept.
  const sorted = [...usable].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs);
  const points: ReportPoint[] = [];
  for (const p of sorted) {
    if (points.length > 0 && (points[points.length - 1] as ReportPoint).timeMs === p.deviceTimeMs) continue;
    points.push({ timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh });
  }
  return { points, ignored: positions.length - points.length };
};
