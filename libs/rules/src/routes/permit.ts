import type { LatLon } from '@roadwatch/domain';
import type { MotionConfig } from '../common/rules-config';
import { isInDailyWindow, localDateOf } from '../common/time-window';
import type { ScoredAssessment } from '../overload/overload-assessment.rule';
import { prepareRoute, type RouteDepot, type RouteLonLat } from './corridor';
import { qualifyingStretches, type RouteReport, type TrackEpisode } from './track';

/**
 * 大件运输 permits (RULES.md §11, §15 "Routes and areas"): a permit is an approved route of kind
 * `oversize_permit` — its corridor, validity dates, allowed hours and declared figures — bound to
 * its vehicle(s).
 */
export interface PermitDeclared {
  grossKg?: number;
  axles?: number;
  lengthMm?: number;
  widthMm?: number;
  heightMm?: number;
}

export interface PermitHours {
  /** Local 'HH:MM'; [from, to), `to` < `from` wraps midnight. */
  from: string;
  to: string;
}

export interface OversizePermit {
  routeId: string;
  /** 大件运输许可证号. */
  referenceNo?: string | null;
  /** The vehicles the permit names (route_vehicles); a permit of another vehicle never covers nor counts. */
  vehicleIds: readonly string[];
  polyline: readonly RouteLonLat[];
  corridorWidthM: number;
  depots?: readonly RouteDepot[];
  /** Local dates, inclusive, 'YYYY-MM-DD'; absent = open-ended. */
  validFrom?: string | null;
  validTo?: string | null;
  /** Absent or empty = any hour. */
  allowedHours?: readonly PermitHours[] | null;
  declared?: PermitDeclared | null;
}

/** Why an instant is outside the permit's time: before its first date, after its last, or outside its hours. */
export type PermitTimeIssue = 'before_valid' | 'after_valid' | 'outside_hours';

/** The permit's dates and hours at an instant; null when it is valid then. */
export const permitTimeIssue = (permit: Pick<OversizePermit, 'validFrom' | 'validTo' | 'allowedHours'>, atMs: number): PermitTimeIssue | null => {
  const date = localDateOf(atMs);
  if (permit.validFrom && date < permit.validFrom) return 'before_valid';
  if (permit.validTo && date > permit.validTo) return 'after_valid';
  const hours = permit.allowedHours ?? [];
  if (hours.length > 0 && !hours.some((h) => isInDailyWindow(atMs, h.from, h.to))) return 'outside_hours';
  return null;
};

/** Whether the permit is valid on the local date of an instant (its dates only: "no valid permit that day"). */
export const permitValidOnDate = (permit: Pick<OversizePermit, 'validFrom' | 'validTo'>, atMs: number): boolean => {
  const issue = permitTimeIssue({ validFrom: permit.validFrom ?? null, validTo: permit.validTo ?? null, allowedHours: null }, atMs);
  return issue === null;
};

/** Why a permit's own figures cannot be used; undefined when they can (the API says this to the admin). */
export const permitIssue = (permit: Pick<OversizePermit, 'allowedHours' | 'declared'>): string | undefined => {
  for (const [index, h] of (permit.allowedHours ?? []).entries()) {
    if (!/^\d{2}:\d{2}$/.test(h.from) || !/^\d{2}:\d{2}$/.test(h.to) || h.from > '23:59' || h.to > '24:00')
      return `allowed hours ${index}: from and to are local 'HH:MM'`;
    if (h.from === h.to) return `allowed hours ${index}: from and to are the same instant (an empty window)`;
  }
  for (const [field, value] of Object.entries(permit.declared ?? {}))
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) return `declared ${field} must be a positive number`;
  return undefined;
};

/** `atMs`: the report at which the moving time first exceeded the limit. */
export interface PermitHoursEpisode extends TrackEpisode {
  vehicleId: string;
  /** The permits in whose corridor the stretch ran (none of them valid at its reports). */
  permitIds: string[];
  issues: PermitTimeIssue[];
}

export interface PermitsConfig {
  /** §15: moving time outside the permit's dates or hours, summed per stretch, counts when > 5 min. */
  outsideHoursLimitMs: number;
  /** §15 area bans: moving time ≥ 3 min … */
  areaBanMinMovingMs: number;
  /** … or ≥ 1 km. */
  areaBanMinMovingM: number;
}

export const DEFAULT_PERMITS_CONFIG: PermitsConfig = { outsideHoursLimitMs: 5 * 60_000, areaBanMinMovingMs: 3 * 60_000, areaBanMinMovingM: 1_000 };

/** A stretch of reports inside a permit's corridor outside its time, counted or not (the audit sheet lists them all). */
export interface PermitHoursStretch extends PermitHoursEpisode {
  /** Its moving time exceeded the limit (> 5 min): an episode. */
  counted: boolean;
}

/**
 * 大件 hours and dates (§15): moving time inside a permit's corridor while none of the vehicle's
 * permits whose corridor holds the report is valid (dates and hours), summed per stretch of such
 * reports, counts when > 5 min (exactly 5 min does not). A report inside another permit's
 * corridor in that permit's hours is covered (two permits: doubt to the party). `track` holds the
 * fixed, non-drift reports (`routeReportsOf`). Outside every corridor is the off-route rule's.
 * Every stretch, counted or not; `atMs` of one not counted is its last report.
 */
export const permitHoursStretches = (input: {
  vehicleId: string;
  permits: readonly OversizePermit[];
  track: readonly RouteReport[];
  motion: Pick<MotionConfig, 'movingSpeedKmh' | 'jitterM' | 'gapMs'>;
  config?: PermitsConfig;
}): PermitHoursStretch[] => {
  const config = input.config ?? DEFAULT_PERMITS_CONFIG;
  const prepared = input.permits
    .filter((permit) => permit.vehicleIds.includes(input.vehicleId))
    .map((permit) => ({ permit, route: prepareRoute({ ...permit, depots: permit.depots ?? [] }) }));
  // Each report is placed once: the stretch's key and its evidence read the same answer.
  const placed = new WeakMap<LatLon, typeof prepared>();
  const within = (p: LatLon) => {
    let holding = placed.get(p);
    if (!holding) {
      holding = prepared.filter(({ route }) => route.distanceFromLineM(p) <= route.corridorWidthM);
      placed.set(p, holding);
    }
    return holding;
  };
  const stretches = qualifyingStretches(
    input.track,
    (report) => {
      const holding = within(report);
      if (holding.length === 0) return null;
      return holding.every(({ permit }) => permitTimeIssue(permit, report.timeMs) !== null) ? 'outside' : null;
    },
    input.motion,
    (movingMs) => movingMs > config.outsideHoursLimitMs,
  );
  return stretches.map((s) => {
    const permitIds = new Set<string>();
    const issues = new Set<PermitTimeIssue>();
    for (const report of s.track)
      for (const { permit } of within(report)) {
        permitIds.add(permit.routeId);
        const issue = permitTimeIssue(permit, report.timeMs);
        if (issue) issues.add(issue);
      }
    return {
      vehicleId: input.vehicleId,
      permitIds: [...permitIds].sort(),
      issues: [...issues].sort(),
      startMs: s.first.timeMs,
      endMs: s.last.timeMs,
      atMs: s.reachedAtMs ?? s.last.timeMs,
      counted: s.reachedAtMs !== null,
      movingMs: s.movingMs,
      movingM: Math.round(s.movingM),
      track: s.track,
    };
  });
};

/** The stretches of `permitHoursStretches` that count (> 5 min of moving time): the episodes. */
export const permitHoursEpisodes = (input: Parameters<typeof permitHoursStretches>[0]): PermitHoursEpisode[] =>
  permitHoursStretches(input)
    .filter((s) => s.counted)
    .map(({ counted: _counted, ...episode }) => episode);

/** One declared figure the weighing exceeded ("大车小证"). */
export interface PermitExcess {
  figure: 'grossKg' | 'lengthMm' | 'widthMm' | 'heightMm';
  declared: number;
  /** The gross compared is the confirmed gross (measured − the scale's error, §8); dimensions as measured, in mm. */
  weighed: number;
}

export type PermitWeighingVerdict =
  | { outcome: 'covered'; permitId: string }
  | { outcome: 'permit_exceeded'; permitId: string; excesses: PermitExcess[]; axlesDeclared: number | null }
  | { outcome: 'oversize_without_permit' }
  | { outcome: 'nothing' };

const excessesOver = (assessment: ScoredAssessment, declared: PermitDeclared): PermitExcess[] => {
  const out: PermitExcess[] = [];
  if (declared.grossKg !== undefined && assessment.confirmedGrossKg > declared.grossKg)
    out.push({ figure: 'grossKg', declared: declared.grossKg, weighed: assessment.confirmedGrossKg });
  const dims: Array<[PermitExcess['figure'], number | undefined, number | undefined]> = [
    ['lengthMm', declared.lengthMm, assessment.dimensionsM.lengthM],
    ['widthMm', declared.widthMm, assessment.dimensionsM.widthM],
    ['heightMm', declared.heightMm, assessment.dimensionsM.heightM],
  ];
  for (const [figure, limitMm, weighedM] of dims) {
    if (limitMm === undefined || weighedM === undefined) continue;
    const weighedMm = Math.round(weighedM * 1000);
    if (weighedMm > limitMm) out.push({ figure, declared: limitMm, weighed: weighedMm });
  }
  return out;
};

/**
 * A roadside weighing against the vehicle's permits (§11): the permits valid on its local date
 * are compared with it; it is covered when one of them holds every figure it declares (confirmed
 * gross, then length, width and height as measured) — several permits: doubt to the party. Above
 * every valid permit → "大车小证" (`permit_exceeded`, the permit nearest to holding it named).
 * No valid permit that day and an §4 overload (weight or dimensions) → `oversize_without_permit`.
 */
export const judgePermitWeighing = (assessment: ScoredAssessment, permits: readonly OversizePermit[]): PermitWeighingVerdict => {
  const valid = permits.filter((permit) => permit.vehicleIds.includes(assessment.vehicleId) && permitValidOnDate(permit, assessment.measuredAtMs));
  if (valid.length === 0) return assessment.outcome === 'violation' ? { outcome: 'oversize_without_permit' } : { outcome: 'nothing' };
  const judged = valid
    .map((permit) => ({ permit, excesses: excessesOver(assessment, permit.declared ?? {}) }))
    .sort((a, b) => a.excesses.length - b.excesses.length || a.permit.routeId.localeCompare(b.permit.routeId));
  const best = judged[0]!;
  if (best.excesses.length === 0) return { outcome: 'covered', permitId: best.permit.routeId };
  return { outcome: 'permit_exceeded', permitId: best.permit.routeId, excesses: best.excesses, axlesDeclared: best.permit.declared?.axles ?? null };
};
