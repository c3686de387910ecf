import type { PositionV1 } from '@roadwatch/contracts';
import { isAheadOfClock } from '@roadwatch/domain';
import type { RulesConfig } from '../common/rules-config';
import { NONE, type HeldPosition, type OrderingState } from './vehicle-state';

/**
 * The ordering stage: an event-time operator over one vehicle's reports, pure. It drops exact
 * retransmissions, keeps the watermark, holds reports after a silence (and blind-area
 * back-fill) until the silence is filled or the lateness window has passed, gathers late
 * reports that fill a hole of the fed track, and emits, through an `OrderedReportSink`:
 * reports in device-time order (`report`), notices of duplicates and late reports, and late
 * stretches to judge on their own. It knows nothing of the rules: what a report means is the
 * sink's business; the only thing it asks back is whether the report's own time could be
 * believed (a future-dated report moves no watermark).
 *
 * Every function mutates the `OrderingState` it is given: the caller's own copy.
 */

export type PositionStatus = 'accepted' | 'duplicate' | 'late' | 'invalid' | 'drift' | 'held';

export interface FedVerdict {
  status: PositionStatus;
  /** Why a position is invalid or drift. */
  reasons: string[];
}

export interface OrderedReportSink {
  /** The next report in device-time order, newer than the watermark; says whether its time could be believed. */
  report(position: PositionV1): FedVerdict & { timePlausible: boolean };
  /** A report at or before the watermark: on arrival (it came after newer data was fed), or when fed (same device time as one fed). */
  late(position: PositionV1, onArrival: boolean): void;
  /** An exact retransmission of a report fed, held or gathered. */
  duplicate(position: PositionV1): void;
  /** Late reports that fill holes, whose window has passed: judge them on their own, in device-time order. */
  lateStretch(positions: readonly PositionV1[]): void;
}

// Not a RULES.md number: as many holes as moved-through gaps are kept, for the same reason —
// a late back-fill concerns the latest stretches, and the checkpointed state stays small.
const HOLES_KEPT = 8;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const mix = (h: number, x: number): number => {
  f64[0] = x;
  h = Math.imul(h ^ (u32[0] as number), 0x01000193);
  return Math.imul(h ^ (u32[1] as number), 0x01000193);
};

export const mixString = (h: number, s: string): number => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
};

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

/** The last `size` fingerprints with this one: a new array (the state's lists are replaced, never changed), one allocation. */
const remember = (recent: readonly number[], fingerprint: number, size: number): number[] => {
  const from = recent.length < size ? 0 : Math.min(recent.length, recent.length - size + 1);
  const next = new Array<number>(recent.length - from + 1);
  for (let i = from; i < recent.length; i++) next[i - from] = recent[i] as number;
  next[next.length - 1] = fingerprint;
  return next;
};

/** Whether one of `entries` is the report with this fingerprint (a loop, not a closure per report). */
const holds = (entries: readonly HeldPosition[], fingerprint: number): boolean => {
  for (const { position } of entries) if (positionFingerprint(position) === fingerprint) return true;
  return false;
};

/**
 * One report as it arrives. `receivedClockMs` is the vehicle's receive clock (the newest
 * receipt, this one included); `nowMs` the clock of the future-time check. Returns the
 * report's status: what the sink made of it when it was fed now, else 'duplicate', 'late' or 'held'.
 */
export const orderArrival = (
  ordering: OrderingState,
  position: PositionV1,
  receivedClockMs: number,
  nowMs: number,
  config: RulesConfig,
  sink: OrderedReportSink,
): FedVerdict => {
  const t = position.deviceTimeMs;
  const fingerprint = positionFingerprint(position);
  const held = ordering.held;
  if (ordering.recent.includes(fingerprint) || holds(held, fingerprint) || holds(ordering.lateHeld, fingerprint)) {
    sink.duplicate(position);
    return { status: 'duplicate', reasons: [] };
  }
  if (ordering.watermarkMs !== null && t <= ordering.watermarkMs) {
    sink.late(position, true);
    // Counted late (it came after newer data was judged); judged with its stretch once the window has passed.
    if (ordering.holes.some(([fromMs, toMs]) => fromMs < t && t < toMs)) ordering.lateHeld = insertByDeviceTime(ordering.lateHeld, { position, anchor: false });
    releaseLateStretches(ordering, receivedClockMs, config, sink);
    return { status: 'late', reasons: [] };
  }

  // Held while a silence before it may still be filled by a back-fill. A report from the
  // future is not held: it is invalid and moves nothing.
  const { windowMs, holdAfterSilenceMs } = config.lateness;
  const futureTime = isAheadOfClock(t, nowMs, config.quality.clockSkewMs);
  const predecessorMs = predecessorOf(held, ordering.watermarkMs, t);
  const anchor = predecessorMs !== null && t - predecessorMs > holdAfterSilenceMs;
  // A 0x0704 blind-area report is back-fill by definition, and so is one older than a report
  // already held: more of its batch may still come, older, in any order or split.
  const backfill = position.source === 'blind-area' || held.some((h) => h.position.deviceTimeMs > t);
  const hold = windowMs > 0 && !futureTime && (held.length > 0 || anchor || backfill);
  if (!hold) {
    const fed = feedInOrder(ordering, position, fingerprint, config, sink);
    releaseLateStretches(ordering, receivedClockMs, config, sink);
    return fed;
  }
  ordering.held = insertByDeviceTime(held, { position, anchor, ...(backfill ? { backfill: true as const } : {}) });
  const fed = releaseHeldReports(ordering, receivedClockMs, config, sink, position);
  releaseLateStretches(ordering, receivedClockMs, config, sink);
  return fed ?? { status: 'held', reasons: [] };
};

/**
 * The timer's half of the hold, by `clockMs` (the detector's clock): releases what a vehicle
 * holds, and the late stretches it gathered, once `windowMs` has passed since receipt — for a
 * vehicle that went quiet, whose own reports no longer move its receive clock.
 */
export const releaseDue = (ordering: OrderingState, clockMs: number, config: RulesConfig, sink: OrderedReportSink): void => {
  if (ordering.held.length > 0) releaseHeldReports(ordering, clockMs, config, sink);
  releaseLateStretches(ordering, clockMs, config, sink);
};

/** When the timer next has something to release for this vehicle (null: nothing held or gathered). */
export const orderingDueMs = (ordering: OrderingState, config: RulesConfig): number | null => {
  let earliestMs = Infinity;
  for (const { position } of ordering.held) if (position.receivedAtMs < earliestMs) earliestMs = position.receivedAtMs;
  for (const { position } of ordering.lateHeld) if (position.receivedAtMs < earliestMs) earliestMs = position.receivedAtMs;
  return earliestMs === Infinity ? null : earliestMs + Math.max(0, config.lateness.windowMs);
};

/** Feeds one report in device-time order to the sink, then moves the watermark when its time could be believed. */
export const feedInOrder = (ordering: OrderingState, position: PositionV1, fingerprint: number, config: RulesConfig, sink: OrderedReportSink): FedVerdict => {
  const t = position.deviceTimeMs;
  if (ordering.watermarkMs !== null && t <= ordering.watermarkMs) {
    // Two held reports with the same device time: the second is late, as it would be in order.
    sink.late(position, false);
    return { status: 'late', reasons: [] };
  }
  const { status, reasons, timePlausible } = sink.report(position);
  ordering.recent = remember(ordering.recent, fingerprint, config.quality.recentFingerprints);
  if (timePlausible) {
    noteHole(ordering, t, config);
    ordering.watermarkMs = t;
  }
  return { status, reasons };
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

/** The newest device time among the held reports whose window has passed by `clockMs`: everything up to it is due. */
const frontierOf = (held: readonly HeldPosition[], windowMs: number, clockMs: number): number => {
  let frontierMs = -Infinity;
  for (const { position: h } of held) if (h.receivedAtMs + windowMs <= clockMs && h.deviceTimeMs > frontierMs) frontierMs = h.deviceTimeMs;
  return frontierMs;
};

/**
 * Feeds the held positions that are due, in device-time order: those up to the newest one
 * whose window passed by `clockMs`, and, from the front, each non-anchor that follows the
 * last one fed within `holdAfterSilenceMs`. Returns what became of `watch` when it was fed.
 */
const releaseHeldReports = (ordering: OrderingState, clockMs: number, config: RulesConfig, sink: OrderedReportSink, watch?: PositionV1): FedVerdict | null => {
  const held = ordering.held;
  const { windowMs, holdAfterSilenceMs, maxHeldReports } = config.lateness;
  const frontierMs = frontierOf(held, windowMs, clockMs);
  let watched: FedVerdict | null = null;
  let i = 0;
  for (; i < held.length; i++) {
    const { position: next, anchor, backfill } = held[i] as HeldPosition;
    const contiguous = !anchor && !backfill && (ordering.watermarkMs === null || next.deviceTimeMs - ordering.watermarkMs <= holdAfterSilenceMs);
    const due = windowMs <= 0 || next.deviceTimeMs <= frontierMs || contiguous || held.length - i > maxHeldReports;
    if (!due) break;
    const fed = feedInOrder(ordering, next, positionFingerprint(next), config, sink);
    if (next === watch) watched = fed;
  }
  if (i > 0) ordering.held = i === held.length ? NONE : held.slice(i);
  return watched;
};

/** Hands the late reports whose window has passed by `clockMs`, with every older one gathered, to the sink as one stretch. */
const releaseLateStretches = (ordering: OrderingState, clockMs: number | null, config: RulesConfig, sink: OrderedReportSink): void => {
  const late = ordering.lateHeld;
  if (late.length === 0 || clockMs === null) return;
  const { windowMs, maxHeldReports } = config.lateness;
  const frontierMs = windowMs <= 0 ? Infinity : frontierOf(late, windowMs, clockMs);
  // Beyond the bound the oldest go first, as for the held reports.
  let due = 0;
  while (due < late.length && ((late[due] as HeldPosition).position.deviceTimeMs <= frontierMs || late.length - due > maxHeldReports)) due++;
  if (due === 0) return;
  sink.lateStretch(late.slice(0, due).map((h) => h.position));
  ordering.lateHeld = due === late.length ? NONE : late.slice(due);
};

/** Keeps the stretch between two fed reports when it is long enough to hide data a late report may bring. */
const noteHole = (ordering: OrderingState, t: number, config: RulesConfig): void => {
  const fromMs = ordering.watermarkMs;
  if (fromMs === null || t - fromMs <= config.lateness.minHoleMs) return;
  ordering.holes = [...ordering.holes, [fromMs, t] as [number, number]].slice(-HOLES_KEPT);
};
