import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { buildAlert, formatDuration, formatDurationZh } from '../common/alerts';
import type { RulesConfig } from '../common/rules-config';
import { localDateOf } from '../common/time-window';
import { evaluateFatigue, initialFatigueState } from '../fatigue/fatigue.rule';
import { evaluateNightBan, initialNightBanState } from '../night-ban/night-ban.rule';
import { addTrack, emptyCounters, reportsCounted, type QualityCounters } from '../quality/data-quality.rule';
import { evaluateSpeeding, initialSpeedingState } from '../speeding/speeding.rule';
import { routeWatchRule } from '../routes/route-watch.rule';
import { mixString } from './ordering';
import type { PositionRule, RuleStep } from './position-rule';
import { NONE, type MovedGap, type OfflineRuleState, type QualityRuleState, type RuleStates } from './vehicle-state';

/**
 * The position rules, declared: each over its own slice of the vehicle's state, in the order
 * their alerts come out for one report (data quality first: an invalid report, drift or a gap
 * moved through is flagged before what the other rules make of the report).
 */

// Not a RULES.md number: a late back-fill concerns the latest gaps, and eight keep a day of
// repeated blind areas while the checkpointed state stays small.
const MOVED_GAPS_KEPT = 8;

type CounterKey = 'received' | 'valid' | 'invalid' | 'drift' | 'duplicate' | 'late' | 'movedThroughGaps';

/** Roll the daily counters over when the local day of `timeMs` is not theirs; a day that ended goes to `closed`. A fresh object either way. */
const rollCounters = (counters: QualityCounters, timeMs: number, closed: QualityCounters[]): QualityCounters => {
  const date = localDateOf(timeMs);
  if (counters.date === date) return { ...counters };
  if (counters.date !== '' && counters.received > 0) closed.push(counters);
  return emptyCounters(date);
};

/** A report as an alert's evidence: built only when an alert is raised, most reports raise none. */
const evidenceOf = (position: PositionV1): MovedGap['to'] => ({
  deviceTimeMs: position.deviceTimeMs,
  latitudeDeg: position.latitudeDeg,
  longitudeDeg: position.longitudeDeg,
  speedKmh: position.speedKmh,
});

/** The open day's counters, when they counted a report: closed (final) when the vehicle's state is dropped. */
export const openDayOf = (state: QualityRuleState): QualityCounters | null =>
  state.counters.date !== '' && state.counters.received > 0 ? state.counters : null;

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
    rule: 'data_gap_moved',
    level: 'data_quality',
    severity: backfilled ? 'info' : 'minor',
    subject: 'vehicle',
    windowKey: gap.startMs,
    revision: backfilled ? 1 : 0,
    startedAtMs: gap.startMs,
    endedAtMs: gap.endMs,
    raisedAtMs: gap.raisedAtMs,
    ...(gap.driverId ? { driverId: gap.driverId } : {}),
    summary: backfilled
      ? `数据中断（已补传）：${formatDurationZh(durationMs)}无实时定位，期间车辆移动${metres}米；终端事后补传了该时段数据，补传晚于等待窗口，该时段仍计入驾驶时间`
      : `数据中断：${formatDurationZh(durationMs)}无定位上报，期间车辆移动${metres}米（计入驾驶时间）`,
    summaryEn: backfilled
      ? `Data gap, back-filled later: no live report for ${formatDuration(durationMs)} while the vehicle moved ${metres} m; the terminal back-filled the stretch after the waiting window, so it still counts as driving`
      : `Data gap, moved through: no report for ${formatDuration(durationMs)} while the vehicle moved ${metres} m (counted as driving)`,
    details: {
      durationMs,
      distanceM: metres,
      countedAsDriving: true,
      ...(backfilled ? { backfilled: true, firstBackfilledReportMs: gap.backfilledAtMs } : {}),
    },
    evidence: [gap.from, gap.to],
    latitudeDeg: gap.to.latitudeDeg,
    longitudeDeg: gap.to.longitudeDeg,
  });
};

/**
 * Where in every `everyMs` a vehicle's snapshots fall, from its id: a fleet's snapshots (and
 * the checkpoints they cause) spread over the interval instead of all coming in one timer tick
 * — after a restart, too.
 */
export const snapshotPhaseMs = (vehicleId: string, everyMs: number): number => (everyMs > 0 ? (mixString(0x811c9dc5, vehicleId) >>> 0) % everyMs : 0);

/**
 * Data quality (RULES.md §6, §8): the day's counters, one `invalid_position` alert per run of
 * invalid reports, drift, gaps moved through (revised once when a late report falls inside
 * one), and on the timer a snapshot of the open day — when it changed since the last one and
 * that one is at least `snapshotEveryMs` old; a vehicle the timer sees first is armed as if its
 * last snapshot had been at its phase (`snapshotPhaseMs`). A day's counters only grow, so a
 * later snapshot of a date never counts fewer reports than an earlier one; the day's final
 * counters come when a later day's report closes it.
 */
export const qualityRule: PositionRule<QualityRuleState> = {
  initial: () => ({ counters: emptyCounters(''), invalidRunStartMs: null, movedGaps: NONE, snapshot: null }),

  onReport(state, report, { facts, config }) {
    const closedDays: QualityCounters[] = [];
    const alerts: AlertV1[] = [];
    const { position } = report;
    const t = position.deviceTimeMs;
    if (report.kind === 'invalid') {
      const { timePlausible } = report;
      const reasons = report.reasons.map((r) => r.en);
      // A report whose own time cannot be believed counts on the day being counted — or, before
      // any day is, on the day it was received, so that it still counts against 数据合格率.
      const countOnMs = timePlausible ? t : state.counters.date === '' ? position.receivedAtMs : null;
      const counters = countOnMs !== null ? rollCounters(state.counters, countOnMs, closedDays) : { ...state.counters };
      counters.received += 1;
      counters.invalid += 1;
      if (state.invalidRunStartMs !== null) return { state: { ...state, counters }, alerts, closedDays };
      // One alert per run of invalid reports, keyed by the run's first report. A future-dated
      // report's own time is not believed: its alert is dated by its receipt, so a report
      // dated 2099 does not sit at the top of every alert list until 2099.
      const alertAtMs = timePlausible ? t : position.receivedAtMs;
      alerts.push(
        buildAlert(facts, {
          rule: 'invalid_position',
          level: 'data_quality',
          severity: 'minor',
          subject: 'vehicle',
          windowKey: t,
          startedAtMs: alertAtMs,
          raisedAtMs: alertAtMs,
          summary: `无效定位：${report.reasons.map((r) => r.zh).join('；')}`,
          summaryEn: `Invalid position: ${reasons.join('; ')}`,
          details: { reasons, source: position.source },
          ...(timePlausible ? { evidence: [evidenceOf(position)] } : {}),
        }),
      );
      return { state: { ...state, counters, invalidRunStartMs: t }, alerts, closedDays };
    }
    const counters = rollCounters(state.counters, t, closedDays);
    counters.received += 1;
    if (report.kind === 'drift') {
      // Excluded from the rules, counted against 漂移率.
      counters.drift += 1;
      const impliedKmh = Math.round(report.impliedKmh);
      alerts.push(
        buildAlert(facts, {
          rule: 'drift',
          level: 'data_quality',
          severity: 'info',
          subject: 'vehicle',
          windowKey: t,
          startedAtMs: t,
          raisedAtMs: t,
          summary: `定位漂移：与上一定位点推算车速${impliedKmh} km/h（阈值${config.quality.driftSpeedKmh} km/h）`,
          summaryEn: `Position drift: implies ${impliedKmh} km/h from the previous point (limit ${config.quality.driftSpeedKmh})`,
          details: { impliedSpeedKmh: impliedKmh, previous: report.previous },
          evidence: [evidenceOf(position)],
          latitudeDeg: position.latitudeDeg,
          longitudeDeg: position.longitudeDeg,
        }),
      );
      return { state: { ...state, counters, invalidRunStartMs: null }, alerts, closedDays };
    }
    counters.valid += 1;
    // `counters` is this report's own copy (rollCounters): counted in place.
    addTrack(counters, report.previous, report.point, config.quality);
    const interval = report.interval;
    if (interval?.kind !== 'gap_moved') return { state: { ...state, counters, invalidRunStartMs: null }, alerts, closedDays };
    // §8: a gap moved through counts as driving and is flagged (possible 人为干扰/屏蔽信号).
    counters.movedThroughGaps += 1;
    const from = interval.from;
    const gap: MovedGap = {
      startMs: interval.startMs,
      endMs: interval.endMs,
      raisedAtMs: t,
      distanceM: interval.distanceM,
      ...(position.driverId ? { driverId: position.driverId } : {}),
      from: { deviceTimeMs: from.timeMs, latitudeDeg: from.latitudeDeg, longitudeDeg: from.longitudeDeg, speedKmh: from.speedKmh },
      to: evidenceOf(position),
    };
    alerts.push(movedGapAlert(facts, gap));
    return { state: { ...state, counters, invalidRunStartMs: null, movedGaps: [...state.movedGaps, gap].slice(-MOVED_GAPS_KEPT) }, alerts, closedDays };
  },

  onUnfed(state, { position, why }, { facts }) {
    const counters = { ...state.counters };
    const key: CounterKey = why === 'duplicate' ? 'duplicate' : 'late';
    counters[key] += 1;
    if (why !== 'late_on_arrival') return { state: { ...state, counters }, alerts: [] };
    // A late report inside a flagged gap revises the gap's alert, once.
    const t = position.deviceTimeMs;
    const i = state.movedGaps.findIndex((gap) => gap.startMs < t && t < gap.endMs && gap.backfilledAtMs === undefined);
    if (i < 0) return { state: { ...state, counters }, alerts: [] };
    const gap: MovedGap = { ...(state.movedGaps[i] as MovedGap), backfilledAtMs: t };
    return { state: { ...state, counters, movedGaps: state.movedGaps.map((g, j) => (j === i ? gap : g)) }, alerts: [movedGapAlert(facts, gap)] };
  },

  onTick(state, nowMs, { identity, config }): RuleStep<QualityRuleState> {
    const counters = state.counters;
    const reports = reportsCounted(counters);
    const everyMs = config.quality.snapshotEveryMs;
    if (counters.date === '' || reports === 0) return { state, alerts: [] };
    let last = state.snapshot;
    let armed: QualityRuleState | null = null;
    if (!last) {
      last = { date: '', reports: 0, atMs: nowMs - snapshotPhaseMs(identity.vehicleId, everyMs) };
      armed = { ...state, snapshot: last };
    }
    const unchanged = last.date === counters.date && last.reports === reports;
    if (unchanged || nowMs - last.atMs < everyMs) return { state: armed ?? state, alerts: [] };
    return { state: { ...state, snapshot: { date: counters.date, reports, atMs: nowMs } }, alerts: [], openDay: { ...counters } };
  },

  dueMs(state, { config }) {
    const counters = state.counters;
    const reports = reportsCounted(counters);
    if (counters.date === '' || reports === 0) return null;
    // Not armed yet: the next tick arms it, whatever its clock.
    if (!state.snapshot) return -Infinity;
    if (state.snapshot.date === counters.date && state.snapshot.reports === reports) return null;
    return state.snapshot.atMs + config.quality.snapshotEveryMs;
  },
};

/** Speeding (RULES.md §1, §8): episodes of over reports, on the accepted track. */
export const speedingRule: PositionRule<RuleStates['speeding']> = {
  initial: initialSpeedingState,
  onReport(state, report, { facts, config }) {
    if (report.kind !== 'accepted') return { state, alerts: [] };
    const r = evaluateSpeeding(facts, state, { position: report.position, roads: report.roads }, config);
    return { state: r.state, alerts: r.outputs };
  },
};

/** Fatigue driving (RULES.md §2, §8): driving periods from the motion model's intervals. */
export const fatigueRule: PositionRule<RuleStates['fatigue']> = {
  initial: initialFatigueState,
  onReport(state, report, { facts, config, pipeline }) {
    if (report.kind !== 'accepted') return { state, alerts: [] };
    const r = evaluateFatigue(
      facts,
      state,
      {
        position: report.position,
        interval: report.interval,
        subject: report.subject,
        driverId: report.driverId,
        driverSource: report.driverSource,
        driverTimes: pipeline.driverTimes,
      },
      config,
    );
    return { state: r.state, alerts: r.outputs };
  },
};

/** 02:00–05:00 (RULES.md §3, §8), with the 接驳运输 relays. */
export const nightBanRule: PositionRule<RuleStates['nightBan']> = {
  initial: initialNightBanState,
  onReport(state, report, { facts, config, pipeline }) {
    if (report.kind !== 'accepted') return { state, alerts: [] };
    const r = evaluateNightBan(
      facts,
      state,
      {
        position: report.position,
        interval: report.interval,
        ...(pipeline.relays ? { relays: pipeline.relays } : {}),
      },
      config,
    );
    return { state: r.state, alerts: r.outputs, notices: r.notices };
  },
};

const offlineAlert = (facts: VehicleFacts, sinceMs: number, atMs: number, config: RulesConfig, revision: number): AlertV1 =>
  buildAlert(facts, {
    rule: 'offline',
    level: 'data_quality',
    severity: 'minor',
    subject: 'vehicle',
    windowKey: sinceMs,
    revision,
    startedAtMs: sinceMs,
    raisedAtMs: atMs,
    ...(revision > 0 ? { endedAtMs: atMs } : {}),
    ...(revision > 0
      ? {
          summary: `恢复上线：此前${formatDurationZh(atMs - sinceMs)}无定位上报`,
          summaryEn: `Back online after ${formatDuration(atMs - sinceMs)} without reports`,
        }
      : {
          summary: `离线：超过${formatDurationZh(config.quality.offlineAfterMs)}无定位上报`,
          summaryEn: `Offline: no report for more than ${formatDuration(config.quality.offlineAfterMs)}`,
        }),
    details: { silentMs: atMs - sinceMs, offlineAfterMs: config.quality.offlineAfterMs, resumed: revision > 0 },
  });

/**
 * Offline: a vehicle with no report received for longer than `offlineAfterMs` (the detector's
 * clock) is offline — one alert per silence; the next report received, whatever it is, closes it.
 */
export const offlineRule: PositionRule<OfflineRuleState> = {
  initial: () => ({ sinceMs: null }),
  onReport: (state) => ({ state, alerts: [] }),
  onReceived(state, position, { facts, config }) {
    if (state.sinceMs === null) return { state, alerts: [] };
    return { state: { sinceMs: null }, alerts: [offlineAlert(facts, state.sinceMs, position.receivedAtMs, config, 1)] };
  },
  onTick(state, nowMs, { facts, config, lastReceivedAtMs }) {
    if (lastReceivedAtMs === null || state.sinceMs !== null || nowMs - lastReceivedAtMs <= config.quality.offlineAfterMs) return { state, alerts: [] };
    return { state: { sinceMs: lastReceivedAtMs }, alerts: [offlineAlert(facts, lastReceivedAtMs, nowMs, config, 0)] };
  },
  // The boundary itself is not yet offline; visiting then is harmless, and safe for a fractional clock.
  dueMs: (state, { config, lastReceivedAtMs }) =>
    lastReceivedAtMs === null || state.sinceMs !== null ? null : lastReceivedAtMs + config.quality.offlineAfterMs,
};

type NamedRule = { [K in keyof RuleStates]: { readonly name: K; readonly rule: PositionRule<RuleStates[K]> } }[keyof RuleStates];

/** The rules every report goes through, in this order; `name` is the rule's slice of `VehicleRuleState.rules`. */
export const POSITION_RULES: readonly NamedRule[] = [
  { name: 'quality', rule: qualityRule },
  { name: 'speeding', rule: speedingRule },
  { name: 'fatigue', rule: fatigueRule },
  { name: 'nightBan', rule: nightBanRule },
  { name: 'offline', rule: offlineRule },
  { name: 'routes', rule: routeWatchRule },
];
