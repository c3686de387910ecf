import { along } from '@turf/along';
import { bearing } from '@turf/bearing';
import { destination } from '@turf/destination';
import { lineString } from '@turf/helpers';
import { lineIntersect } from '@turf/line-intersect';
import { nearestPointOnLine } from '@turf/nearest-point-on-line';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { haversineMeters, type LatLon } from '@roadwatch/domain';
import type { ReportPoint } from '../motion/motion-model';
import { motionTimeline, stopsOf, trackPointsOf, type TrackPosition } from '../motion/stops';
import { DEFAULT_WIM_GPS_CONFIG, type WimGpsConfig } from './wim-gps.config';
import { wimGpsTexts, type WimGpsReason } from './wim-gps-texts';

/**
 * Evasion (绕行/闯卡, RULES.md §14, §15 "WIM × GPS"): per station a corridor (the road through
 * it) and two screen lines, *default* 3 km up and down stream. A screen line is crossed when
 * the chord between two consecutive reports intersects it; a pass runs from the last report
 * before the first line to the first report after the second, within 20 min.
 * - detour: a report > 200 m outside the corridor's edge, and a later one back inside by the
 *   first report after the second line; suppressed by a §8 stop ≥ 10 min outside the corridor
 *   between the crossings, or by a closure (≥ 30 % of the same-direction heavy-truck passes
 *   with a first crossing within ± 30 min detour, the subject included).
 * - missed scale: any other pass, when the station read another plate before and after the
 *   truck's nearest report inside the pass.
 * A pass is one kind, never both. Any record with the truck's plate, or an unread plate, in the
 * pass → nothing. A targeting list, not a penalty; the caller feeds heavy trucks only.
 */

type Lonlat = [number, number];
export type ScreenLine = readonly [Lonlat, Lonlat];

export interface EvasionStation {
  stationId: string;
  location: LatLon;
  /** The road through the station, [lon, lat] points in the upstream → downstream direction. */
  corridor: readonly Lonlat[];
  corridorHalfWidthM?: number;
  /** Surveyed screen lines; absent → derived 3 km (default) along the corridor each way. */
  screenLines?: { upstream: ScreenLine; downstream: ScreenLine };
}

export interface StationPass {
  /** 'downstream' when the upstream line was crossed first. */
  direction: 'downstream' | 'upstream';
  /** When the chord crossed the first line (interpolated along it). */
  firstCrossingMs: number;
  /** The last report before the first line and the first report after the second. */
  startMs: number;
  endMs: number;
  /** off_corridor: left by > 200 m and not back inside by the end — not past the scale, not a detour either. */
  kind: 'detour' | 'through' | 'off_corridor';
  /** Farthest a report of the pass lay outside the corridor's edge, metres (0 when none). */
  maxOutsideM: number;
  /** The report of the pass nearest the station. */
  nearest: ReportPoint;
  /** A §8 stop of ≥ 10 min outside the corridor between the crossings. */
  bypassStop: boolean;
}

const lonlat = (p: LatLon): Lonlat => [p.longitudeDeg, p.latitudeDeg];

/** The station's screen lines: surveyed ones, else perpendicular to the corridor at ± the offset along it. */
export const screenLinesOf = (station: EvasionStation, config: WimGpsConfig = DEFAULT_WIM_GPS_CONFIG): { upstream: ScreenLine; downstream: ScreenLine } => {
  if (station.screenLines) return station.screenLines;
  if (station.corridor.length < 2) throw new Error(`station ${station.stationId}: a corridor needs at least 2 points`);
  const road = lineString(station.corridor.map(([lon, lat]) => [lon, lat]));
  const cfg = config.evasion;
  const atKm = nearestPointOnLine(road, lonlat(station.location), { units: 'kilometers' }).properties.location;
  const lineAt = (offsetM: number): ScreenLine => {
    const kmAlong = Math.max(0, atKm + offsetM / 1000);
    const centre = along(road, kmAlong, { units: 'kilometers' });
    const ahead = along(road, kmAlong + 0.01, { units: 'kilometers' });
    const behind = along(road, Math.max(0, kmAlong - 0.01), { units: 'kilometers' });
    const heading = bearing(behind, ahead);
    const left = destination(centre, cfg.screenLineHalfLengthM / 1000, heading - 90, { units: 'kilometers' }).geometry.coordinates;
    const right = destination(centre, cfg.screenLineHalfLengthM / 1000, heading + 90, { units: 'kilometers' }).geometry.coordinates;
    return [
      [left[0] as number, left[1] as number],
      [right[0] as number, right[1] as number],
    ];
  };
  return { upstream: lineAt(-cfg.screenLineOffsetM), downstream: lineAt(cfg.screenLineOffsetM) };
};

const boxOf = (line: ScreenLine): [number, number, number, number] => [
  Math.min(line[0][0], line[1][0]),
  Math.min(line[0][1], line[1][1]),
  Math.max(line[0][0], line[1][0]),
  Math.max(line[0][1], line[1][1]),
];

/** Where along the chord a→b it crosses the line (0..1), or null. A box test first: most chords are nowhere near. */
const crossingFraction = (a: ReportPoint, b: ReportPoint, line: ScreenLine, box: [number, number, number, number]): number | null => {
  if (Math.max(a.longitudeDeg, b.longitudeDeg) < box[0] || Math.min(a.longitudeDeg, b.longitudeDeg) > box[2]) return null;
  if (Math.max(a.latitudeDeg, b.latitudeDeg) < box[1] || Math.min(a.latitudeDeg, b.latitudeDeg) > box[3]) return null;
  if (a.longitudeDeg === b.longitudeDeg && a.latitudeDeg === b.latitudeDeg) return null;
  const hit = lineIntersect(lineString([lonlat(a), lonlat(b)]), lineString([line[0], line[1]])).features[0];
  if (!hit) return null;
  const whole = haversineMeters(a, b);
  const [lon, lat] = hit.geometry.coordinates as Lonlat;
  return whole === 0 ? 0 : Math.min(1, haversineMeters(a, { latitudeDeg: lat, longitudeDeg: lon }) / whole);
};

/** Every pass of one truck's track past the station, in time order (one pass over the track). */
export const stationPasses = (station: EvasionStation, track: readonly TrackPosition[], config: WimGpsConfig = DEFAULT_WIM_GPS_CONFIG): StationPass[] => {
  const cfg = config.evasion;
  const lines = screenLinesOf(station, config);
  const boxes = { upstream: boxOf(lines.upstream), downstream: boxOf(lines.downstream) };
  const road = lineString(station.corridor.map(([lon, lat]) => [lon, lat]));
  const halfWidthM = station.corridorHalfWidthM ?? cfg.corridorHalfWidthM;
  const { points } = trackPointsOf(track);
  const outsideEdgeM = (p: LatLon): number => Math.max(0, pointToLineDistance(lonlat(p), road, { units: 'meters' }) - halfWidthM);
  const stops = stopsOf(motionTimeline(points, config.motion));

  const passes: StationPass[] = [];
  let pending: { line: 'upstream' | 'downstream'; index: number; crossingMs: number } | null = null;
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1] as ReportPoint;
    const b = points[i] as ReportPoint;
    const crossings = (['upstream', 'downstream'] as const)
      .map((line) => ({ line, f: crossingFraction(a, b, lines[line], boxes[line]) }))
      .filter((c): c is { line: 'upstream' | 'downstream'; f: number } => c.f !== null)
      .sort((x, y) => x.f - y.f);
    for (const c of crossings) {
      const crossingMs = a.timeMs + c.f * (b.timeMs - a.timeMs);
      if (!pending || pending.line === c.line) {
        pending = { line: c.line, index: i - 1, crossingMs };
        continue;
      }
      const startIndex = pending.index;
      const first = pending;
      pending = null;
      const start = points[startIndex] as ReportPoint;
      if (b.timeMs - start.timeMs > cfg.maxPassMs) {
        // Too slow for a pass; this crossing may start the next one.
        pending = { line: c.line, index: i - 1, crossingMs };
        continue;
      }
      passes.push(classifyPass(points, startIndex, i, first.line, first.crossingMs, outsideEdgeM, stops, station.location, config));
    }
  }
  return passes;
};

const classifyPass = (
  points: readonly ReportPoint[],
  startIndex: number,
  endIndex: number,
  firstLine: 'upstream' | 'downstream',
  firstCrossingMs: number,
  outsideEdgeM: (p: LatLon) => number,
  stops: ReturnType<typeof stopsOf>,
  stationAt: LatLon,
  config: WimGpsConfig,
): StationPass => {
  const cfg = config.evasion;
  let maxOutsideM = 0;
  let outAt = -1;
  let backAt = -1;
  let nearest = points[startIndex] as ReportPoint;
  let nearestM = Infinity;
  for (let k = startIndex; k <= endIndex; k += 1) {
    const p = points[k] as ReportPoint;
    const d = haversineMeters(p, stationAt);
    if (d < nearestM) {
      nearestM = d;
      nearest = p;
    }
    if (k === startIndex) continue;
    const outside = outsideEdgeM(p);
    maxOutsideM = Math.max(maxOutsideM, outside);
    if (outAt < 0 && outside > cfg.detourMarginM) outAt = k;
    else if (outAt >= 0 && backAt < 0 && outside === 0) backAt = k;
  }
  const start = points[startIndex] as ReportPoint;
  const end = points[endIndex] as ReportPoint;
  const bypassStop = stops.some(
    (s) => s.spanMs >= cfg.bypassStopMs && s.spanStartMs >= start.timeMs && s.spanEndMs <= end.timeMs && s.reports.some((r) => outsideEdgeM(r) > 0),
  );
  return {
    direction: firstLine === 'upstream' ? 'downstream' : 'upstream',
    firstCrossingMs,
    startMs: start.timeMs,
    endMs: end.timeMs,
    kind: outAt < 0 ? 'through' : backAt >= 0 ? 'detour' : 'off_corridor',
    maxOutsideM,
    nearest,
    bypassStop,
  };
};

/** A record of the station: a read plate, or an unread one (null or empty). */
export interface StationRead {
  measuredAtMs: number;
  plate: string | null;
}

export interface EvasionResult {
  outcome: 'missed_scale' | 'detour' | 'none';
  /** Why a pass that looked like one is nothing. */
  suppressedBy: 'own_record' | 'unread_plate' | 'station_not_reading' | 'closure' | 'bypass_stop' | null;
  /** Closure: detours ÷ same-direction passes within ± 30 min, the subject included. */
  closureShare: number | null;
  reasons: WimGpsReason[];
}

const samePlate = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const isUnread = (plate: string | null): boolean => plate === null || plate.trim() === '';

export const judgeEvasion = (input: {
  pass: StationPass;
  plate: string;
  stationRecords: readonly StationRead[];
  /** Other heavy trucks' passes at this station (the subject's own is added here, not to be given). */
  otherPasses: ReadonlyArray<Pick<StationPass, 'direction' | 'firstCrossingMs' | 'kind'>>;
  config?: WimGpsConfig;
}): EvasionResult => {
  const config = input.config ?? DEFAULT_WIM_GPS_CONFIG;
  const cfg = config.evasion;
  const { pass } = input;
  const nothing = (suppressedBy: EvasionResult['suppressedBy'], zh: string, en: string, closureShare: number | null = null): EvasionResult => ({
    outcome: 'none',
    suppressedBy,
    closureShare,
    reasons: suppressedBy ? [wimGpsTexts.suppressed(suppressedBy, zh, en)] : [],
  });
  const inPass = input.stationRecords.filter((r) => r.measuredAtMs >= pass.startMs && r.measuredAtMs <= pass.endMs);
  if (inPass.some((r) => !isUnread(r.plate) && samePlate(r.plate as string, input.plate))) {
    return nothing('own_record', '称重站有本车记录', 'The station has a record of this plate in the pass');
  }
  if (inPass.some((r) => isUnread(r.plate))) return nothing('unread_plate', '称重站期间有未识别车牌的记录', 'The station has an unread plate in the pass');

  if (pass.kind === 'off_corridor') return nothing(null, '', '');
  if (pass.kind === 'detour') {
    if (pass.bypassStop) return nothing('bypass_stop', '绕行途中停车10分钟以上', 'Stopped ≥ 10 min outside the corridor between the lines');
    const concurrent = input.otherPasses.filter(
      (p) => p.direction === pass.direction && Math.abs(p.firstCrossingMs - pass.firstCrossingMs) <= cfg.closureWindowMs,
    );
    const share = (concurrent.filter((p) => p.kind === 'detour').length + 1) / (concurrent.length + 1);
    if (share >= cfg.closureShare) {
      return nothing(
        'closure',
        `同向货车${(share * 100).toFixed(2)}%同时绕行（疑似道路封闭）`,
        `${(share * 100).toFixed(2)}% of same-direction trucks detoured at once (closure)`,
        share,
      );
    }
    return { outcome: 'detour', suppressedBy: null, closureShare: share, reasons: [wimGpsTexts.detour(pass.startMs, pass.endMs, pass.maxOutsideM)] };
  }

  const t = pass.nearest.timeMs;
  const readBefore = inPass.some((r) => r.measuredAtMs < t);
  const readAfter = inPass.some((r) => r.measuredAtMs > t);
  if (!readBefore || !readAfter) {
    return nothing(
      'station_not_reading',
      '称重站期间未记录到前后其他车辆（可能故障）',
      'The station read no other plate both before and after the truck passed',
    );
  }
  return { outcome: 'missed_scale', suppressedBy: null, closureShare: null, reasons: [wimGpsTexts.missedScale(pass.startMs, pass.endMs)] };
};
