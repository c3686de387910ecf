import { haversineMeters, type LatLon } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';

/**
 * The reports §11–§12 measure (RULES.md §15 "Routes and areas"): fixed (status bit 1) and not
 * drift — drift per §6: the implied speed from the previous *and* to the next fixed report both
 * above the drift speed (default 160 km/h). In time order, one per instant.
 */
export interface RouteReport extends LatLon {
  timeMs: number;
  speedKmh: number;
}

/** What a stored position gives the route rules. */
export interface RouteReportSource extends LatLon {
  deviceTimeMs: number;
  speedKmh: number;
  gnssFixed: boolean;
}

const impliedKmh = (a: RouteReport, b: RouteReport): number => {
  const dtMs = Math.abs(b.timeMs - a.timeMs);
  const dM = haversineMeters(a, b);
  if (dtMs === 0) return dM > 0 ? Number.POSITIVE_INFINITY : 0;
  return (dM / dtMs) * 3_600;
};

/** The fixed, non-drift reports of a stored track, sorted by device time (a duplicate instant kept once). */
export const routeReportsOf = (positions: readonly RouteReportSource[], driftSpeedKmh: number): RouteReport[] => {
  const fixed: RouteReport[] = [];
  const sorted = positions.filter((p) => p.gnssFixed).sort((a, b) => a.deviceTimeMs - b.deviceTimeMs);
  for (const p of sorted) {
    if (fixed.length > 0 && fixed[fixed.length - 1]!.timeMs === p.deviceTimeMs) continue;
    fixed.push({ timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh });
  }
  return fixed.filter((report, i) => {
    const before = fixed[i - 1];
    const after = fixed[i + 1];
    // The first and last report have one neighbour only: not drift (doubt to the party is not at stake — they only bound a stretch).
    if (!before || !after) return true;
    return !(impliedKmh(before, report) > driftSpeedKmh && impliedKmh(report, after) > driftSpeedKmh);
  });
};

/** A run of consecutive reports that all qualify (same key), measured as §15 reads it. */
export interface QualifyingStretch<K extends string> {
  key: K;
  first: RouteReport;
  last: RouteReport;
  reports: number;
  /** Moving time (§8: both ends moving) between consecutive reports of the stretch, intervals over the gap (5 min) left out. */
  movingMs: number;
  /** Distance between consecutive moving reports of the stretch, same legs as `movingMs`. */
  movingM: number;
  /** The report at which `counts` first held (the episode's `at`); null when it never did. */
  reachedAtMs: number | null;
  /** The part of the track it covers (its reports). */
  track: RouteReport[];
}

/** A stretch that counted as a §15 episode (大件 hours, area ban): its span, measures and reports. */
export interface TrackEpisode {
  startMs: number;
  endMs: number;
  /** The report at which the stretch first counted (its limit passed). */
  atMs: number;
  movingMs: number;
  movingM: number;
  track: RouteReport[];
}

/**
 * Splits a track into stretches of consecutive reports `keyOf` gives the same key, measuring
 * only moving time and distance between consecutive moving reports (§8 "Time from reports":
 * moving = speed above `movingSpeedKmh` or beyond jitter from the previous report); legs that
 * cross into or out of the stretch, and intervals over the gap, never count. The one measure of
 * §15's "moving time ≥ … or ≥ … km" for 大件 hours and area bans.
 */
export const qualifyingStretches = <K extends string>(
  track: readonly RouteReport[],
  keyOf: (report: RouteReport) => K | null,
  motion: Pick<MotionConfig, 'movingSpeedKmh' | 'jitterM' | 'gapMs'>,
  counts: (movingMs: number, movingM: number) => boolean,
): QualifyingStretch<K>[] => {
  const stretches: QualifyingStretch<K>[] = [];
  let current: QualifyingStretch<K> | null = null;
  let previous: { report: RouteReport; moving: boolean } | null = null;
  for (const report of track) {
    const legM: number = previous ? haversineMeters(previous.report, report) : 0;
    const moving: boolean = report.speedKmh > motion.movingSpeedKmh || (previous !== null && legM > motion.jitterM);
    const key = keyOf(report);
    if (key === null) {
      current = null;
    } else if (current === null || current.key !== key) {
      current = { key, first: report, last: report, reports: 1, movingMs: 0, movingM: 0, reachedAtMs: null, track: [report] };
      stretches.push(current);
    } else {
      const legMs = report.timeMs - current.last.timeMs;
      if (previous?.moving && moving && legMs <= motion.gapMs) {
        current.movingMs += legMs;
        current.movingM += legM;
      }
      current.last = report;
      current.reports += 1;
      current.track.push(report);
      if (current.reachedAtMs === null && counts(current.movingMs, current.movingM)) current.reachedAtMs = report.timeMs;
    }
    previous = { report, moving };
  }
  return stretches;
};
