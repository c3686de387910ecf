import type { AlertV1, PositionV1, Severity } from '@roadwatch/contracts';
import { isExpresswayClass, type RoadSegmentLimit, type VehicleFacts } from '@roadwatch/domain';
import { buildAlert, type EvidencePosition } from '../common/alerts';
import type { RulesConfig, SpeedingBand } from '../common/rules-config';
import { isInDailyWindow } from '../common/time-window';
import { pickDriversReading } from '../roads/road-index';

/**
 * Speeding (RULES.md §1, §8 "Speeding"). A report is *over* when its GNSS speed exceeds
 * the effective limit: the lowest of the posted limit, the class cap, the hazmat cap and,
 * for passenger classes at night, 80% of the day limit. Over reports ≤ 60 s apart form
 * one episode, counted at ≥ 30 s from its first to its last over report; one alert per
 * episode, re-emitted with the same id and a higher revision while it grows — not on every
 * over report, but when it first counts, when its band or points change, when its peak
 * excess rose by `revisionPeakStepKmh`, when `revisionMinIntervalMs` passed since the last
 * revision, and once more when it closes (the first report more than 60 s after its last
 * over report): the final record, `details.closed = true`. The band is taken on the
 * episode's peak excess.
 */

export type LimitSource = 'posted' | 'class_cap' | 'own_cap' | 'hazmat_cap' | 'night_80';

export interface EffectiveLimit {
  limitKmh: number;
  source: LimitSource;
  /** The limit before the night rule. */
  dayLimitKmh: number;
  night: boolean;
  segmentId: string;
  roadClass: RoadSegmentLimit['roadClass'];
  roadName?: string;
  postedLimitKmh: number;
}

/** The cap that applies on this road besides its posted limit, if any (§1, §8). */
const capOnRoad = (facts: VehicleFacts, road: RoadSegmentLimit, config: RulesConfig): number | undefined => {
  const cfg = config.speeding;
  const capRoad = cfg.capRoadClasses.includes(road.roadClass);
  // §1: 危险货物道路运输安全管理办法第46条 — 80 on expressways, 60 on every other road.
  if (facts.vehicleClass === 'hazmat') return capRoad ? cfg.hazmatExpresswayCapKmh : cfg.hazmatOtherRoadCapKmh;
  if (!capRoad) return undefined;
  // §8: class `other` stands for passenger cars (120) unless the registry sets the vehicle's own cap.
  if (facts.vehicleClass === 'other' && facts.ownCapKmh !== undefined) return facts.ownCapKmh;
  return cfg.expresswayCapKmh[facts.vehicleClass];
};

/** Where `capOnRoad`'s cap comes from, when it is below the posted limit. */
const capSourceOf = (facts: VehicleFacts): LimitSource =>
  facts.vehicleClass === 'hazmat' ? 'hazmat_cap' : facts.vehicleClass === 'other' && facts.ownCapKmh !== undefined ? 'own_cap' : 'class_cap';

/** The lowest of the posted limit and the cap: the limit before the night rule. */
const dayLimitKmhOnRoad = (facts: VehicleFacts, road: RoadSegmentLimit, config: RulesConfig): number => {
  const capKmh = capOnRoad(facts, road, config);
  return capKmh !== undefined && capKmh < road.postedLimitKmh ? capKmh : road.postedLimitKmh;
};

/** §1: at night the limit is 80 % of the day's (the night factor) for the classes it concerns. */
const limitKmhAt = (dayLimitKmh: number, night: boolean, config: RulesConfig): number => (night ? dayLimitKmh * config.speeding.nightFactor : dayLimitKmh);

const limitOnRoad = (facts: VehicleFacts, road: RoadSegmentLimit, night: boolean, config: RulesConfig): EffectiveLimit => {
  const dayLimitKmh = dayLimitKmhOnRoad(facts, road, config);
  return {
    limitKmh: limitKmhAt(dayLimitKmh, night, config),
    source: night ? 'night_80' : dayLimitKmh < road.postedLimitKmh ? capSourceOf(facts) : 'posted',
    dayLimitKmh,
    night,
    segmentId: road.segmentId,
    roadClass: road.roadClass,
    postedLimitKmh: road.postedLimitKmh,
    ...(road.name !== undefined ? { roadName: road.name } : {}),
  };
};

const isNightFor = (facts: VehicleFacts, timeMs: number, config: RulesConfig): boolean =>
  config.speeding.nightClasses.includes(facts.vehicleClass) && isInDailyWindow(timeMs, config.speeding.nightStart, config.speeding.nightEnd);

const limitKmhOf = (l: EffectiveLimit): number => l.limitKmh;
// An EffectiveLimit carries the segment fields pickDriversReading compares.
const roadOfLimit = (l: EffectiveLimit): RoadSegmentLimit => l;

/**
 * The effective limit at a report. Where several roads match, the driver's reading: the
 * highest effective limit (RULES.md §8 — the doubt goes to the driver).
 */
export const effectiveLimit = (facts: VehicleFacts, roads: readonly RoadSegmentLimit[], timeMs: number, config: RulesConfig): EffectiveLimit => {
  const night = isNightFor(facts, timeMs, config);
  if (roads.length === 1) return limitOnRoad(facts, roads[0] as RoadSegmentLimit, night, config);
  const limits = roads.map((road) => limitOnRoad(facts, road, night, config));
  return pickDriversReading(limits, limitKmhOf, roadOfLimit);
};

/**
 * `effectiveLimit(…).limitKmh` without building it: the driver's reading is the highest
 * limit, so this is the highest. Most reports are under it and need nothing more.
 */
export const effectiveLimitKmh = (facts: VehicleFacts, roads: readonly RoadSegmentLimit[], timeMs: number, config: RulesConfig): number => {
  const night = isNightFor(facts, timeMs, config);
  let highestKmh = -Infinity;
  for (const road of roads) {
    const limitKmh = limitKmhAt(dayLimitKmhOnRoad(facts, road, config), night, config);
    if (limitKmh > highestKmh) highestKmh = limitKmh;
  }
  return highestKmh;
};

export interface SpeedingBandResult {
  points: number | null;
  serious: boolean;
  /** 'expressway ≥ 20%', 'other road 10–20%', 'below 10%', 'not scored for class other'. */
  label: string;
}

const EPSILON = 1e-9;

const percentText = (x: number): string => `${Math.round(x * 100)}%`;

/** §8: the band on the excess over the effective limit, 以上 = "at or above". */
export const speedingBand = (facts: VehicleFacts, roadClass: RoadSegmentLimit['roadClass'], excess: number, config: RulesConfig): SpeedingBandResult => {
  const cfg = config.speeding;
  const expressway = isExpresswayClass(roadClass);
  const bands: SpeedingBand[] = expressway ? cfg.expresswayBands : cfg.otherRoadBands;
  if (!cfg.scoredClasses.includes(facts.vehicleClass)) return { points: null, serious: false, label: `not scored for class ${facts.vehicleClass}` };
  for (let i = 0; i < bands.length; i++) {
    const band = bands[i] as SpeedingBand;
    if (excess >= band.minExcess - EPSILON) {
      const range = i > 0 ? `${percentText(band.minExcess)}–${percentText((bands[i - 1] as SpeedingBand).minExcess)}` : `≥ ${percentText(band.minExcess)}`;
      return { points: band.points, serious: band.serious, label: `${expressway ? 'expressway' : 'other road'} ${range}` };
    }
  }
  const lowest = bands[bands.length - 1];
  return { points: null, serious: false, label: `${expressway ? 'expressway' : 'other road'} below ${percentText(lowest?.minExcess ?? 0)}` };
};

const severityOf = (band: SpeedingBandResult): Severity =>
  band.serious ? 'serious' : band.points === null || band.points === 0 ? 'info' : band.points >= 6 ? 'major' : 'minor';

interface OverReport extends EvidencePosition {
  limitKmh: number;
  excess: number;
}

export interface SpeedingEpisode {
  firstMs: number;
  lastMs: number;
  reportCount: number;
  sumExcess: number;
  first: OverReport;
  peak: OverReport;
  last: OverReport;
  peakLimit: EffectiveLimit;
  /** Sources of the effective limit seen in the episode, in order of first appearance. */
  limitSources: LimitSource[];
  /** Revision last emitted; −1 before the episode reached 30 s. */
  revision: number;
  /** What the last emitted revision said, to tell whether the next one is worth sending. */
  emitted?: EmittedRevision | null;
  /** Device time of the report that raised revision 0 (absent in checkpoints written before it was kept). */
  firstRaisedAtMs?: number;
  driverId?: string;
}

export interface EmittedRevision {
  /** Device time of the report that raised it. */
  atMs: number;
  peakExcessKmh: number;
  points: number | null;
  band: string;
}

export interface SpeedingState {
  episode: SpeedingEpisode | null;
}

export interface SpeedingEvent {
  position: PositionV1;
  /** Segments and zones at the position (the road index's answer, never empty). */
  roads: readonly RoadSegmentLimit[];
}

export const initialSpeedingState = (): SpeedingState => ({ episode: null });

export const evaluateSpeeding = (
  facts: VehicleFacts,
  state: SpeedingState,
  event: SpeedingEvent,
  config: RulesConfig,
): { state: SpeedingState; outputs: AlertV1[] } => {
  const cfg = config.speeding;
  const p = event.position;
  const t = p.deviceTimeMs;
  const outputs: AlertV1[] = [];
  // An episode ends when no over report followed within 60 s: an episode that counted gets
  // its final revision now (its end, peak and mean are settled).
  let episode = state.episode;
  if (episode && t - episode.lastMs > cfg.maxReportSpacingMs) {
    if (episode.revision >= 0) {
      const closed = { ...episode, revision: episode.revision + 1 };
      outputs.push(episodeAlert(facts, closed, speedingBand(facts, closed.peakLimit.roadClass, closed.peak.excess, config), t, true, config));
    }
    episode = null;
  }
  if (!(p.speedKmh > effectiveLimitKmh(facts, event.roads, t, config))) return { state: episode === state.episode ? state : { episode }, outputs };
  const limit = effectiveLimit(facts, event.roads, t, config);

  const over: OverReport = {
    deviceTimeMs: t,
    latitudeDeg: p.latitudeDeg,
    longitudeDeg: p.longitudeDeg,
    speedKmh: p.speedKmh,
    limitKmh: limit.limitKmh,
    excess: (p.speedKmh - limit.limitKmh) / limit.limitKmh,
  };
  const driver = p.driverId ? { driverId: p.driverId } : {};
  if (!episode) {
    episode = {
      firstMs: t,
      lastMs: t,
      reportCount: 1,
      sumExcess: over.excess,
      first: over,
      peak: over,
      last: over,
      peakLimit: limit,
      limitSources: [limit.source],
      revision: -1,
      emitted: null,
      ...driver,
    };
  } else {
    const newPeak = over.excess > episode.peak.excess;
    const { driverId: _previousDriver, ...rest } = episode;
    episode = {
      ...rest,
      lastMs: t,
      reportCount: episode.reportCount + 1,
      sumExcess: episode.sumExcess + over.excess,
      last: over,
      peak: newPeak ? over : episode.peak,
      peakLimit: newPeak ? limit : episode.peakLimit,
      limitSources: episode.limitSources.includes(limit.source) ? episode.limitSources : [...episode.limitSources, limit.source],
      ...driver,
    };
  }
  const durationMs = episode.lastMs - episode.firstMs;
  if (durationMs < cfg.minEpisodeMs) return { state: { episode }, outputs };

  const band = speedingBand(facts, episode.peakLimit.roadClass, episode.peak.excess, config);
  const peakExcessKmh = episode.peak.speedKmh - episode.peak.limitKmh;
  const last = episode.emitted ?? null;
  const due =
    last === null ||
    band.points !== last.points ||
    band.label !== last.band ||
    peakExcessKmh >= last.peakExcessKmh + cfg.revisionPeakStepKmh ||
    t - last.atMs >= cfg.revisionMinIntervalMs;
  if (!due) return { state: { episode }, outputs };

  episode = {
    ...episode,
    revision: episode.revision + 1,
    emitted: { atMs: t, peakExcessKmh, points: band.points, band: band.label },
    ...(episode.revision < 0 ? { firstRaisedAtMs: t } : {}),
  };
  outputs.push(episodeAlert(facts, episode, band, t, false, config));
  return { state: { episode }, outputs };
};

const pct = (x: number): number => Math.round(x * 1000) / 10;
const toEvidence = ({ deviceTimeMs, latitudeDeg, longitudeDeg, speedKmh }: OverReport): EvidencePosition => ({
  deviceTimeMs,
  latitudeDeg,
  longitudeDeg,
  speedKmh,
});

/** The episode's record as of revision `episode.revision`, raised at device time `raisedAtMs`. */
const episodeAlert = (
  facts: VehicleFacts,
  episode: SpeedingEpisode,
  band: SpeedingBandResult,
  raisedAtMs: number,
  closed: boolean,
  config: RulesConfig,
): AlertV1 => {
  const durationMs = episode.lastMs - episode.firstMs;
  const meanExcess = episode.sumExcess / episode.reportCount;
  const evidence = [episode.first, episode.peak, episode.last]
    .filter((r, i, all) => all.findIndex((o) => o.deviceTimeMs === r.deviceTimeMs) === i)
    .map(toEvidence);
  return buildAlert(facts, {
    rule: 'speeding',
    level: 'violation',
    severity: severityOf(band),
    subject: 'vehicle',
    windowKey: episode.firstMs,
    revision: episode.revision,
    startedAtMs: episode.firstMs,
    endedAtMs: episode.lastMs,
    raisedAtMs,
    // The episode counts once it has lasted 30 s: over from its first over report on (§8).
    limitPassedAtMs: episode.firstMs + config.speeding.minEpisodeMs,
    ...(episode.firstRaisedAtMs !== undefined ? { firstRaisedAtMs: episode.firstRaisedAtMs } : {}),
    ...(episode.driverId ? { driverId: episode.driverId } : {}),
    ...(band.points !== null ? { points: band.points } : {}),
    ...speedingSummary(
      episode.peak.speedKmh,
      round1(episode.peakLimit.limitKmh),
      episode.peakLimit.source,
      pct(episode.peak.excess),
      Math.round(durationMs / 1000),
      closed,
    ),
    details: {
      durationMs,
      reportCount: episode.reportCount,
      peakSpeedKmh: episode.peak.speedKmh,
      effectiveLimitKmh: round1(episode.peakLimit.limitKmh),
      limitSource: episode.peakLimit.source,
      limitSources: episode.limitSources,
      dayLimitKmh: episode.peakLimit.dayLimitKmh,
      night: episode.peakLimit.night,
      postedLimitKmh: episode.peakLimit.postedLimitKmh,
      segmentId: episode.peakLimit.segmentId,
      roadClass: episode.peakLimit.roadClass,
      ...(episode.peakLimit.roadName !== undefined ? { roadName: episode.peakLimit.roadName } : {}),
      peakExcessPct: pct(episode.peak.excess),
      meanExcessPct: pct(meanExcess),
      band: band.label,
      closed,
    },
    evidence,
    latitudeDeg: episode.last.latitudeDeg,
    longitudeDeg: episode.last.longitudeDeg,
  });
};

const round1 = (x: number): number => Math.round(x * 10) / 10;

const limitSourceText: Record<LimitSource, { zh: string; en: string }> = {
  posted: { zh: '道路限速', en: 'posted limit' },
  class_cap: { zh: '高速公路车型限速', en: 'class cap on expressways' },
  own_cap: { zh: '车辆自身限速', en: "vehicle's own cap" },
  hazmat_cap: { zh: '危险货物运输车辆限速', en: 'hazmat cap' },
  night_80: { zh: '夜间八折', en: 'night 80% rule' },
};

/** The episode's summary in Chinese (shown by default) and English, same figures. */
const speedingSummary = (
  speedKmh: number,
  limitKmh: number,
  source: LimitSource,
  excessPct: number,
  durationS: number,
  closed: boolean,
): { summary: string; summaryEn: string } => ({
  summary: `超速：车速${speedKmh} km/h，限速${limitKmh} km/h（${limitSourceText[source].zh}），超过限速${excessPct}%，持续${durationS}秒${closed ? '（已结束）' : ''}`,
  summaryEn: `Speeding ${speedKmh} km/h where the limit is ${limitKmh} km/h (${limitSourceText[source].en}), +${excessPct}% for ${durationS} s${closed ? ' (ended)' : ''}`,
});
