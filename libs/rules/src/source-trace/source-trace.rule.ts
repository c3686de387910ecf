import { type LatLon, type VehicleFacts } from '@roadwatch/domain';
import { gapsOf, motionTimeline, stopsOf, trackPointsOf, type TrackPosition, type TrackStop } from '../motion/stops';
import type { MotionInterval, ReportPoint } from '../motion/motion-model';
import { grossWeightLimit } from '../overload/gross-limit.rule';
import { confirmedGrossOf } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG, type OverloadConfig } from '../overload/overload.config';
import { geofenceIssue, prepareGeofence, type Geofence, type PreparedGeofence } from './geofence';
import { DEFAULT_SOURCE_TRACE_CONFIG, type SourceTraceConfig } from './source-trace.config';
import { traceTexts, type TraceReason } from './trace-texts';

/**
 * 源头倒查 (RULES.md §13, every edge as §15 "Four parties" reads it): from a weighing back
 * to the vehicle's loading stop. Pure: the track, the sites and the exit records are given;
 * nothing is read and no clock is looked at.
 *
 * A §13 stop is a §8 stop (`stopsOf`, the motion model's): span from the last moving report
 * before it to the first after it, held dwell from its first to its last still report. The
 * window holds the stops that end within [t_w − 24 h, t_w], each measured whole; a stop in
 * progress at t_w belongs to the weighing. One pass over the track (linear), then each
 * stop of ≥ 8 min against the sites whose box it touches.
 */

export interface SourceSite {
  siteId: string;
  name?: string;
  /** The 货运源头单位 the site belongs to: the party a grade-A trace proposes. */
  companyId?: string;
  kind?: string;
  keySite?: boolean;
  /** Polygon or circle; absent → a circle of the default radius around `location`. */
  geofence?: Geofence;
  location?: LatLon;
  /** The station id of the site's own exit scale, when it has one. */
  exitScaleStationId?: string;
}

/** The weighing being traced: a WIM violation, an entrance refusal or an over-limit exit record (§15). */
export interface TraceWeighing {
  stationId: string;
  /** t_w. */
  measuredAtMs: number;
  plate: string;
  plateColour?: number;
}

/** A record of a source site's exit scale (§13): plate, gross, axles, time. */
export interface ExitRecord {
  recordId: string;
  stationId: string;
  plate: string;
  plateColour?: number;
  measuredAtMs: number;
  grossKg: number;
  axleCount: number;
  accuracyClassPct?: number;
}

export type SiteRelation = 'at' | 'near';

export interface StopAtSites extends TrackStop {
  /** Sites the stop is at or near (§15), in the order the sites were given. */
  sites: Array<{ siteId: string; relation: SiteRelation }>;
}

export type ChainBreak =
  | { kind: 'gap'; startMs: number; endMs: number; movedThrough: boolean }
  | { kind: 'stale_last_report'; lastReportMs: number | null }
  | { kind: 'stop'; stop: StopAtSites };

export interface Article71Evidence {
  recordId: string;
  siteId: string;
  measuredAtMs: number;
  confirmedGrossKg: number;
  limitKg: number;
  /** departed: a report > 50 m outside the geofence came first; reweighed: a later exit record within the limit did. */
  outcome: 'departed' | 'departure_not_seen' | 'reweighed_within_limit';
  departure: ReportPoint | null;
}

export interface SourceTraceResult {
  grade: 'A' | 'B' | 'C';
  /** A from the site's own exit scale, or from reading the track. */
  method: 'exit_scale' | 'track';
  /** The site the trace points to: proposed (A) or to confirm (B, when the candidate stop names one). */
  siteId: string | null;
  /** The source unit proposed on the case (A only). */
  proposedCompanyId: string | null;
  candidateSites: Array<{ siteId: string; relation: SiteRelation }>;
  candidateStop: StopAtSites | null;
  /** The window's stops with a span ≥ the minimum (8 min), in time order. */
  stops: StopAtSites[];
  chainBreaks: ChainBreak[];
  /** Grade C: the window's stops, possible unregistered loading points. */
  possibleLoadingPoints: StopAtSites[];
  /** 未过磅出场: the exit-record window that held no record (track-traced A to a site with an exit scale). */
  unweighedExit: { siteId: string; fromMs: number; toMs: number } | null;
  article71: Article71Evidence[];
  reasons: TraceReason[];
  /** Sites whose geofence could not be read, and why (the trace goes on without them). */
  skippedSites: Array<{ siteId: string; reason: string }>;
  /** Reports left out: no finite time or place, or a second report at the same instant. */
  ignoredReports: number;
}

export interface TraceSourceInput {
  /** The vehicle's accepted reports (§6-valid, not drift), any order; at least the window before t_w. */
  track: readonly TrackPosition[];
  weighing: TraceWeighing;
  sites: readonly SourceSite[];
  exitRecords?: readonly ExitRecord[];
  /** For the §4 limit of an exit record (第71条); absent → the measurement alone decides (§8). */
  vehicle?: VehicleFacts;
  overloadConfig?: OverloadConfig;
  config?: SourceTraceConfig;
  /** §15: a weighing in a 套牌 conflict (`clonedPlateConflict`) is not traced on the registered vehicle's track. */
  clonedPlateConflict?: boolean;
}

interface PreparedSite {
  site: SourceSite;
  fence: PreparedGeofence;
}

const samePlate = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const sameVehicle = (record: { plate: string; plateColour?: number | undefined }, weighing: TraceWeighing): boolean =>
  samePlate(record.plate, weighing.plate) &&
  (record.plateColour === undefined || weighing.plateColour === undefined || record.plateColour === weighing.plateColour);

const nameOf = (site: SourceSite): string => site.name ?? site.siteId;

/** The sites whose geofence can be read; the others listed with the reason. */
export const prepareSites = (
  sites: readonly SourceSite[],
  config: SourceTraceConfig,
): { prepared: PreparedSite[]; skipped: Array<{ siteId: string; reason: string }> } => {
  const prepared: PreparedSite[] = [];
  const skipped: Array<{ siteId: string; reason: string }> = [];
  const margin = Math.max(config.siteMarginM, config.departureMarginM);
  for (const site of sites) {
    const fence: Geofence | undefined = site.geofence ?? (site.location ? { kind: 'circle', centre: site.location } : undefined);
    if (!fence) {
      skipped.push({ siteId: site.siteId, reason: 'no geofence and no location' });
      continue;
    }
    const issue = geofenceIssue(fence, config.defaultCircleRadiusM);
    if (issue) skipped.push({ siteId: site.siteId, reason: issue });
    else prepared.push({ site, fence: prepareGeofence(fence, config.defaultCircleRadiusM, margin) });
  }
  return { prepared, skipped };
};

/** §15: at = every report inside and ≥ margin from the boundary; near = not at, but a report inside the geofence grown by the margin. */
export const stopRelation = (reports: readonly LatLon[], fence: PreparedGeofence, marginM: number): SiteRelation | null => {
  let every = true;
  let some = false;
  for (const r of reports) {
    const placed = fence.place(r);
    if (!placed.inside || placed.boundaryDistanceM < marginM) every = false;
    if (placed.inside || placed.boundaryDistanceM <= marginM) some = true;
    if (!every && some) return 'near';
  }
  if (every && reports.length > 0) return 'at';
  return some ? 'near' : null;
};

const relateStop = (stop: TrackStop, sites: readonly PreparedSite[], marginM: number): StopAtSites => {
  const related: StopAtSites['sites'] = [];
  for (const { site, fence } of sites) {
    if (!stop.reports.some((r) => fence.withinGrown(r, marginM))) continue;
    const relation = stopRelation(stop.reports, fence, marginM);
    if (relation) related.push({ siteId: site.siteId, relation });
  }
  return { ...stop, sites: related };
};

/** Index of the last point with timeMs ≤ t (−1 when none): binary search, the points are sorted. */
const lastAtOrBefore = (points: readonly ReportPoint[], t: number): number => {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as ReportPoint).timeMs <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};

/**
 * 第71条 evidence for one exit record (§15): its confirmed gross (its scale's class) over the §4
 * limit, then a report more than 50 m outside the geofence before any later exit record of the
 * plate within the limit; no report after it = "departure not seen". Null when the record is within the limit.
 */
export const article71Evidence = (input: {
  record: ExitRecord;
  site: SourceSite;
  /** Sorted points (trackPointsOf). */
  points: readonly ReportPoint[];
  laterRecords: readonly ExitRecord[];
  vehicle?: VehicleFacts;
  overloadConfig?: OverloadConfig;
  config?: SourceTraceConfig;
}): Article71Evidence | null => {
  const config = input.config ?? DEFAULT_SOURCE_TRACE_CONFIG;
  const overload = input.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG;
  const { record, site, points } = input;
  const over = (r: ExitRecord): { confirmedGrossKg: number; limitKg: number; over: boolean } => {
    const { confirmedGrossKg } = confirmedGrossOf(r, overload);
    const { limitKg } = grossWeightLimit(r.axleCount, input.vehicle, overload);
    return { confirmedGrossKg, limitKg, over: confirmedGrossKg > limitKg };
  };
  const judged = over(record);
  if (!judged.over) return null;
  const fence = prepareSites([site], config).prepared[0]?.fence;
  const reweighedAtMs = input.laterRecords
    .filter((r) => r.measuredAtMs > record.measuredAtMs && samePlate(r.plate, record.plate) && !over(r).over)
    .reduce((min, r) => Math.min(min, r.measuredAtMs), Infinity);
  let departure: ReportPoint | null = null;
  if (fence) {
    for (let i = lastAtOrBefore(points, record.measuredAtMs) + 1; i < points.length; i += 1) {
      const p = points[i] as ReportPoint;
      if (p.timeMs >= reweighedAtMs) break;
      if (!fence.withinGrown(p, config.departureMarginM)) {
        departure = p;
        break;
      }
    }
  }
  const outcome: Article71Evidence['outcome'] = departure ? 'departed' : Number.isFinite(reweighedAtMs) ? 'reweighed_within_limit' : 'departure_not_seen';
  return {
    recordId: record.recordId,
    siteId: site.siteId,
    measuredAtMs: record.measuredAtMs,
    confirmedGrossKg: judged.confirmedGrossKg,
    limitKg: judged.limitKg,
    outcome,
    departure,
  };
};

export const traceSource = (input: TraceSourceInput): SourceTraceResult => {
  const config = input.config ?? DEFAULT_SOURCE_TRACE_CONFIG;
  const { weighing } = input;
  const tw = weighing.measuredAtMs;
  const { prepared, skipped } = prepareSites(input.sites, config);
  const byId = new Map(input.sites.map((s) => [s.siteId, s]));
  const exitRecords = (input.exitRecords ?? []).filter((r) => sameVehicle(r, weighing));
  const { points, ignored } = trackPointsOf(input.track);

  const result: SourceTraceResult = {
    grade: 'C',
    method: 'track',
    siteId: null,
    proposedCompanyId: null,
    candidateSites: [],
    candidateStop: null,
    stops: [],
    chainBreaks: [],
    possibleLoadingPoints: [],
    unweighedExit: null,
    article71: [],
    reasons: [],
    skippedSites: skipped,
    ignoredReports: ignored,
  };
  const withArticle71 = (r: SourceTraceResult, site: SourceSite | undefined): SourceTraceResult => {
    if (!site?.exitScaleStationId) return r;
    const atSite = exitRecords.filter((e) => e.stationId === site.exitScaleStationId).sort((a, b) => a.measuredAtMs - b.measuredAtMs);
    for (const record of atSite) {
      if (record.measuredAtMs < tw - config.windowMs || record.measuredAtMs > tw) continue;
      const evidence = article71Evidence({
        record,
        site,
        points,
        laterRecords: atSite,
        ...(input.vehicle ? { vehicle: input.vehicle } : {}),
        ...(input.overloadConfig ? { overloadConfig: input.overloadConfig } : {}),
        config,
      });
      if (!evidence) continue;
      r.article71.push(evidence);
      r.reasons.push(
        traceTexts.article71(nameOf(site), evidence.measuredAtMs, evidence.confirmedGrossKg, evidence.limitKg, evidence.departure?.timeMs ?? null),
      );
    }
    return r;
  };

  // §15: a weighing at a site's exit scale is A for that site, without reading the track.
  const exitSite = input.sites.find((s) => s.exitScaleStationId !== undefined && s.exitScaleStationId === weighing.stationId);
  if (exitSite) {
    return withArticle71(
      {
        ...result,
        grade: 'A',
        method: 'exit_scale',
        siteId: exitSite.siteId,
        proposedCompanyId: exitSite.companyId ?? null,
        candidateSites: [{ siteId: exitSite.siteId, relation: 'at' }],
        reasons: [traceTexts.exitScale(nameOf(exitSite))],
      },
      exitSite,
    );
  }

  // The truck on the scale was not the registered vehicle: its track says nothing of the load.
  if (input.clonedPlateConflict === true) return { ...result, reasons: [traceTexts.clonedPlate()] };

  const timeline = motionTimeline(points, config.motion);
  const lastIndex = lastAtOrBefore(points, tw);
  const lastBeforeMs = lastIndex >= 0 ? (points[lastIndex] as ReportPoint).timeMs : null;
  const fromMs = tw - config.windowMs;
  if (lastBeforeMs === null || lastBeforeMs < fromMs) {
    return { ...result, reasons: [traceTexts.noTrack(config.windowMs)] };
  }

  const recentEnough = (ms: number): boolean => tw - ms <= config.maxLastReportAgeMs;
  // A stop in progress at t_w belongs to the weighing: one that ends after it, or one the track
  // has not seen end whose last report is recent. One the track left long before t_w ended there.
  const inProgress = (s: TrackStop): boolean => s.spanStartMs <= tw && (s.spanEndMs > tw || (!s.ended && recentEnough(s.spanEndMs)));
  const stops = stopsOf(timeline)
    .filter((s) => !inProgress(s) && s.spanEndMs >= fromMs && s.spanEndMs <= tw && s.spanMs >= config.minStopMs)
    .map((s) => relateStop(s, prepared, config.siteMarginM));
  result.stops = stops;

  const candidateSites = new Map<string, SiteRelation>();
  for (const s of stops) for (const { siteId, relation } of s.sites) if (candidateSites.get(siteId) !== 'at') candidateSites.set(siteId, relation);
  result.candidateSites = [...candidateSites].map(([siteId, relation]) => ({ siteId, relation }));
  if (candidateSites.size === 0) {
    return { ...result, possibleLoadingPoints: stops, reasons: [traceTexts.noCandidate(config.minStopMs)] };
  }

  const held = stops.filter((s) => s.heldMs >= config.minStopMs);
  const candidate = [...held].reverse().find((s) => s.sites.some((x) => x.relation === 'at')) ?? [...held].reverse().find((s) => s.sites.length > 0) ?? null;
  const reasons: TraceReason[] = [];
  const siteNames = (ids: readonly string[]): string[] => ids.map((id) => nameOf(byId.get(id) as SourceSite));
  if (candidateSites.size > 1) reasons.push(traceTexts.severalSites(siteNames([...candidateSites.keys()])));
  if (!candidate) {
    const [firstId] = candidateSites.keys();
    reasons.push(traceTexts.noHeldStop(nameOf(byId.get(firstId as string) as SourceSite), config.minStopMs));
    return { ...result, grade: 'B', reasons };
  }
  result.candidateStop = candidate;
  const atSites = candidate.sites.filter((x) => x.relation === 'at');
  if (candidate.sites.length > 1) reasons.push(traceTexts.twoGeofences(siteNames(candidate.sites.map((x) => x.siteId))));
  else if (atSites.length === 0)
    reasons.push(traceTexts.nearOnly(nameOf(byId.get((candidate.sites[0] as { siteId: string }).siteId) as SourceSite), config.siteMarginM));
  const siteId = candidate.sites.length === 1 ? (candidate.sites[0] as { siteId: string }).siteId : null;
  const site = siteId ? (byId.get(siteId) as SourceSite) : undefined;
  if (site) reasons.unshift(traceTexts.oneSite(nameOf(site), candidate.heldMs, candidate.heldStartMs, candidate.heldEndMs));

  // The chain, from the candidate stop's end to t_w.
  const chainFromMs = candidate.spanEndMs;
  const breaks: ChainBreak[] = [];
  for (const g of gapsOf(timeline) as MotionInterval[]) {
    if (g.startMs < tw && g.endMs > chainFromMs) {
      breaks.push({ kind: 'gap', startMs: g.startMs, endMs: g.endMs, movedThrough: g.kind === 'gap_moved' });
      reasons.push(traceTexts.gap(g.startMs, g.endMs, g.kind === 'gap_moved'));
    }
  }
  if (!recentEnough(lastBeforeMs)) {
    breaks.push({ kind: 'stale_last_report', lastReportMs: lastBeforeMs });
    reasons.push(traceTexts.staleLastReport(lastBeforeMs, tw - lastBeforeMs));
  }
  for (const s of stops) {
    if (s === candidate || s.spanStartMs < chainFromMs) continue;
    // A rest (held ≥ 20 min) neither at nor near a site does not break the chain.
    if (s.heldMs >= config.motion.restMs && s.sites.length === 0) continue;
    breaks.push({ kind: 'stop', stop: s });
    reasons.push(traceTexts.stopBetween(s.spanStartMs, s.spanEndMs, s.sites[0] ? nameOf(byId.get(s.sites[0].siteId) as SourceSite) : undefined));
  }
  result.chainBreaks = breaks;

  const gradeA = candidateSites.size === 1 && site !== undefined && atSites.length === 1 && breaks.length === 0;
  if (!gradeA) return withArticle71({ ...result, grade: 'B', siteId, reasons }, site);

  reasons.push(traceTexts.chainUnbroken(chainFromMs, tw));
  let unweighedExit: SourceTraceResult['unweighedExit'] = null;
  if (site?.exitScaleStationId) {
    // 未过磅出场: any exit record of the plate there, whatever its weight, means weighed.
    const from = candidate.heldEndMs - config.exitRecordToleranceMs;
    const to = candidate.spanEndMs + config.exitRecordToleranceMs;
    const weighed = exitRecords.some((e) => e.stationId === site.exitScaleStationId && e.measuredAtMs >= from && e.measuredAtMs <= to);
    if (!weighed) {
      unweighedExit = { siteId: site.siteId, fromMs: from, toMs: to };
      reasons.push(traceTexts.unweighedExit(nameOf(site), from, to));
    }
  }
  return withArticle71({ ...result, grade: 'A', siteId, proposedCompanyId: site?.companyId ?? null, reasons, unweighedExit }, site);
};
