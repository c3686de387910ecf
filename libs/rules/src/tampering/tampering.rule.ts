import { lineString } from '@turf/helpers';
import { lineIntersect } from '@turf/line-intersect';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { chinaDateOf, haversineMeters, type LatLon } from '@roadwatch/domain';
import { isInDailyWindow } from '../common/time-window';
import { impliedSpeedKmh } from '../quality/data-quality.rule';
import { prepareGeofence, type Geofence, type PreparedGeofence } from '../source-trace/geofence';
import { DEFAULT_TAMPERING_CONFIG, type TamperingConfig } from './tampering.config';

/**
 * Signal tampering (人为干扰、屏蔽卫星定位装置, RULES.md §12 read as §15 "Tampering (§12)").
 * Pure: a vehicle's stored track (realtime and back-fill already merged — the caller gives
 * every report it has, in any order), the registered blind areas, the 治超 stations and source
 * sites, and other vehicles' gaps (for the network-outage exclusion) in; suspected episodes out.
 *
 * - Accepted reports (§15): GNSS-fixed and not drift (the implied speed from the previous *and*
 *   to the next fixed report both > 160 km/h, jitter allowed first).
 * - I1: from a report with alarm bit 5 or 6 and ACC on to the first fixed report with both clear;
 *   it holds when that report lies > 1 km from the last accepted position at or before the start.
 * - I2: a gap (> 5 min) between consecutive accepted reports that the vehicle moved through
 *   (beyond jitter), with its implied speed.
 * - I3: consecutive not-fixed or ≤ 3-satellite reports spanning ≥ 5 min, each with signal (0x30)
 *   ≥ 10 and not 99 (missing is not normal), the next good report > 1 km from the last good one.
 * - I4: accepted positions within 50 m of the run's first spanning ≥ 10 min while the odometer
 *   (0x01) grows by > 1.0 km.
 * - I5: ≥ 3 drift jumps in one local day (from the day's first to last jump) — adds only.
 * - I6: a moving report with alarm bit 8, until the next report without it.
 * - Exclusions per stretch: ACC off on the report before or after it; a blind area holding its
 *   start or end, or crossed by the straight line between them; for I2 only, a network outage
 *   (≥ 5 vehicles, this one included, with a gap starting in the same 0.05° cell or a neighbour
 *   and overlapping in time). Sleep flags come with ACC off, so the ACC test covers them.
 * - Episodes: stretches not excluded that overlap or lie ≤ 5 min apart join (earliest start to
 *   latest end); one needs an I1–I4 or I6; its score is the number of distinct I1–I6; I7 is the
 *   context measured from the last accepted position at or before its start.
 *
 * Nothing here withdraws §8's moved-through flag: that is the data-quality pipeline's.
 */

export type TamperingIndicator = 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6';
export const TAMPERING_INDICATORS: readonly TamperingIndicator[] = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6'];
const CORE: ReadonlySet<TamperingIndicator> = new Set(['I1', 'I2', 'I3', 'I4', 'I6']);

/** JT/T 808 alarm bits (RULES §7). */
export const ALARM_ANTENNA_CUT_BIT = 1 << 5;
export const ALARM_ANTENNA_SHORT_BIT = 1 << 6;
export const ALARM_POWER_LOSS_BIT = 1 << 8;

/** One stored report, as much of `positionV1` as the rule reads. */
export interface TamperingReport extends LatLon {
  deviceTimeMs: number;
  speedKmh: number;
  accOn: boolean;
  gnssFixed: boolean;
  alarmFlags: number;
  mileageKm?: number | undefined;
  satellites?: number | undefined;
  signalStrength?: number | undefined;
}

export interface BlindArea {
  id: string;
  name: string;
  geofence: Geofence;
}

/** I7's places: a 治超 station's point, a source site's area. */
export type ContextPlace = { id: string; name: string; kind: 'station'; point: LatLon } | { id: string; name: string; kind: 'source_site'; geofence: Geofence };

/** A gap of another vehicle (§8: consecutive reports > 5 min apart), where it started. */
export interface OtherVehicleGap extends LatLon {
  vehicleId: string;
  startMs: number;
  endMs: number;
}

export type ExclusionReason = 'acc_off' | 'blind_area' | 'network_outage';

export interface IndicatorStretch {
  indicator: TamperingIndicator;
  startMs: number;
  endMs: number;
  /** Where it starts (last accepted position at or before) and ends (the report that ends it). */
  from: LatLon;
  to: LatLon;
  /** Straight-line distance from `from` to `to`, metres. */
  displacedM: number;
  /** I2: the implied speed across the gap; I4: the odometer growth; I5: the day's drift count. */
  impliedSpeedKmh?: number;
  mileageGrowthKm?: number;
  driftJumps?: number;
  /** Set when the stretch is excluded, with why (the blind area's id when one). */
  excluded?: { reason: ExclusionReason; blindAreaId?: string; vehiclesInOutage?: number };
}

export interface TamperingContext {
  /** The place within the radius of the start, nearest first; absent when none. */
  near?: { id: string; name: string; kind: 'station' | 'source_site'; distanceM: number };
  night: boolean;
}

export interface TamperingEpisode {
  vehicleId: string;
  startMs: number;
  endMs: number;
  /** Distinct I1–I6, in order. */
  indicators: TamperingIndicator[];
  score: number;
  /** I7 holds: near a station or source site, or a start at night. */
  contextI7: boolean;
  context: TamperingContext;
  stretches: IndicatorStretch[];
  /** Where the episode starts (last accepted position at or before its start). */
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface TamperingResult {
  episodes: TamperingEpisode[];
  /** Stretches an exclusion removed (evidence that the rule looked). */
  excluded: IndicatorStretch[];
  /** Reports left out: not a finite time or place, or a repeated instant. */
  ignored: number;
}

export interface TamperingInput {
  vehicleId: string;
  reports: readonly TamperingReport[];
  blindAreas?: readonly BlindArea[];
  places?: readonly ContextPlace[];
  otherGaps?: readonly OtherVehicleGap[];
  config?: TamperingConfig;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const antennaAlarm = (r: TamperingReport): boolean => (r.alarmFlags & (ALARM_ANTENNA_CUT_BIT | ALARM_ANTENNA_SHORT_BIT)) !== 0;
const powerLoss = (r: TamperingReport): boolean => (r.alarmFlags & ALARM_POWER_LOSS_BIT) !== 0;
const timed = (r: TamperingReport) => ({ timeMs: r.deviceTimeMs, latitudeDeg: r.latitudeDeg, longitudeDeg: r.longitudeDeg });
const at = (r: TamperingReport): LatLon => ({ latitudeDeg: r.latitudeDeg, longitudeDeg: r.longitudeDeg });

/** The track in time order, one report per instant (the first given wins), unusable reports counted. */
const sortedTrack = (reports: readonly TamperingReport[]): { track: TamperingReport[]; ignored: number } => {
  const usable = reports.filter((r) => finite(r.deviceTimeMs) && finite(r.latitudeDeg) && finite(r.longitudeDeg) && finite(r.speedKmh));
  const sorted = [...usable].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs);
  const track: TamperingReport[] = [];
  for (const r of sorted) if (track.length === 0 || track[track.length - 1]!.deviceTimeMs !== r.deviceTimeMs) track.push(r);
  return { track, ignored: reports.length - track.length };
};

/** Drift per §15: both the jump from the previous fixed report and to the next one exceed the drift speed. */
const driftFlags = (track: readonly TamperingReport[], config: TamperingConfig): boolean[] => {
  const fixed = track.map((r, i) => (r.gnssFixed ? i : -1)).filter((i) => i >= 0);
  const drift = track.map(() => false);
  for (let k = 1; k < fixed.length - 1; k += 1) {
    const prev = track[fixed[k - 1]!]!;
    const self = track[fixed[k]!]!;
    const next = track[fixed[k + 1]!]!;
    const jitter = config.motion.jitterM;
    if (
      impliedSpeedKmh(timed(prev), timed(self), jitter) > config.quality.driftSpeedKmh &&
      impliedSpeedKmh(timed(self), timed(next), jitter) > config.quality.driftSpeedKmh
    ) {
      drift[fixed[k]!] = true;
    }
  }
  return drift;
};

const signalNormal = (r: TamperingReport, config: TamperingConfig): boolean =>
  r.signalStrength !== undefined && r.signalStrength !== config.i3UnknownSignal && r.signalStrength >= config.i3MinSignal;

const poorFix = (r: TamperingReport, config: TamperingConfig): boolean =>
  !r.gnssFixed || (r.satellites !== undefined && r.satellites <= config.i3MaxSatellites);

interface PreparedBlindArea {
  id: string;
  fence: PreparedGeofence;
  geofence: Geofence;
}

/** Whether the straight line a→b crosses the blind area's edge (its ends inside are tested apart). */
const lineCrosses = (area: PreparedBlindArea, a: LatLon, b: LatLon, defaultRadiusM: number): boolean => {
  if (a.latitudeDeg === b.latitudeDeg && a.longitudeDeg === b.longitudeDeg) return false;
  const line = lineString([
    [a.longitudeDeg, a.latitudeDeg],
    [b.longitudeDeg, b.latitudeDeg],
  ]);
  const g = area.geofence;
  if (g.kind === 'circle') {
    return pointToLineDistance([g.centre.longitudeDeg, g.centre.latitudeDeg], line, { units: 'meters' }) <= (g.radiusM ?? defaultRadiusM);
  }
  return g.rings.some((ring) => {
    const closedRing = [...ring.map(([lon, lat]) => [lon, lat] as [number, number]), [ring[0]![0], ring[0]![1]] as [number, number]];
    return lineIntersect(line, lineString(closedRing)).features.length > 0;
  });
};

/** The blind area holding the stretch's start or end, or crossed by the line between them. */
const blindAreaOf = (areas: readonly PreparedBlindArea[], from: LatLon, to: LatLon, config: TamperingConfig): string | undefined =>
  areas.find((area) => area.fence.place(from).inside || area.fence.place(to).inside || lineCrosses(area, from, to, config.blindAreaDefaultRadiusM))?.id;

const cellOf = (p: LatLon, cellDeg: number): [number, number] => [Math.floor(p.latitudeDeg / cellDeg), Math.floor(p.longitudeDeg / cellDeg)];

/** Vehicles, this one included, with a gap starting in the same cell or a neighbour and overlapping this one in time. */
const vehiclesInOutage = (
  vehicleId: string,
  gap: { startMs: number; endMs: number; from: LatLon },
  others: readonly OtherVehicleGap[],
  config: TamperingConfig,
): number => {
  const [row, col] = cellOf(gap.from, config.outageCellDeg);
  const vehicles = new Set<string>([vehicleId]);
  for (const other of others) {
    if (other.vehicleId === vehicleId || vehicles.has(other.vehicleId)) continue;
    if (!(other.startMs < gap.endMs && gap.startMs < other.endMs)) continue;
    const [r, c] = cellOf(other, config.outageCellDeg);
    if (Math.abs(r - row) <= 1 && Math.abs(c - col) <= 1) vehicles.add(other.vehicleId);
  }
  return vehicles.size;
};

/** Suspected tampering episodes of one vehicle's track (RULES §12, §15). */
export const judgeTampering = (input: TamperingInput): TamperingResult => {
  const config = input.config ?? DEFAULT_TAMPERING_CONFIG;
  const { track, ignored } = sortedTrack(input.reports);
  const drift = driftFlags(track, config);
  const accepted = track.map((r, i) => r.gnssFixed && !drift[i]);
  /** Index of the last accepted report at or before i (−1 when none). */
  const lastAcceptedAt: number[] = [];
  let lastAcc = -1;
  for (let i = 0; i < track.length; i += 1) {
    if (accepted[i]) lastAcc = i;
    lastAcceptedAt.push(lastAcc);
  }
  const moving = track.map((r, i) => r.speedKmh > config.motion.movingSpeedKmh || (i > 0 && haversineMeters(at(track[i - 1]!), at(r)) > config.motion.jitterM));
  const stretches: Array<IndicatorStretch & { before?: TamperingReport; after?: TamperingReport }> = [];
  const push = (s: IndicatorStretch, before: TamperingReport | undefined, after: TamperingReport | undefined) => stretches.push({ ...s, before, after });

  // I1: antenna cut/short with ACC on, to the first fixed report with both bits clear.
  for (let i = 0; i < track.length; i += 1) {
    const r = track[i]!;
    if (!(antennaAlarm(r) && r.accOn)) continue;
    let end = i + 1;
    while (end < track.length && !(track[end]!.gnssFixed && !antennaAlarm(track[end]!))) end += 1;
    const startIdx = lastAcceptedAt[i]!;
    if (end < track.length && startIdx >= 0) {
      const from = at(track[startIdx]!);
      const to = at(track[end]!);
      const displacedM = haversineMeters(from, to);
      if (displacedM > config.displacedM)
        push({ indicator: 'I1', startMs: r.deviceTimeMs, endMs: track[end]!.deviceTimeMs, from, to, displacedM }, track[i - 1], track[end]);
    }
    i = end;
  }

  // I2: a gap between consecutive accepted reports the vehicle moved through.
  let prevAcc = -1;
  for (let i = 0; i < track.length; i += 1) {
    if (!accepted[i]) continue;
    if (prevAcc >= 0) {
      const a = track[prevAcc]!;
      const b = track[i]!;
      const displacedM = haversineMeters(at(a), at(b));
      if (b.deviceTimeMs - a.deviceTimeMs > config.motion.gapMs && displacedM > config.motion.jitterM) {
        push(
          {
            indicator: 'I2',
            startMs: a.deviceTimeMs,
            endMs: b.deviceTimeMs,
            from: at(a),
            to: at(b),
            displacedM,
            impliedSpeedKmh: (displacedM / (b.deviceTimeMs - a.deviceTimeMs)) * 3_600,
          },
          a,
          b,
        );
      }
    }
    prevAcc = i;
  }

  // I3: a run of poor fixes with a normal signal, spanning ≥ 5 min, reappearing displaced.
  for (let i = 0; i < track.length; i += 1) {
    if (!poorFix(track[i]!, config)) continue;
    let j = i;
    while (j + 1 < track.length && poorFix(track[j + 1]!, config)) j += 1;
    const run = track.slice(i, j + 1);
    const lastGood = i > 0 ? track[i - 1] : undefined;
    const nextGood = track[j + 1];
    if (lastGood && nextGood && run.every((r) => signalNormal(r, config)) && run[run.length - 1]!.deviceTimeMs - run[0]!.deviceTimeMs >= config.i3MinSpanMs) {
      const displacedM = haversineMeters(at(lastGood), at(nextGood));
      if (displacedM > config.displacedM)
        push(
          { indicator: 'I3', startMs: run[0]!.deviceTimeMs, endMs: nextGood.deviceTimeMs, from: at(lastGood), to: at(nextGood), displacedM },
          lastGood,
          nextGood,
        );
    }
    i = j;
  }

  // I4: accepted positions frozen within 50 m for ≥ 10 min while the odometer grows.
  const acc = track.filter((_, i) => accepted[i]);
  for (let i = 0; i < acc.length; i += 1) {
    const first = acc[i]!;
    let j = i;
    while (j + 1 < acc.length && haversineMeters(at(first), at(acc[j + 1]!)) <= config.i4FrozenRadiusM) j += 1;
    const last = acc[j]!;
    const growth = finite(first.mileageKm) && finite(last.mileageKm) ? last.mileageKm - first.mileageKm : undefined;
    if (last.deviceTimeMs - first.deviceTimeMs >= config.i4MinSpanMs && growth !== undefined && growth > config.i4MinMileageKm) {
      const before = track[track.indexOf(first) - 1];
      const after = track[track.indexOf(last) + 1];
      push(
        {
          indicator: 'I4',
          startMs: first.deviceTimeMs,
          endMs: last.deviceTimeMs,
          from: at(first),
          to: at(last),
          displacedM: haversineMeters(at(first), at(last)),
          mileageGrowthKm: growth,
        },
        before,
        after,
      );
      i = j;
    }
  }

  // I5: ≥ 3 drift jumps in one local day (adds to an episode, never makes one).
  const driftByDay = new Map<string, TamperingReport[]>();
  track.forEach((r, i) => {
    if (!drift[i]) return;
    const day = chinaDateOf(r.deviceTimeMs);
    driftByDay.set(day, [...(driftByDay.get(day) ?? []), r]);
  });
  for (const jumps of driftByDay.values()) {
    if (jumps.length < config.i5MinDriftPerDay) continue;
    const first = jumps[0]!;
    const last = jumps[jumps.length - 1]!;
    push(
      {
        indicator: 'I5',
        startMs: first.deviceTimeMs,
        endMs: last.deviceTimeMs,
        from: at(first),
        to: at(last),
        displacedM: haversineMeters(at(first), at(last)),
        driftJumps: jumps.length,
      },
      undefined,
      undefined,
    );
  }

  // I6: a moving report with power-loss bit 8, until the next report without it.
  for (let i = 0; i < track.length; i += 1) {
    if (!(powerLoss(track[i]!) && moving[i])) continue;
    let end = i + 1;
    while (end < track.length && powerLoss(track[end]!)) end += 1;
    const last = track[Math.min(end, track.length - 1)]!;
    const anchor = lastAcceptedAt[i];
    const from = anchor !== undefined && anchor >= 0 ? at(track[anchor]!) : at(track[i]!);
    push(
      { indicator: 'I6', startMs: track[i]!.deviceTimeMs, endMs: last.deviceTimeMs, from, to: at(last), displacedM: haversineMeters(from, at(last)) },
      track[i - 1],
      track[end],
    );
    i = end;
  }

  // Exclusions.
  const blindAreas: PreparedBlindArea[] = (input.blindAreas ?? []).map((a) => ({
    id: a.id,
    geofence: a.geofence,
    fence: prepareGeofence(a.geofence, config.blindAreaDefaultRadiusM, 0),
  }));
  const kept: IndicatorStretch[] = [];
  const excluded: IndicatorStretch[] = [];
  for (const { before, after, ...s } of stretches) {
    let exclusion: IndicatorStretch['excluded'];
    if (s.indicator !== 'I5' && ((before !== undefined && !before.accOn) || (after !== undefined && !after.accOn))) exclusion = { reason: 'acc_off' };
    const area = exclusion || s.indicator === 'I5' ? undefined : blindAreaOf(blindAreas, s.from, s.to, config);
    if (area !== undefined) exclusion = { reason: 'blind_area', blindAreaId: area };
    if (!exclusion && s.indicator === 'I2') {
      const count = vehiclesInOutage(input.vehicleId, { startMs: s.startMs, endMs: s.endMs, from: s.from }, input.otherGaps ?? [], config);
      if (count >= config.outageMinVehicles) exclusion = { reason: 'network_outage', vehiclesInOutage: count };
    }
    if (exclusion) excluded.push({ ...s, excluded: exclusion });
    else kept.push(s);
  }

  // Episodes: overlapping or ≤ joinWithinMs apart; one needs a core indicator.
  kept.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const groups: IndicatorStretch[][] = [];
  let groupEndMs = -Infinity;
  for (const s of kept) {
    const current = groups[groups.length - 1];
    if (current && s.startMs - groupEndMs <= config.joinWithinMs) {
      current.push(s);
      groupEndMs = Math.max(groupEndMs, s.endMs);
    } else {
      groups.push([s]);
      groupEndMs = s.endMs;
    }
  }
  const sites = (input.places ?? []).flatMap((p) =>
    p.kind === 'source_site' ? [{ ...p, fence: prepareGeofence(p.geofence, config.blindAreaDefaultRadiusM, config.contextRadiusM) }] : [],
  );
  const stations = (input.places ?? []).flatMap((p) => (p.kind === 'station' ? [p] : []));
  const episodes: TamperingEpisode[] = [];
  for (const group of groups) {
    if (!group.some((s) => CORE.has(s.indicator))) continue;
    const startMs = Math.min(...group.map((s) => s.startMs));
    const endMs = Math.max(...group.map((s) => s.endMs));
    const indicators = TAMPERING_INDICATORS.filter((k) => group.some((s) => s.indicator === k));
    const startIdx = lastIndexAtOrBefore(track, startMs, accepted);
    const origin = startIdx >= 0 ? at(track[startIdx]!) : group[0]!.from;
    const near = [
      ...stations.map((p) => ({ id: p.id, name: p.name, kind: p.kind, distanceM: haversineMeters(p.point, origin) })),
      ...sites
        .filter((p) => p.fence.withinGrown(origin, config.contextRadiusM))
        .map((p) => {
          const placed = p.fence.place(origin);
          return { id: p.id, name: p.name, kind: p.kind, distanceM: placed.inside ? 0 : placed.boundaryDistanceM };
        }),
    ]
      .filter((p) => p.distanceM <= config.contextRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)[0];
    const night = isInDailyWindow(startMs, config.nightStart, config.nightEnd);
    const context: TamperingContext = near ? { near, night } : { night };
    episodes.push({
      vehicleId: input.vehicleId,
      startMs,
      endMs,
      indicators,
      score: indicators.length,
      contextI7: near !== undefined || night,
      context,
      stretches: group,
      latitudeDeg: origin.latitudeDeg,
      longitudeDeg: origin.longitudeDeg,
    });
  }
  return { episodes, excluded, ignored };
};

const lastIndexAtOrBefore = (track: readonly TamperingReport[], timeMs: number, accepted: readonly boolean[]): number => {
  for (let i = track.length - 1; i >= 0; i -= 1) if (accepted[i] && track[i]!.deviceTimeMs <= timeMs) return i;
  return -1;
};

/**
 * Whether other vehicles' gaps could change this judgement: only an I2 stretch no other
 * exclusion removed goes to the network-outage check, and such a stretch is in an episode (I2 is
 * a core indicator). So when a judgement made without `otherGaps` holds no I2, judging again with
 * them gives the same result — the caller need not read every vehicle's gaps (a costly look at
 * the whole fleet's positions) for this vehicle.
 */
export const outageCheckNeeded = (judgedWithoutOtherGaps: TamperingResult): boolean =>
  judgedWithoutOtherGaps.episodes.some((episode) => episode.stretches.some((s) => s.indicator === 'I2'));
