import { haversineMeters } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';
import type { ScoredAssessment } from '../overload/overload-assessment.rule';
import { prepareRoute } from './corridor';
import {
  judgePermitWeighing,
  permitHoursStretches,
  permitValidOnDate,
  type OversizePermit,
  type PermitExcess,
  type PermitsConfig,
  type PermitTimeIssue,
} from './permit';
import type { RouteReport } from './track';

/** One weighing of the permit's vehicle compared with the permit's declared figures. */
export interface AuditedWeighing {
  measurementId: string;
  stationId: string;
  measuredAtMs: number;
  axleCount: number;
  measuredGrossKg: number;
  confirmedGrossKg: number;
  dimensionsM: ScoredAssessment['dimensionsM'];
  /** Within the permit; above it (大车小证); on a date the permit is not valid. */
  verdict: 'within' | 'exceeded' | 'outside_validity';
  excesses: PermitExcess[];
  /** The axle count differs from the declared one (context, never a finding alone). */
  axlesDiffer: boolean;
}

/** A stretch inside the corridor outside the permit's dates or hours, with its moving time. */
export interface AuditedStretch {
  startMs: number;
  endMs: number;
  issues: PermitTimeIssue[];
  movingMs: number;
  movingM: number;
  /** Over 5 min of moving: a `permit_hours` episode. */
  counted: boolean;
}

/** 倒查 (issue #16): the permit's vehicle's actual track and weighings compared with the permit. */
export interface PermitAuditSheet {
  routeId: string;
  vehicleId: string;
  fromMs: number;
  toMs: number;
  reports: number;
  /** Distance between consecutive fixed, non-drift reports; on route when both ends lie within the corridor. */
  totalM: number;
  onRouteM: number;
  /** onRouteM / totalM; null when the vehicle did not move. */
  shareOnRoute: number | null;
  stretches: AuditedStretch[];
  /** Moving time of the counted stretches. */
  outsideMovingMs: number;
  weighings: AuditedWeighing[];
}

/**
 * The audit sheet of one permit for one of its vehicles over a period: the share of the track on
 * the permitted route by distance, the stretches moving inside the corridor outside the permit's
 * dates or hours (each with its moving time, those over 5 min marked as counted — the §15 reading
 * `permitHoursStretches` gives), and every weighing compared with the declared figures
 * (`judgePermitWeighing` against this permit alone). Pure: the caller reads the track (fixed,
 * non-drift reports) and assesses the weighings.
 */
export const permitAuditSheet = (input: {
  permit: OversizePermit;
  vehicleId: string;
  fromMs: number;
  toMs: number;
  track: readonly RouteReport[];
  weighings: readonly ScoredAssessment[];
  motion: Pick<MotionConfig, 'movingSpeedKmh' | 'jitterM' | 'gapMs'>;
  config?: PermitsConfig;
}): PermitAuditSheet => {
  const { permit, vehicleId } = input;
  const track = input.track.filter((r) => r.timeMs >= input.fromMs && r.timeMs < input.toMs);
  const route = prepareRoute({ ...permit, depots: permit.depots ?? [] });
  const onRoute = track.map((r) => route.distanceFromLineM(r) <= route.corridorWidthM);
  let totalM = 0;
  let onRouteM = 0;
  for (let i = 1; i < track.length; i += 1) {
    const legM = haversineMeters(track[i - 1]!, track[i]!);
    totalM += legM;
    if (onRoute[i - 1] && onRoute[i]) onRouteM += legM;
  }
  const stretches = permitHoursStretches({ vehicleId, permits: [permit], track, motion: input.motion, ...(input.config ? { config: input.config } : {}) })
    .filter((s) => s.movingMs > 0)
    .map((s) => ({ startMs: s.startMs, endMs: s.endMs, issues: s.issues, movingMs: s.movingMs, movingM: s.movingM, counted: s.counted }));
  const weighings = [...input.weighings]
    .filter((w) => w.measuredAtMs >= input.fromMs && w.measuredAtMs < input.toMs)
    .sort((a, b) => a.measuredAtMs - b.measuredAtMs)
    .map((w): AuditedWeighing => {
      const verdict = permitValidOnDate(permit, w.measuredAtMs) ? judgePermitWeighing({ ...w, vehicleId }, [permit]) : null;
      return {
        measurementId: w.measurementId,
        stationId: w.stationId,
        measuredAtMs: w.measuredAtMs,
        axleCount: w.limit.axleCount,
        measuredGrossKg: w.measuredGrossKg,
        confirmedGrossKg: w.confirmedGrossKg,
        dimensionsM: w.dimensionsM,
        verdict: verdict === null ? 'outside_validity' : verdict.outcome === 'permit_exceeded' ? 'exceeded' : 'within',
        excesses: verdict?.outcome === 'permit_exceeded' ? verdict.excesses : [],
        axlesDiffer: permit.declared?.axles !== undefined && permit.declared.axles !== w.limit.axleCount,
      };
    });
  return {
    routeId: permit.routeId,
    vehicleId,
    fromMs: input.fromMs,
    toMs: input.toMs,
    reports: track.length,
    totalM: Math.round(totalM),
    onRouteM: Math.round(onRouteM),
    shareOnRoute: totalM > 0 ? onRouteM / totalM : null,
    stretches,
    outsideMovingMs: stretches.filter((s) => s.counted).reduce((sum, s) => sum + s.movingMs, 0),
    weighings,
  };
};
