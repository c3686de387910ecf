import { CHINA_BOUNDS } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS, type RoadClass, type VehicleClass } from '@roadwatch/domain';
import { mergeConfigPatch, type ConfigPatch } from './config-patch';

/**
 * Every threshold of the position-driven rules. The defaults are RULES.md's numbers, each
 * citing its section; an administrator overrides any of them per region (without a
 * redeploy) with `resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, regionCode)`.
 * Times of day are local (GMT+8) 'HH:MM' or 'HH:MM:SS'; windows may wrap midnight.
 */
export interface MotionConfig {
  movingSpeedKmh: number;
  jitterM: number;
  gapMs: number;
  restMs: number;
}

export interface SpeedingBand {
  /** Lower bound of the excess over the effective limit, as a fraction (0.2 = 20%), inclusive ("以上"). */
  minExcess: number;
  points: number;
  serious: boolean;
}

export interface SpeedingConfig {
  /** Road classes where the 条例第78条 class caps apply. */
  capRoadClasses: RoadClass[];
  expresswayCapKmh: Record<VehicleClass, number>;
  hazmatExpresswayCapKmh: number;
  hazmatOtherRoadCapKmh: number;
  nightStart: string;
  nightEnd: string;
  nightFactor: number;
  nightClasses: VehicleClass[];
  minEpisodeMs: number;
  maxReportSpacingMs: number;
  /**
   * When a growing episode is re-emitted (same alert id, next revision). Always: when it
   * first counts, when its band or points change, and when it closes (final record). In
   * between only when its peak rose by `revisionPeakStepKmh` or `revisionMinIntervalMs`
   * passed since the last revision (device time) — the record is not re-sent per report.
   */
  revisionPeakStepKmh: number;
  revisionMinIntervalMs: number;
  /** Bands, highest first; an excess below the last band is an episode without points. */
  expresswayBands: SpeedingBand[];
  otherRoadBands: SpeedingBand[];
  /** Classes scored with the 中型以上载客载货汽车/危险物品 bands; others get no points. */
  scoredClasses: VehicleClass[];
}

export interface FatiguePointsConfig {
  points: number;
  fineYuan?: number;
}

export interface FatigueConfig {
  continuousLimitMs: number;
  nightLimitMs: number;
  nightStart: string;
  nightEnd: string;
  nightClasses: VehicleClass[];
  dailyLimitMs: number;
  dailyWindowMs: number;
  prewarningLeadMs: number;
  /** Points for > 4 h without rest, by class; a class missing here gets none. */
  continuousPoints: Partial<Record<VehicleClass, FatiguePointsConfig>>;
}

export interface NightBanConfig {
  windowStart: string;
  windowEnd: string;
  toleranceMs: number;
  /** long_distance_bus subject when routeKm > this; tour_coach when tripKm is known > this. */
  minDistanceKm: number;
  busClasses: VehicleClass[];
  tripClasses: VehicleClass[];
}

export interface QualityConfig {
  /** A report dated more than this ahead of the clock at receipt is future-dated (invalid, moves nothing). */
  clockSkewMs: number;
  /**
   * An alert raised from a report received more than this after its device time carries
   * `receivedLateByMs` (receipt − device time of that report): data received late.
   */
  receivedLateAfterMs: number;
  minLongitudeDeg: number;
  maxLongitudeDeg: number;
  minLatitudeDeg: number;
  maxLatitudeDeg: number;
  minSpeedKmh: number;
  maxSpeedKmh: number;
  minAltitudeM: number;
  maxAltitudeM: number;
  driftSpeedKmh: number;
  completeGapM: number;
  offlineAfterMs: number;
  /** An open day's counters are reported (quality.daily) at most this often, and only when they changed. */
  snapshotEveryMs: number;
  /** Exact duplicates recognised among this many most recent reports. */
  recentFingerprints: number;
}

/**
 * Late delivery (0x0704 blind-area back-fill). A report that follows the last one fed to the
 * rules by more than `holdAfterSilenceMs` (device time) is held: the terminal may still upload
 * what it stored during the silence. Held reports are released in device-time order as soon
 * as the silence is filled, or once `windowMs` has passed since a held report was received
 * (the vehicle's receive clock, or the detector's timer for a vehicle that went quiet).
 * 0 for `windowMs` turns holding off. A back-fill that arrives later than that is archived
 * only (counted `late`), as before.
 */
export interface LatenessConfig {
  holdAfterSilenceMs: number;
  windowMs: number;
  /** Bound of a vehicle's held reports (checkpointed state); beyond it the oldest are released. */
  maxHeldReports: number;
  /**
   * A stretch between two reports fed in order longer than this is a hole a late report may
   * fill: a late report strictly inside one is judged (as a late stretch); one elsewhere is a
   * retransmission of data already judged, or lies between reports close enough that no rule
   * reads it differently.
   */
  minHoleMs: number;
}

/** How long the pipeline keeps a vehicle's state (not a rule: what the detector holds and checkpoints). */
export interface RetentionConfig {
  /**
   * A vehicle without a report received for this long has its state dropped (its open quality
   * day closed first), so the state of vehicles that left the fleet does not grow for ever.
   */
  idleStateTtlMs: number;
}

export interface RoadDefaultsConfig {
  /** Posted limit for a feature that carries none, by its road class. */
  defaultPostedLimitKmh: Record<RoadClass, number>;
  /** The reading when no segment or zone matches a position. */
  unmatchedRoadClass: RoadClass;
  unmatchedPostedLimitKmh: number;
}

export interface RulesConfig {
  motion: MotionConfig;
  speeding: SpeedingConfig;
  fatigue: FatigueConfig;
  nightBan: NightBanConfig;
  quality: QualityConfig;
  lateness: LatenessConfig;
  retention: RetentionConfig;
  roads: RoadDefaultsConfig;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export const DEFAULT_RULES_CONFIG: RulesConfig = {
  motion: {
    // §8 "Time from reports": moving = speed > 5 km/h *default* or beyond jitter (50 m *default*).
    movingSpeedKmh: 5,
    jitterM: 50,
    // §8 "Time from reports": a gap is two consecutive reports more than 5 min *default* apart.
    gapMs: 5 * MINUTE,
    // §2 / §8: a rest is a stop of ≥ 20 min (条例第62条).
    restMs: 20 * MINUTE,
  },
  speeding: {
    // §1: class caps are 条例第78条, an expressway (高速公路) rule.
    capRoadClasses: ['expressway'],
    // §8 "Speeding": on expressways `other` 120, every other class 100, hazmat 80.
    expresswayCapKmh: { tour_coach: 100, long_distance_bus: 100, hazmat: 80, heavy_truck: 100, other: 120 },
    // §1: hazmat 80 on expressways, 60 on other roads (危险货物道路运输安全管理办法第46条).
    hazmatExpresswayCapKmh: 80,
    hazmatOtherRoadCapKmh: 60,
    // §1 night rule: 两客 at night ≤ 80% of the day limit; night 22:00–06:00 *default*.
    nightStart: '22:00',
    nightEnd: '06:00',
    nightFactor: 0.8,
    nightClasses: ['tour_coach', 'long_distance_bus'],
    // §1 / §8: an episode counts at ≥ 30 s *default*; over reports ≤ 60 s apart are one episode.
    minEpisodeMs: 30_000,
    maxReportSpacingMs: 60_000,
    // Not in RULES.md (§8 only says the record grows): re-emit on a peak 5 km/h above the last
    // revision's, or 60 s after it; first count, band/points change and close always. Cuts the
    // alert volume from one revision per over report to a handful per episode.
    revisionPeakStepKmh: 5,
    revisionMinIntervalMs: 60_000,
    // §1 / §8 (记分办法): expressway/urban expressway ≥ 20% → 12 (serious), below → 6.
    expresswayBands: [
      { minExcess: 0.2, points: 12, serious: true },
      { minExcess: 0, points: 6, serious: false },
    ],
    // §1 / §8: other roads ≥ 50% → 9 (serious), ≥ 20% → 6, ≥ 10% → 1, below → no points.
    otherRoadBands: [
      { minExcess: 0.5, points: 9, serious: true },
      { minExcess: 0.2, points: 6, serious: false },
      { minExcess: 0.1, points: 1, serious: false },
    ],
    // §1: the bands are those of 中型以上载客载货汽车 and hazmat; `other` (passenger cars) is not scored.
    scoredClasses: ['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck'],
  },
  fatigue: {
    // §2 / §8: continuous driving > 4 h is a violation (条例第62条).
    continuousLimitMs: 4 * HOUR,
    // §2 / §8: passenger vehicles, part of a driving period inside the night > 2 h (办法; 规范).
    nightLimitMs: 2 * HOUR,
    nightStart: '22:00',
    nightEnd: '06:00',
    nightClasses: ['tour_coach', 'long_distance_bus'],
    // §2 / §8: > 8 h driving in the trailing 24 h.
    dailyLimitMs: 8 * HOUR,
    dailyWindowMs: 24 * HOUR,
    // §2 / §8 "Edges": pre-warning when the measure reaches the limit minus 20 min *default*.
    prewarningLeadMs: 20 * MINUTE,
    // §2: > 4 h on a passenger or hazmat vehicle 9 points / ¥200; other goods vehicles 3 points.
    continuousPoints: {
      tour_coach: { points: 9, fineYuan: 200 },
      long_distance_bus: { points: 9, fineYuan: 200 },
      hazmat: { points: 9, fineYuan: 200 },
      heavy_truck: { points: 3 },
    },
  },
  nightBan: {
    // §3 / §8 "02:00–05:00": moving between 02:00:00 and 05:00:00 for > 5 min *default*.
    windowStart: '02:00',
    windowEnd: '05:00',
    toleranceMs: 5 * MINUTE,
    // §3: routes ≤ 200 km one way are exempt (交运规〔2023〕2号 第32条); tour coaches only on trips known > 200 km.
    minDistanceKm: 200,
    busClasses: ['long_distance_bus'],
    tripClasses: ['tour_coach'],
    // §3's provincial hazmat night bans (per class and road class) are administered area bans
    // (`/v1/area-bans`, region-wide without a polygon), not configuration.
  },
  quality: {
    // §6: time ≤ now + small clock skew (not given in RULES.md: 10 min, issue #10 — the
    // platform-wide DEFAULT_CLOCK_SKEW_MS the archiver and the API use for `latest` too).
    clockSkewMs: DEFAULT_CLOCK_SKEW_MS,
    // Not in RULES.md: live reports arrive within seconds and a hold lasts minutes; an alert
    // from a report 10 min old or more is history to the monitoring centre, not news.
    receivedLateAfterMs: 10 * MINUTE,
    // §6 (JT/T 809-2011 §4.5.8): longitude 73.55–135.083 E, latitude 3.85–53.55 N — the
    // bounds the registry's places are checked against too.
    ...CHINA_BOUNDS,
    // §6: speed 0–160 km/h; altitude −200–6,500 m.
    minSpeedKmh: 0,
    maxSpeedKmh: 160,
    minAltitudeM: -200,
    maxAltitudeM: 6500,
    // §6: drift = a point implying > 160 km/h *default* from its neighbours.
    driftSpeedKmh: 160,
    // §6: a track gap is incomplete when consecutive points are > 1 km *default* apart.
    completeGapM: 1000,
    // Not in RULES.md (§6 上线率 only): no report for 20 min is "offline"; an operational default.
    offlineAfterMs: 20 * MINUTE,
    // Not in RULES.md: today's counters (and a silent vehicle's day) reach the reports within
    // 10 min plus the detector's timer tick, without a message per report.
    snapshotEveryMs: 10 * MINUTE,
    recentFingerprints: 8,
  },
  lateness: {
    // Not in RULES.md: terminals report every 10–60 s; a silence of more than 2 min is where a
    // blind-area back-fill may follow. Holding only then keeps alerts from in-order data
    // immediate; after a silence they wait at most 3 min (plus the detector's timer tick when
    // the vehicle goes quiet) — §8: a gap alert must hold under any fair reading of the data.
    holdAfterSilenceMs: 2 * MINUTE,
    windowMs: 3 * MINUTE,
    maxHeldReports: 1_000,
    // Not in RULES.md: over-speed reports up to 60 s apart are one episode (§8) and a gap is
    // > 5 min, so a stretch of at most 60 s without reports hides nothing a rule would read
    // differently; a longer one may hide a speeding episode of its own.
    minHoleMs: MINUTE,
  },
  retention: {
    // Not in RULES.md: a month without a report is a vehicle off the road (scrapped, sold,
    // its terminal replaced); its next report, if any, starts afresh like a new vehicle's.
    idleStateTtlMs: 30 * 24 * HOUR,
  },
  roads: {
    // Not in RULES.md: a feature without postedLimitKmh gets its class's usual maximum.
    defaultPostedLimitKmh: {
      expressway: 120,
      urban_expressway: 100,
      national: 100,
      provincial: 100,
      county: 80,
      urban: 80,
      other: 120,
    },
    // Not in RULES.md: an unmapped position is read as a non-expressway road with no posted
    // limit of its own (only the class caps and the night rule apply) — the driver's reading (§8).
    unmatchedRoadClass: 'other',
    unmatchedPostedLimitKmh: 120,
  },
};

/** The configuration in force for a vehicle's region: the base with that region's overrides. */
export const resolveRulesConfig = (
  base: RulesConfig,
  overridesByRegion: Readonly<Record<string, ConfigPatch<RulesConfig>>>,
  regionCode: string | undefined,
): RulesConfig => {
  if (regionCode === undefined) return base;
  // 行政区划代码 nest by prefix (省 13 → 市 1301 → 县 130102): a province's override applies to
  // its cities and counties, a city's on top of it, the county's last.
  const applicable = Object.keys(overridesByRegion)
    .filter((code) => code.length > 0 && regionCode.startsWith(code))
    .sort((a, b) => a.length - b.length);
  return applicable.reduce<RulesConfig>((config, code) => mergeConfigPatch<RulesConfig>(config, overridesByRegion[code]), base);
};
