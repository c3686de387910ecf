import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import { isAheadOfClock, type RoadClass, type RoadSegmentLimit, type VehicleFacts } from '@roadwatch/domain';
import { buildAlert, formatDuration, formatDurationZh, subjectOf } from '../common/alerts';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../common/rules-config';
import { localDateOf } from '../common/time-window';
import { evaluateFatigue, initialFatigueState, type FatigueState } from '../fatigue/fatigue.rule';
import { initialMotionState, stepMotion, type MotionState } from '../motion/motion-model';
import { evaluateNightBan, initialNightBanState, type NightBanState, type RegistryNotice, type RelayLookup } from '../night-ban/night-ban.rule';
import { countTrack, emptyCounters, judgeDrift, reportsCounted, validatePosition, type DriftState, type QualityCounters, type TrackPoint } from '../quality/data-quality.rule';
import { limitsAt, type RoadIndex } from '../roads/road-index';
import { evaluateSpeeding, initialSpeedingState, type SpeedingState } from '../speeding/speeding.rule';

/**
 * The per-vehicle pipeline the detector runs for each position, in order per vehicle:
 * (a) exact duplicates and positions at or before the watermark are not fed to the rules
 * ('duplicate' / 'late' — the caller still archives them); a position after a silence of
 * more than `lateness.holdAfterSilenceMs` is held ('held'), with every position after it,
 * until the silence is filled by a 0x0704 blind-area back-fill or `lateness.windowMs` has
 * passed — then they are fed in device-time order (`releaseHeld` is the timer for vehicles
 * that went quiet), so a late back-fill never shows the rules a gap that is not there,
 * whatever order its reports arrive in; a report older than the watermark that fills a hole
 * of the fed track (a back-fill later than the window, a short blind stretch) is gathered for
 * the window too and its stretch judged on its own, in device-time order, by the rules that
 * read only its reports (`judgeLateStretch`; a flagged gap it falls in is revised, once);
 * (b) the record is validated
 * (RULES.md §6); drift is flagged and excluded; (c) the motion model, speeding, fatigue,
 * 02:00–05:00 and time-window bans run on what remains; (d) alerts come out as AlertV1
 * with deterministic ids. The state is plain JSON: checkpoint it anywhere, restore it, and
 * the same input gives the same alerts.
 */

export interface VehicleIdentity {
  vehicleId: string;
  plate?: string;
  plateColour?: number;
  companyId?: string;
  regionCode?: string;
}

export interface AcceptedPoint extends TrackPoint {
  roadClasses: RoadClass[];
}

export interface VehicleRuleState {
  v: 1;
  identity: VehicleIdentity;
  /** Device time of the newest report that passed the time check; older ones are late. */
  watermarkMs: number | null;
  /** Hashes of the most recent reports, to tell a retransmission from a late report. */
  recent: number[];
  lastReceivedAtMs: number | null;
  lastAccepted: AcceptedPoint | null;
  drift: DriftState;
  /** Device time of the first invalid report of the current run of invalid ones. */
  invalidRunStartMs: number | null;
  /** Silence start (last receipt) for which an offline alert is out. */
  offlineSinceMs: number | null;
  motion: MotionState;
  speeding: SpeedingState;
  fatigue: FatigueState;
  nightBan: NightBanState;
  quality: QualityCounters;
  /**
   * Positions held for a possible blind-area back-fill, in device-time order (absent when
   * none; checkpoints from before it existed lack it too). Part of the checkpointed state:
   * a restart loses none of them.
   */
  held?: HeldPosition[];
  /**
   * The last snapshot of the open day's counters that went out (`qualitySnapshotDue`): its
   * date, `reportsCounted` and the detector's clock. Absent until the timer first sees the
   * vehicle (then armed with date '' at the vehicle's phase), and in checkpoints from before
   * it existed.
   */
  qualitySnapshot?: { date: string; reports: number; atMs: number };
  /**
   * The latest gaps moved through (newest last, at most MOVED_GAPS_KEPT): a report that
   * arrives late inside one revises its alert. Absent in checkpoints from before it existed.
   */
  movedGaps?: MovedGap[];
  /**
   * The latest holes of the fed track (newest last, at most HOLES_KEPT): consecutive fed
   * reports more than `lateness.minHoleMs` apart, as [fromMs, toMs]. A late report strictly
   * inside one is new data (a blind-area back-fill), not a retransmission of a report already
   * judged. Absent in checkpoints from before it existed.
   */
  holes?: Array<[number, number]>;
  /**
   * Late reports that fill a hole, in device-time order, gathered for the window so that a
   * late batch in any order, or split, is judged as one stretch (absent when none).
   */
  lateHeld?: HeldPosition[];
}

/** A gap the vehicle moved through, as flagged: what its alert was built from. */
export interface MovedGap {
  startMs: number;
  endMs: number;
  raisedAtMs: number;
  distanceM: number;
  driverId?: string;
  from: { deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number; speedKmh: number };
  to: { deviceTimeMs: number; latitudeDeg: number; longitudeDeg: number; speedKmh: number };
  /** Device time of the first late report found inside it, once one came. */
  backfilledAtMs?: number;
}

// Not a RULES.md number: a late back-fill concerns the latest gaps, and eight keep a day of
// repeated blind areas while the checkpointed state stays small.
const MOVED_GAPS_KEPT = 8;
// Not a RULES.md number: as many holes as moved-through gaps, for the same reason.
const HOLES_KEPT = 8;

/**
 * Rules whose alerts a late stretch judged on its own can raise: each reads only the stretch's
 * own reports. Fatigue, 02:00–05:00 and time-window bans read the time between reports, which
 * the track fed in order has already judged (a moved-through gap as driving, §8) and which a
 * stretch cut out of it cannot judge again without the state before it.
 */
const LATE_STRETCH_RULES: ReadonlySet<AlertV1['rule']> = new Set(['speeding', 'drift', 'invalid_position']);

/**
 * A gap moved through counts as driving and is flagged (RULES.md §8, possible 人为干扰/屏蔽信号).
 * Revision 1: reports from inside it came after all, too late to be fed in order (a blind-area
 * back-fill after the lateness window) — the terminal did record the stretch, so the suspicion
 * of a cut antenna is withdrawn; the stretch still counts as driving, as fed.
 */
const movedGapAlert = (facts: VehicleFacts, gap: MovedGap): AlertV1 => {
  const durationMs = gap.endMs - gap.startMs;
  const metres = Math.round(gap.distanceM);
  const backfilled = gap.backfilledAtMs !== undefined;
  return buildAlert(facts, {
    rule: 'data_gap_moved', level: 'data_quality', severity: backfilled ? 'info' : 'minor', subject: 'vehicle', windowKey: gap.startMs,
    revision: backfilled ? 1 : 0,
    startedAtMs: gap.startMs, endedAtMs: gap.endMs, raisedAtMs: gap.raisedAtMs,
    ...(gap.driverId ? { driverId: gap.driverId } : {}),
    summary: backfilled
      ? `数据中断（已补传）：${formatDurationZh(durationMs)}无实时定位，期间车辆移动${metres}米；终端事后补传了该时段数据，补传晚于等待窗口，该时段仍计入驾驶时间`
      : `数据中断：${formatDurationZh(durationMs)}无定位上报，期间车辆移动${metres}米（计入驾驶时间）`,
    summaryEn: backfilled
      ? `Data gap, back-filled later: no live report for ${formatDuration(durationMs)} while the vehicle moved ${metres} m; the terminal back-filled the stretch after the waiting window, so it still counts as driving`
      : `Data gap, moved through: no report for ${formatDuration(durationMs)} while the vehicle moved ${metres} m (counted as driving)`,
    details: { durationMs, distanceM: metres, countedAsDriving: true, ...(backfilled ? { backfilled: true, firstBackfilledReportMs: gap.backfilledAtMs } : {}) },
    evidence: [gap.from, gap.to],
    latitudeDeg: gap.to.latitudeDeg,
    longitudeDeg: gap.to.longitudeDeg,
  });
};

/** A late report inside a flagged gap revises the gap's alert, once. Mutates `state`, the caller's copy. */
const noteLateReport = (facts: VehicleFacts, state: VehicleRuleState, t: number, alerts: AlertV1[]): void => {
  const gaps = state.movedGaps;
  const i = gaps?.findIndex((gap) => gap.startMs < t && t < gap.endMs && gap.backfilledAtMs === undefined) ?? -1;
  if (!gaps || i < 0) return;
  const gap: MovedGap = { ...(gaps[i] as MovedGap), backfilledAtMs: t };
  state.movedGaps = gaps.map((g, j) => (j === i ? gap : g));
  alerts.push(movedGapAlert(facts, gap));
};

export interface HeldPosition {
  position: PositionV1;
  /**
   * Held because a silence precedes it: released only once its window has passed (a back-fill
   * for the silence may still be coming, item by item). Reports after an anchor are released
   * as soon as nothing silent or back-filled lies between them and the last report fed.
   */
  anchor: boolean;
  /**
   * A 0x0704 blind-area report, or one that arrived after a newer report of the vehicle: part
   * of a back-fill, whose older reports may still be coming (a batch in reverse order, or
   * split in several), so it waits for its window or a newer report's. Absent in checkpoints
   * from before it existed.
   */
  backfill?: true;
}

export interface PipelineContext {
  /** The clock for the "time ≤ now + skew" check; defaults to the position's receivedAtMs (deterministic on replay). */
  nowMs?: number;
  roads?: RoadIndex;
  relays?: RelayLookup;
}

export type PositionStatus = 'accepted' | 'duplicate' | 'late' | 'invalid' | 'drift' | 'held';

export interface ProcessResult {
  state: VehicleRuleState;
  status: PositionStatus;
  /** Why a position is invalid or drift. */
  reasons: string[];
  alerts: AlertV1[];
  notices: RegistryNotice[];
  /** Quality counters of local days that ended with this position; persist them. */
  closedDays: QualityCounters[];
}

export const initialVehicleState = (facts: VehicleFacts): VehicleRuleState => ({
  v: 1,
  identity: identityOf(facts),
  watermarkMs: null,
  recent: [],
  lastReceivedAtMs: null,
  lastAccepted: null,
  drift: { candidate: null },
  invalidRunStartMs: null,
  offlineSinceMs: null,
  motion: initialMotionState(),
  speeding: initialSpeedingState(),
  fatigue: initialFatigueState(),
  nightBan: initialNightBanState(),
  quality: emptyCounters(''),
});

const identityOf = (facts: VehicleFacts): VehicleIdentity => ({
  vehicleId: facts.vehicleId,
  plate: facts.plate,
  plateColour: facts.plateColour,
  ...(facts.companyId !== undefined ? { companyId: facts.companyId } : {}),
  ...(facts.regionCode !== undefined ? { regionCode: facts.regionCode } : {}),
});

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const mix = (h: number, x: number): number => {
  f64[0] = x;
  h = Math.imul(h ^ (u32[0] as number), 0x01000193);
  return Math.imul(h ^ (u32[1] as number), 0x01000193);
};

const sameIdentity = (a: VehicleIdentity, f: VehicleFacts): boolean =>
  a.vehicleId === f.vehicleId && a.plate === f.plate && a.plateColour === f.plateColour && a.companyId === f.companyId && a.regionCode === f.regionCode;

/** FNV-1a-style hash over the bits of the fields a retransmission repeats exactly. */
export const positionFingerprint = (p: PositionV1): number => {
  let h = 0x811c9dc5;
  h = mix(h, p.deviceTimeMs);
  h = mix(h, p.latitudeDeg);
  h = mix(h, p.longitudeDeg);
  h = mix(h, p.speedKmh);
  h = mix(h, p.headingDeg);
  h = mix(h, p.altitudeM);
  h = mix(h, p.alarmFlags);
  h = mix(h, p.statusFlags);
  h = mix(h, p.accOn ? 1 : 0);
  return mixString(h, p.driverId ?? '') >>> 0;
};

const mixString = (h: number, s: string): number => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
};

const remember = (recent: number[], fingerprint: number, size: number): number[] =>
  recent.length < size ? [...recent, fingerprint] : [...recent.slice(recent.length - size + 1), fingerprint];

const factsFromIdentity = (identity: VehicleIdentity): VehicleFacts => ({
  vehicleId: identity.vehicleId,
  plate: identity.plate ?? '',
  plateColour: identity.plateColour ?? 0,
  vehicleClass: 'other',
  ...(identity.companyId !== undefined ? { companyId: identity.companyId } : {}),
  ...(identity.regionCode !== undefined ? { regionCode: identity.regionCode } : {}),
});

/** Roll the daily counters over when the accepted report's local day changes. */
const rollCounters = (counters: QualityCounters, timeMs: number, closed: QualityCounters[]): QualityCounters => {
  const date = localDateOf(timeMs);
  if (counters.date === date) return counters;
  if (counters.date !== '' && counters.received > 0) closed.push(counters);
  return emptyCounters(date);
};

/** Counts into the counters object; `processPosition` works on its own copy of it. */
const bump = (c: QualityCounters, key: 'received' | 'valid' | 'invalid' | 'drift' | 'duplicate' | 'late' | 'movedThroughGaps'): QualityCounters => {
  c[key] += 1;
  return c;
};

interface Sink {
  alerts: AlertV1[];
  notices: RegistryNotice[];
  closedDays: QualityCounters[];
}

export const processPosition = (
  facts: VehicleFacts,
  vehicleState: VehicleRuleState | undefined,
  position: PositionV1,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): ProcessResult => {
  const sink: Sink = { alerts: [], notices: [], closedDays: [] };
  const previous = vehicleState ?? initialVehicleState(facts);
  const identity = sameIdentity(previous.identity, facts) ? previous.identity : identityOf(facts);
  const state: VehicleRuleState = { ...previous, identity, quality: { ...previous.quality } };
  const t = position.deviceTimeMs;

  // Data resumed after an offline alert: the alert gets its end.
  state.lastReceivedAtMs = Math.max(state.lastReceivedAtMs ?? 0, position.receivedAtMs);
  if (state.offlineSinceMs !== null) {
    sink.alerts.push(offlineAlert(facts, state.offlineSinceMs, position.receivedAtMs, config, 1));
    state.offlineSinceMs = null;
  }

  // (a) Retransmissions and late reports are archived by the caller, never fed to the rules.
  const fingerprint = positionFingerprint(position);
  const held = previous.held ?? [];
  const holding = (entries: readonly HeldPosition[] | undefined) => entries !== undefined && entries.some((h) => positionFingerprint(h.position) === fingerprint);
  if (state.recent.includes(fingerprint) || holding(held) || holding(previous.lateHeld)) {
    return { state: { ...state, quality: bump(state.quality, 'duplicate') }, status: 'duplicate', reasons: [], ...sink };
  }
  if (state.watermarkMs !== null && t <= state.watermarkMs) {
    const firstAlert = sink.alerts.length;
    noteLateReport(facts, state, t, sink.alerts);
    markReceivedLate(sink.alerts, firstAlert, position, config);
    state.quality = bump(state.quality, 'late');
    // Counted late (it came after newer data was judged); judged with its stretch once the window has passed.
    if (state.holes?.some(([fromMs, toMs]) => fromMs < t && t < toMs)) state.lateHeld = insertByDeviceTime(state.lateHeld ?? [], { position, anchor: false });
    releaseLateDue(facts, state, state.lastReceivedAtMs, config, ctx, sink);
    return { state, status: 'late', reasons: [], ...sink };
  }

  // Held while a silence before it may still be filled by a back-fill. A report from the
  // future is not held: it is invalid and moves nothing.
  const { windowMs, holdAfterSilenceMs } = config.lateness;
  const futureTime = isAheadOfClock(t, ctx.nowMs ?? position.receivedAtMs, config.quality.clockSkewMs);
  const predecessorMs = predecessorOf(held, state.watermarkMs, t);
  const anchor = predecessorMs !== null && t - predecessorMs > holdAfterSilenceMs;
  // A 0x0704 blind-area report is back-fill by definition, and so is one older than a report
  // already held: more of its batch may still come, older, in any order or split.
  const backfill = position.source === 'blind-area' || held.some((h) => h.position.deviceTimeMs > t);
  const hold = windowMs > 0 && !futureTime && (held.length > 0 || anchor || backfill);
  if (!hold) {
    const fed = feed(facts, state, position, fingerprint, config, ctx, sink);
    releaseLateDue(facts, state, state.lastReceivedAtMs, config, ctx, sink);
    return { state, ...fed, ...sink };
  }
  state.held = insertByDeviceTime(held, { position, anchor, ...(backfill ? { backfill: true as const } : {}) });
  const fed = releaseDue(facts, state, state.lastReceivedAtMs, config, ctx, sink, position);
  releaseLateDue(facts, state, state.lastReceivedAtMs, config, ctx, sink);
  return { state, ...(fed ?? { status: 'held' as const, reasons: [] }), ...sink };
};

/**
 * The timer's half of the hold: releases what a vehicle holds, and judges the late stretches
 * it gathered, once `windowMs` has passed since receipt by `nowMs` (the detector's clock) — for
 * a vehicle that went quiet, whose own reports no longer move its receive clock. Returns the
 * state it was given when nothing is due.
 */
export const releaseHeld = (
  facts: VehicleFacts,
  vehicleState: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): { state: VehicleRuleState; alerts: AlertV1[]; notices: RegistryNotice[]; closedDays: QualityCounters[] } => {
  const sink: Sink = { alerts: [], notices: [], closedDays: [] };
  const before = vehicleState.held?.length ?? 0;
  const lateBefore = vehicleState.lateHeld?.length ?? 0;
  if (before === 0 && lateBefore === 0) return { state: vehicleState, ...sink };
  const state: VehicleRuleState = { ...vehicleState, quality: { ...vehicleState.quality } };
  const { nowMs: _ignored, ...replayable } = ctx;
  if (before > 0) releaseDue(facts, state, nowMs, config, replayable, sink);
  releaseLateDue(facts, state, nowMs, config, replayable, sink);
  if ((state.held?.length ?? 0) === before && (state.lateHeld?.length ?? 0) === lateBefore) return { state: vehicleState, ...sink };
  return { state, ...sink };
};

/** Device time of the report before `t` among those fed (the watermark) and those held. */
const predecessorOf = (held: readonly HeldPosition[], watermarkMs: number | null, t: number): number | null => {
  let before = watermarkMs;
  for (const h of held) if (h.position.deviceTimeMs <= t && (before === null || h.position.deviceTimeMs > before)) before = h.position.deviceTimeMs;
  return before;
};

const insertByDeviceTime = (held: readonly HeldPosition[], entry: HeldPosition): HeldPosition[] => {
  let i = held.length;
  // Equal device times keep their arrival order, as they would have in order.
  while (i > 0 && (held[i - 1] as HeldPosition).position.deviceTimeMs > entry.position.deviceTimeMs) i--;
  return [...held.slice(0, i), entry, ...held.slice(i)];
};

/**
 * Feeds the held positions that are due, in device-time order: those up to the newest one
 * whose window passed by `clockMs`, and, from the front, each non-anchor that follows the
 * last one fed within `holdAfterSilenceMs`. `state` is the caller's own copy.
 */
const releaseDue = (
  facts: VehicleFacts,
  state: VehicleRuleState,
  clockMs: number,
  config: RulesConfig,
  ctx: PipelineContext,
  sink: Sink,
  watch?: PositionV1,
): { status: PositionStatus; reasons: string[] } | null => {
  const held = state.held ?? [];
  const { windowMs, holdAfterSilenceMs, maxHeldReports } = config.lateness;
  const frontierMs = frontierOf(held, windowMs, clockMs);
  let watched: { status: PositionStatus; reasons: string[] } | null = null;
  let i = 0;
  for (; i < held.length; i++) {
    const { position: next, anchor, backfill } = held[i] as HeldPosition;
    const contiguous = !anchor && !backfill && (state.watermarkMs === null || next.deviceTimeMs - state.watermarkMs <= holdAfterSilenceMs);
    const due = windowMs <= 0 || next.deviceTimeMs <= frontierMs || contiguous || held.length - i > maxHeldReports;
    if (!due) break;
    const fed = feed(facts, state, next, positionFingerprint(next), config, ctx, sink);
    if (next === watch) watched = fed;
  }
  if (i === held.length) delete state.held;
  else if (i > 0) state.held = held.slice(i);
  return watched;
};

/**
 * The alerts from `from` on were raised or revised by `position`: when it was received more
 * than `receivedLateAfterMs` after its device time (a back-fill, store-and-forward after weeks
 * offline), they say by how much (`receivedLateByMs`), so the live map shows them as late
 * data, not as news. Judged the same either way.
 */
const markReceivedLate = (alerts: AlertV1[], from: number, position: PositionV1, config: RulesConfig): void => {
  const lateByMs = Math.round(position.receivedAtMs - position.deviceTimeMs);
  if (!(lateByMs > config.quality.receivedLateAfterMs)) return;
  for (let i = from; i < alerts.length; i++) (alerts[i] as AlertV1).receivedLateByMs = lateByMs;
};

/** The newest device time among the held reports whose window has passed by `clockMs`: everything up to it is due. */
const frontierOf = (held: readonly HeldPosition[], windowMs: number, clockMs: number): number => {
  let frontierMs = -Infinity;
  for (const { position: h } of held) if (h.receivedAtMs + windowMs <= clockMs && h.deviceTimeMs > frontierMs) frontierMs = h.deviceTimeMs;
  return frontierMs;
};

/**
 * Judges the late reports whose window has passed by `clockMs`, with every older one
 * gathered, as one stretch (`judgeLateStretch`). `state` is the caller's own copy.
 */
const releaseLateDue = (facts: VehicleFacts, state: VehicleRuleState, clockMs: number | null, config: RulesConfig, ctx: PipelineContext, sink: Sink): void => {
  const late = state.lateHeld;
  if (!late || clockMs === null) return;
  const { windowMs, maxHeldReports } = config.lateness;
  const frontierMs = windowMs <= 0 ? Infinity : frontierOf(late, windowMs, clockMs);
  // Beyond the bound the oldest go first, as for the held reports.
  let due = 0;
  while (due < late.length && ((late[due] as HeldPosition).position.deviceTimeMs <= frontierMs || late.length - due > maxHeldReports)) due++;
  if (due === 0) return;
  sink.alerts.push(...judgeLateStretch(facts, late.slice(0, due).map((h) => h.position), config, ctx));
  if (due === late.length) delete state.lateHeld;
  else state.lateHeld = late.slice(due);
};

/**
 * A late stretch — reports older than what the vehicle's track has judged, filling a hole of
 * it — judged on its own, in device-time order, from a fresh state: §6 validity, drift and
 * speeding (an episode inside a blind area is as real as any). Their alerts say so
 * (`details.lateStretch`). The track's own state is not rewound: its fatigue and 02:00–05:00
 * readings of the hole stand (a moved-through gap counted as driving, §8).
 */
export const judgeLateStretch = (facts: VehicleFacts, positions: readonly PositionV1[], config: RulesConfig = DEFAULT_RULES_CONFIG, ctx: PipelineContext = {}): AlertV1[] => {
  const side = initialVehicleState(facts);
  const sink: Sink = { alerts: [], notices: [], closedDays: [] };
  for (const p of [...positions].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs)) feed(facts, side, p, positionFingerprint(p), config, ctx, sink);
  return sink.alerts.filter((a) => LATE_STRETCH_RULES.has(a.rule)).map((a) => ({ ...a, details: { ...a.details, lateStretch: true } }));
};

/** Keeps the stretch between two fed reports when it is long enough to hide data a late report may bring. */
const noteHole = (state: VehicleRuleState, t: number, config: RulesConfig): void => {
  const fromMs = state.watermarkMs;
  if (fromMs === null || t - fromMs <= config.lateness.minHoleMs) return;
  state.holes = [...(state.holes ?? []), [fromMs, t] as [number, number]].slice(-HOLES_KEPT);
};

/** One position through (b)–(d), in device-time order; mutates `state`, the caller's own copy. */
const feed = (
  facts: VehicleFacts,
  state: VehicleRuleState,
  position: PositionV1,
  fingerprint: number,
  config: RulesConfig,
  ctx: PipelineContext,
  sink: Sink,
): { status: PositionStatus; reasons: string[] } => {
  const firstAlert = sink.alerts.length;
  const fed = judge(facts, state, position, fingerprint, config, ctx, sink);
  markReceivedLate(sink.alerts, firstAlert, position, config);
  return fed;
};

const judge = (
  facts: VehicleFacts,
  state: VehicleRuleState,
  position: PositionV1,
  fingerprint: number,
  config: RulesConfig,
  ctx: PipelineContext,
  sink: Sink,
): { status: PositionStatus; reasons: string[] } => {
  const { alerts, notices, closedDays } = sink;
  const t = position.deviceTimeMs;
  const where = { latitudeDeg: position.latitudeDeg, longitudeDeg: position.longitudeDeg };
  const positionEvidence = [{ deviceTimeMs: t, ...where, speedKmh: position.speedKmh }];
  if (state.watermarkMs !== null && t <= state.watermarkMs) {
    // Two held reports with the same device time: the second is late, as it would be in order.
    state.quality = bump(state.quality, 'late');
    return { status: 'late', reasons: [] };
  }
  // (b) The valid-record check (§6). A report from the future does not move the watermark.
  const nowMs = ctx.nowMs ?? position.receivedAtMs;
  const invalid = validatePosition(position, facts, nowMs, config.quality);
  if (invalid.length > 0) {
    const reasons = invalid.map((r) => r.en);
    const timePlausible = !invalid.some((r) => r.field === 'time');
    state.recent = remember(state.recent, fingerprint, config.quality.recentFingerprints);
    if (timePlausible) {
      noteHole(state, t, config);
      state.watermarkMs = t;
    }
    // A report whose own time cannot be believed counts on the day being counted — or, before
    // any day is, on the day it was received, so that it still counts against 数据合格率.
    const countOnMs = timePlausible ? t : state.quality.date === '' ? position.receivedAtMs : null;
    state.quality = bump(bump(countOnMs !== null ? rollCounters(state.quality, countOnMs, closedDays) : state.quality, 'received'), 'invalid');
    // One alert per run of invalid reports, keyed by the run's first report. A future-dated
    // report's own time is not believed: its alert is dated by its receipt, so a report
    // dated 2099 does not sit at the top of every alert list until 2099.
    if (state.invalidRunStartMs === null) {
      state.invalidRunStartMs = t;
      const alertAtMs = timePlausible ? t : position.receivedAtMs;
      alerts.push(buildAlert(facts, {
        rule: 'invalid_position', level: 'data_quality', severity: 'minor', subject: 'vehicle', windowKey: t,
        startedAtMs: alertAtMs, raisedAtMs: alertAtMs, summary: `无效定位：${invalid.map((r) => r.zh).join('；')}`, summaryEn: `Invalid position: ${reasons.join('; ')}`, details: { reasons, source: position.source },
        ...(timePlausible ? { evidence: positionEvidence } : {}),
      }));
    }
    return { status: 'invalid', reasons };
  }
  state.invalidRunStartMs = null;
  noteHole(state, t, config);
  state.watermarkMs = t;
  state.recent = remember(state.recent, fingerprint, config.quality.recentFingerprints);
  state.quality = bump(rollCounters(state.quality, t, closedDays), 'received');

  // Drift (§6): excluded from the rules, counted against 漂移率.
  const point: TrackPoint = { timeMs: t, ...where };
  const drift = judgeDrift(state.drift, state.lastAccepted, point, config.quality, config.motion.jitterM);
  state.drift = drift.state;
  if (drift.verdict === 'drift') {
    state.quality = bump(state.quality, 'drift');
    const impliedKmh = Math.round(drift.impliedKmh);
    alerts.push(buildAlert(facts, {
      rule: 'drift', level: 'data_quality', severity: 'info', subject: 'vehicle', windowKey: t, startedAtMs: t, raisedAtMs: t,
      summary: `定位漂移：与上一定位点推算车速${impliedKmh} km/h（阈值${config.quality.driftSpeedKmh} km/h）`,
      summaryEn: `Position drift: implies ${impliedKmh} km/h from the previous point (limit ${config.quality.driftSpeedKmh})`,
      details: { impliedSpeedKmh: impliedKmh, previous: state.lastAccepted }, evidence: positionEvidence, ...where,
    }));
    return { status: 'drift', reasons: [`drift: implies ${impliedKmh} km/h`] };
  }

  // (c) The rules.
  state.quality = countTrack(bump(state.quality, 'valid'), state.lastAccepted, point, config.quality);
  const roads: RoadSegmentLimit[] = ctx.roads
    ? limitsAt(ctx.roads, position.latitudeDeg, position.longitudeDeg)
    : [{ segmentId: 'unmatched', roadClass: config.roads.unmatchedRoadClass, postedLimitKmh: config.roads.unmatchedPostedLimitKmh }];
  const roadClasses = roads.map((r) => r.roadClass);
  const subject = subjectOf(position.driverId);
  const motion = stepMotion(state.motion, { timeMs: t, ...where, speedKmh: position.speedKmh, subject }, config.motion);
  state.motion = motion.state;
  const interval = motion.interval;

  if (interval?.kind === 'gap_moved') {
    // §8: a gap moved through counts as driving and is flagged (possible 人为干扰/屏蔽信号).
    state.quality = bump(state.quality, 'movedThroughGaps');
    const from = interval.from;
    const gap: MovedGap = {
      startMs: interval.startMs, endMs: interval.endMs, raisedAtMs: t, distanceM: interval.distanceM,
      ...(position.driverId ? { driverId: position.driverId } : {}),
      from: { deviceTimeMs: from.timeMs, latitudeDeg: from.latitudeDeg, longitudeDeg: from.longitudeDeg, speedKmh: from.speedKmh },
      to: positionEvidence[0] as MovedGap['to'],
    };
    state.movedGaps = [...(state.movedGaps ?? []), gap].slice(-MOVED_GAPS_KEPT);
    alerts.push(movedGapAlert(facts, gap));
  }

  const speeding = evaluateSpeeding(facts, state.speeding, { position, roads }, config);
  state.speeding = speeding.state;
  alerts.push(...speeding.outputs);

  const fatigue = evaluateFatigue(facts, state.fatigue, { position, interval, subject }, config);
  state.fatigue = fatigue.state;
  alerts.push(...fatigue.outputs);

  const nightBan = evaluateNightBan(facts, state.nightBan, {
    position, interval,
    roadClassesAtStart: state.lastAccepted?.roadClasses ?? roadClasses,
    roadClassesAtEnd: roadClasses,
    ...(ctx.relays ? { relays: ctx.relays } : {}),
  }, config);
  state.nightBan = nightBan.state;
  alerts.push(...nightBan.outputs);
  notices.push(...nightBan.notices);

  state.lastAccepted = { ...point, roadClasses };
  return { status: 'accepted', reasons: [] };
};

const offlineAlert = (facts: VehicleFacts, sinceMs: number, atMs: number, config: RulesConfig, revision: number): AlertV1 =>
  buildAlert(facts, {
    rule: 'offline', level: 'data_quality', severity: 'minor', subject: 'vehicle', windowKey: sinceMs, revision,
    startedAtMs: sinceMs, raisedAtMs: atMs, ...(revision > 0 ? { endedAtMs: atMs } : {}),
    ...(revision > 0
      ? { summary: `恢复上线：此前${formatDurationZh(atMs - sinceMs)}无定位上报`, summaryEn: `Back online after ${formatDuration(atMs - sinceMs)} without reports` }
      : { summary: `离线：超过${formatDurationZh(config.quality.offlineAfterMs)}无定位上报`, summaryEn: `Offline: no report for more than ${formatDuration(config.quality.offlineAfterMs)}` }),
    details: { silentMs: atMs - sinceMs, offlineAfterMs: config.quality.offlineAfterMs, resumed: revision > 0 },
  });

/**
 * Called by the detector on a timer: a vehicle with no report received for longer than
 * `offlineAfterMs` is offline — one alert per silence; the next report closes it.
 */
export const checkOffline = (
  state: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
): { state: VehicleRuleState; alerts: AlertV1[] } => {
  const last = state.lastReceivedAtMs;
  if (last === null || state.offlineSinceMs !== null || nowMs - last <= config.quality.offlineAfterMs) return { state, alerts: [] };
  return {
    state: { ...state, offlineSinceMs: last },
    alerts: [offlineAlert(factsFromIdentity(state.identity), last, nowMs, config, 0)],
  };
};

/**
 * Where in every `everyMs` a vehicle's snapshots fall, from its id: a fleet's snapshots (and
 * the checkpoints they cause) spread over the interval instead of all coming in one timer tick
 * — after a restart, too.
 */
export const snapshotPhaseMs = (vehicleId: string, everyMs: number): number =>
  everyMs > 0 ? (mixString(0x811c9dc5, vehicleId) >>> 0) % everyMs : 0;

/**
 * Called by the detector on its timer: the open day's counters, when they changed since the
 * last snapshot and that one is at least `snapshotEveryMs` old — so today's figures, and the
 * day of a vehicle that went silent, reach the reports without waiting for a later day's
 * report to close the day. A vehicle the timer sees for the first time is armed as if its last
 * snapshot had been at its phase (`snapshotPhaseMs`), so its first one comes within
 * `snapshotEveryMs`. A day's counters only grow, so a later snapshot of a date never counts
 * fewer reports than an earlier one; the day's final counters come from `processPosition`
 * (`closedDays`). Returns the given state when nothing is due or changed.
 */
export const qualitySnapshotDue = (
  state: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
): { state: VehicleRuleState; snapshot: QualityCounters | null } => {
  const counters = state.quality;
  const reports = reportsCounted(counters);
  const everyMs = config.quality.snapshotEveryMs;
  if (counters.date === '' || reports === 0) return { state, snapshot: null };
  let last = state.qualitySnapshot;
  let armed: VehicleRuleState | null = null;
  if (!last) {
    last = { date: '', reports: 0, atMs: nowMs - snapshotPhaseMs(state.identity.vehicleId, everyMs) };
    armed = { ...state, qualitySnapshot: last };
  }
  const unchanged = last.date === counters.date && last.reports === reports;
  if (unchanged || nowMs - last.atMs < everyMs) return { state: armed ?? state, snapshot: null };
  return { state: { ...state, qualitySnapshot: { date: counters.date, reports, atMs: nowMs } }, snapshot: { ...counters } };
};
