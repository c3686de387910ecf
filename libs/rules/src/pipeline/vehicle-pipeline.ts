import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { RoadSegmentLimit, VehicleFacts } from '@roadwatch/domain';
import { subjectOf } from '../common/alerts';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from '../common/rules-config';
import { stepMotion } from '../motion/motion-model';
import type { RegistryNotice } from '../night-ban/night-ban.rule';
import { judgeDrift, validatePosition, type QualityCounters, type TimedFix } from '../quality/data-quality.rule';
import { limitsAt } from '../roads/road-index';
import {
  feedInOrder,
  orderArrival,
  orderingDueMs,
  positionFingerprint,
  releaseDue,
  type FedVerdict,
  type OrderedReportSink,
  type PositionStatus,
} from './ordering';
import type { PipelineContext, PositionRule, RuleContext, RuleStep, TickContext, TrackedReport, UnfedReport } from './position-rule';
import { offlineRule, openDayOf, POSITION_RULES, qualityRule } from './position-rules';
import { driverIdOfReport, driverSourceOf } from './roster-drivers';
import {
  identityOf,
  initialOrderingState,
  initialTrackState,
  VEHICLE_STATE_VERSION,
  type RuleStates,
  type VehicleIdentity,
  type VehicleRuleState,
} from './vehicle-state';

/**
 * The per-vehicle pipeline the detector runs for each position, in two stages composed here:
 * (1) the ordering stage (`ordering.ts`): exact duplicates and reports at or before the
 * watermark are not fed ('duplicate' / 'late' — the caller still archives them); reports after
 * a silence, and blind-area back-fill, are held until the silence is filled or the lateness
 * window has passed, then fed in device-time order; late reports that fill a hole of the fed
 * track are gathered for the window and judged as a stretch of their own (`judgeLateStretch`);
 * (2) the rules: each report fed is read once — §6 validity, drift, the motion model and the
 * road — into a `TrackedReport`, which goes through the declared `POSITION_RULES` (data
 * quality, speeding, fatigue, 02:00–05:00 and time-window bans, offline), each over its own
 * typed slice of the state. Alerts come out as AlertV1 with deterministic ids. The state is
 * one plain-JSON object (`VehicleRuleState`, versioned: `decodeVehicleState`): checkpoint it
 * anywhere, restore it, and the same input gives the same alerts.
 */

export type { PipelineContext } from './position-rule';
export type { PositionStatus } from './ordering';

/**
 * Rules whose alerts a late stretch judged on its own can raise: each reads only the stretch's
 * own reports. Fatigue, 02:00–05:00 and time-window bans read the time between reports, which
 * the track fed in order has already judged (a moved-through gap as driving, §8) and which a
 * stretch cut out of it cannot judge again without the state before it.
 */
const LATE_STRETCH_RULES: ReadonlySet<AlertV1['rule']> = new Set(['speeding', 'drift', 'invalid_position']);

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

export const initialVehicleState = (facts: VehicleFacts): VehicleRuleState => {
  const rules: Partial<Record<keyof RuleStates, unknown>> = {};
  for (const { name, rule } of POSITION_RULES) rules[name] = rule.initial(facts);
  return {
    version: VEHICLE_STATE_VERSION,
    identity: identityOf(facts),
    lastReceivedAtMs: null,
    ordering: initialOrderingState(),
    track: initialTrackState(),
    rules: rules as RuleStates,
  };
};

const sameIdentity = (a: VehicleIdentity, f: VehicleFacts): boolean =>
  a.vehicleId === f.vehicleId && a.plate === f.plate && a.plateColour === f.plateColour && a.companyId === f.companyId && a.regionCode === f.regionCode;

/** The facts a vehicle's own reports carried, for what the timer raises without the registry. */
const factsFromIdentity = (identity: VehicleIdentity): VehicleFacts => ({
  vehicleId: identity.vehicleId,
  plate: identity.plate ?? '',
  plateColour: identity.plateColour ?? 0,
  vehicleClass: 'other',
  ...(identity.companyId !== undefined ? { companyId: identity.companyId } : {}),
  ...(identity.regionCode !== undefined ? { regionCode: identity.regionCode } : {}),
});

/** A copy whose parts the stages may reassign; the slices themselves are replaced, never mutated. */
const workingCopy = (state: VehicleRuleState, identity: VehicleIdentity = state.identity): VehicleRuleState => ({
  ...state,
  identity,
  ordering: { ...state.ordering },
  track: { ...state.track },
  rules: { ...state.rules },
});

interface Outputs {
  alerts: AlertV1[];
  notices: RegistryNotice[];
  closedDays: QualityCounters[];
}

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

const collect = (out: Outputs, step: RuleStep<unknown>): void => {
  if (step.alerts.length > 0) out.alerts.push(...step.alerts);
  if (step.notices && step.notices.length > 0) out.notices.push(...step.notices);
  if (step.closedDays && step.closedDays.length > 0) out.closedDays.push(...step.closedDays);
};

type AnyRule = PositionRule<unknown>;
const slices = (state: VehicleRuleState): Record<keyof RuleStates, unknown> => state.rules;

/**
 * The rules' half, as the ordering stage's sink: reads each report it feeds into a
 * `TrackedReport` and runs the declared rules over it. Works on `state`, the caller's own copy.
 */
class RuleRun implements OrderedReportSink {
  readonly out: Outputs = { alerts: [], notices: [], closedDays: [] };
  private readonly ctx: RuleContext;

  constructor(
    readonly state: VehicleRuleState,
    facts: VehicleFacts,
    config: RulesConfig,
    pipeline: PipelineContext,
  ) {
    this.ctx = { facts, config, pipeline };
  }

  report(position: PositionV1): FedVerdict & { timePlausible: boolean } {
    const firstAlert = this.out.alerts.length;
    const tracked = this.track(position);
    const rules = slices(this.state);
    for (const { name, rule } of POSITION_RULES) {
      const step = (rule as AnyRule).onReport(rules[name], tracked, this.ctx);
      rules[name] = step.state;
      collect(this.out, step);
    }
    markReceivedLate(this.out.alerts, firstAlert, position, this.ctx.config);
    if (tracked.kind === 'invalid') return { status: 'invalid', reasons: tracked.reasons.map((r) => r.en), timePlausible: tracked.timePlausible };
    if (tracked.kind === 'drift') return { status: 'drift', reasons: [`drift: implies ${Math.round(tracked.impliedKmh)} km/h`], timePlausible: true };
    return { status: 'accepted', reasons: [], timePlausible: true };
  }

  late(position: PositionV1, onArrival: boolean): void {
    this.unfed({ position, why: onArrival ? 'late_on_arrival' : 'late' });
  }

  duplicate(position: PositionV1): void {
    this.unfed({ position, why: 'duplicate' });
  }

  lateStretch(positions: readonly PositionV1[]): void {
    this.out.alerts.push(...judgeLateStretch(this.ctx.facts, positions, this.ctx.config, this.ctx.pipeline));
  }

  /** Every rule's reaction to a receipt, before ordering (the offline alert's end). */
  received(position: PositionV1): void {
    const rules = slices(this.state);
    for (const { name, rule } of POSITION_RULES) {
      const onReceived = (rule as AnyRule).onReceived;
      if (!onReceived) continue;
      const step = onReceived(rules[name], position, this.ctx);
      rules[name] = step.state;
      collect(this.out, step);
    }
  }

  private unfed(report: UnfedReport): void {
    const firstAlert = this.out.alerts.length;
    const rules = slices(this.state);
    for (const { name, rule } of POSITION_RULES) {
      const onUnfed = (rule as AnyRule).onUnfed;
      if (!onUnfed) continue;
      const step = onUnfed(rules[name], report, this.ctx);
      rules[name] = step.state;
      collect(this.out, step);
    }
    if (report.why !== 'duplicate') markReceivedLate(this.out.alerts, firstAlert, report.position, this.ctx.config);
  }

  /** §6 validity, drift, the road and the motion model: what every rule reads of one report. */
  private track(position: PositionV1): TrackedReport {
    const { facts, config, pipeline } = this.ctx;
    const track = this.state.track;
    const t = position.deviceTimeMs;
    const invalid = validatePosition(position, facts, pipeline.nowMs ?? position.receivedAtMs, config.quality);
    // A report from the future does not move the watermark.
    if (invalid.length > 0) return { kind: 'invalid', position, reasons: invalid, timePlausible: !invalid.some((r) => r.field === 'time') };
    const point: TimedFix = { timeMs: t, latitudeDeg: position.latitudeDeg, longitudeDeg: position.longitudeDeg };
    const previous = track.lastAccepted;
    // Drift (§6): excluded from the rules, counted against 漂移率.
    const drift = judgeDrift(track.drift, previous, point, config.quality, config.motion.jitterM);
    track.drift = drift.state;
    if (drift.verdict === 'drift') return { kind: 'drift', position, point, impliedKmh: drift.impliedKmh, previous };
    const roads: RoadSegmentLimit[] = pipeline.roads
      ? limitsAt(pipeline.roads, position.latitudeDeg, position.longitudeDeg)
      : [{ segmentId: 'unmatched', roadClass: config.roads.unmatchedRoadClass, postedLimitKmh: config.roads.unmatchedPostedLimitKmh }];
    // The IC card's driver, else the roster's (RULES.md §13, §15); else the vehicle.
    const driverId = driverIdOfReport(position, pipeline.roster);
    const subject = subjectOf(driverId);
    const motion = stepMotion(
      track.motion,
      { timeMs: t, latitudeDeg: position.latitudeDeg, longitudeDeg: position.longitudeDeg, speedKmh: position.speedKmh, subject },
      config.motion,
    );
    track.motion = motion.state;
    track.lastAccepted = point;
    return driverId
      ? { kind: 'accepted', position, point, previous, roads, interval: motion.interval, subject, driverId, driverSource: driverSourceOf(position) }
      : { kind: 'accepted', position, point, previous, roads, interval: motion.interval, subject };
  }
}

export const processPosition = (
  facts: VehicleFacts,
  vehicleState: VehicleRuleState | undefined,
  position: PositionV1,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): ProcessResult => {
  const previous = vehicleState ?? initialVehicleState(facts);
  const state = workingCopy(previous, sameIdentity(previous.identity, facts) ? previous.identity : identityOf(facts));
  state.lastReceivedAtMs = Math.max(state.lastReceivedAtMs ?? 0, position.receivedAtMs);
  const run = new RuleRun(state, facts, config, ctx);
  run.received(position);
  const fed = orderArrival(state.ordering, position, state.lastReceivedAtMs, ctx.nowMs ?? position.receivedAtMs, config, run);
  return { state, ...fed, ...run.out };
};

/**
 * A late stretch — reports older than what the vehicle's track has judged, filling a hole of
 * it — judged on its own, in device-time order, from a fresh state: §6 validity, drift and
 * speeding (an episode inside a blind area is as real as any). Their alerts say so
 * (`details.lateStretch`). The track's own state is not rewound: its fatigue and 02:00–05:00
 * readings of the hole stand (a moved-through gap counted as driving, §8).
 */
export const judgeLateStretch = (
  facts: VehicleFacts,
  positions: readonly PositionV1[],
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): AlertV1[] => {
  const run = new RuleRun(initialVehicleState(facts), facts, config, ctx);
  for (const p of [...positions].sort((a, b) => a.deviceTimeMs - b.deviceTimeMs)) feedInOrder(run.state.ordering, p, positionFingerprint(p), config, run);
  return run.out.alerts.filter((a) => LATE_STRETCH_RULES.has(a.rule)).map((a) => ({ ...a, details: { ...a.details, lateStretch: true } }));
};

/**
 * The ordering stage on the detector's clock: releases what a vehicle holds, and judges the
 * late stretches it gathered, once `windowMs` has passed since receipt by `nowMs` — for a
 * vehicle that went quiet, whose own reports no longer move its receive clock. Returns the
 * state it was given when nothing is due.
 */
export const releaseHeld = (
  facts: VehicleFacts,
  vehicleState: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): { state: VehicleRuleState } & Outputs => {
  const { held, lateHeld } = vehicleState.ordering;
  if (held.length === 0 && lateHeld.length === 0) return { state: vehicleState, alerts: [], notices: [], closedDays: [] };
  // Released reports are judged by their own receipt, as on the position path: a replay judges alike.
  const { nowMs: _ignored, ...replayable } = ctx;
  const run = new RuleRun(workingCopy(vehicleState), facts, config, replayable);
  releaseDue(run.state.ordering, nowMs, config, run);
  const released = run.state.ordering.held.length !== held.length || run.state.ordering.lateHeld.length !== lateHeld.length;
  return { state: released ? run.state : vehicleState, ...run.out };
};

const tickContextOf = (state: VehicleRuleState, config: RulesConfig): TickContext => ({
  facts: factsFromIdentity(state.identity),
  identity: state.identity,
  config,
  lastReceivedAtMs: state.lastReceivedAtMs,
});

/** One rule's timer on its slice; the given state when it changed nothing. */
const tickRule = <K extends keyof RuleStates>(
  state: VehicleRuleState,
  name: K,
  rule: PositionRule<RuleStates[K]>,
  nowMs: number,
  config: RulesConfig,
): { state: VehicleRuleState; step: RuleStep<RuleStates[K]> } => {
  const slice = state.rules[name];
  const step = rule.onTick ? rule.onTick(slice, nowMs, tickContextOf(state, config)) : { state: slice, alerts: [] };
  return { state: step.state === slice ? state : { ...state, rules: { ...state.rules, [name]: step.state } }, step };
};

/**
 * The offline rule on the detector's clock: a vehicle with no report received for longer than
 * `offlineAfterMs` is offline — one alert per silence; the next report closes it.
 */
export const checkOffline = (
  state: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
): { state: VehicleRuleState; alerts: AlertV1[] } => {
  const { state: next, step } = tickRule(state, 'offline', offlineRule, nowMs, config);
  return { state: next, alerts: step.alerts };
};

/**
 * The data-quality rule on the detector's clock: the open day's counters, when they changed
 * since the last snapshot and that one is at least `snapshotEveryMs` old — so today's figures,
 * and the day of a vehicle that went silent, reach the reports without waiting for a later
 * day's report to close the day. Returns the given state when nothing is due or changed.
 */
export const qualitySnapshotDue = (
  state: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
): { state: VehicleRuleState; snapshot: QualityCounters | null } => {
  const { state: next, step } = tickRule(state, 'quality', qualityRule, nowMs, config);
  return { state: next, snapshot: step.openDay ?? null };
};

export interface TickResult extends Outputs {
  /** null: the vehicle was idle for `retention.idleStateTtlMs` and its state is dropped (its open day is in `closedDays`). */
  state: VehicleRuleState | null;
  /** Snapshots of the open day's counters (not final). */
  openDays: QualityCounters[];
}

/**
 * Everything due for one vehicle by the detector's clock `nowMs`, in this order: held reports
 * and late stretches whose window passed (`releaseHeld`), each rule's timer (offline, the open
 * day's snapshot), then the idle limit — a vehicle without a report received for
 * `retention.idleStateTtlMs` has its state dropped, its open quality day closed first so that
 * nothing is lost from 数据合格率. Returns the given state when nothing changed.
 */
export const tickVehicle = (
  facts: VehicleFacts,
  vehicleState: VehicleRuleState,
  nowMs: number,
  config: RulesConfig = DEFAULT_RULES_CONFIG,
  ctx: PipelineContext = {},
): TickResult => {
  const released = releaseHeld(facts, vehicleState, nowMs, config, ctx);
  let state = released.state;
  const out: TickResult = { state, alerts: released.alerts, notices: released.notices, closedDays: released.closedDays, openDays: [] };
  for (const { name, rule } of POSITION_RULES) {
    const ticked = tickRule(state, name, rule as AnyRule as PositionRule<RuleStates[typeof name]>, nowMs, config);
    state = ticked.state;
    collect(out, ticked.step);
    if (ticked.step.openDay) out.openDays.push(ticked.step.openDay);
  }
  const last = state.lastReceivedAtMs;
  if (last !== null && nowMs - last >= config.retention.idleStateTtlMs) {
    const open = openDayOf(state.rules.quality);
    if (open) out.closedDays.push(open);
    return { ...out, state: null };
  }
  return { ...out, state };
};

/**
 * When `tickVehicle` next has something to do for this vehicle by the detector's clock (null:
 * nothing until its next report). Never later than that; the timer visits only vehicles due.
 */
export const vehicleDueMs = (state: VehicleRuleState, config: RulesConfig = DEFAULT_RULES_CONFIG): number | null => {
  let dueMs = orderingDueMs(state.ordering, config) ?? Infinity;
  const ctx = { config, lastReceivedAtMs: state.lastReceivedAtMs };
  for (const { name, rule } of POSITION_RULES) {
    const ruleDue = (rule as AnyRule).dueMs?.(state.rules[name], ctx) ?? null;
    if (ruleDue !== null && ruleDue < dueMs) dueMs = ruleDue;
  }
  if (state.lastReceivedAtMs !== null) dueMs = Math.min(dueMs, state.lastReceivedAtMs + config.retention.idleStateTtlMs);
  return dueMs === Infinity ? null : dueMs;
};
