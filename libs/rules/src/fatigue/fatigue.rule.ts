import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { buildAlert, driverIdOfSubject, formatDuration, formatDurationZh, type EvidencePosition } from '../common/alerts';
import type { RulesConfig } from '../common/rules-config';
import type { DriverSource } from '../pipeline/roster-drivers';
import { dailyWindowOverlapMs, instantWindowTimeReaches } from '../common/time-window';
import {
  addDrivingInterval,
  closePeriodIfRested,
  drivingPeriodMs,
  initialDrivingPeriodState,
  type DrivingPeriod,
  type DrivingPeriodState,
  type MotionInterval,
} from '../motion/motion-model';

/**
 * Fatigue driving (RULES.md §2, §8 "Fatigue"), per driver when the report carries the
 * 0x0702 driver identity, else per vehicle. Built on the motion model's driving intervals
 * and driving periods; nothing here reads speeds.
 *
 * - continuous: a driving period > 4 h is one violation per period; pre-warning at 3 h 40 00.
 * - night (passenger classes): the part of one period inside 22:00–06:00 > 2 h, one per
 *   period; pre-warning 20 min before.
 * - daily: driving inside the trailing 24 h > 8 h, one violation; the next only after the
 *   total has fallen back to ≤ 8 h; pre-warning at 7 h 40.
 * Terminal alarm bits 2 / 14 / 18 are recorded as evidence, never used to decide.
 */

const ALARM_BIT_FATIGUE = 1 << 2;
const ALARM_BIT_FATIGUE_PREWARNING = 1 << 14;
const ALARM_BIT_DAILY_EXCEEDED = 1 << 18;

export interface TerminalAlarmEvidence {
  /** First report time in the current period at which the terminal raised the bit. */
  fatigueAtMs: number | null;
  prewarningAtMs: number | null;
  dailyExceededAtMs: number | null;
}

export interface FatigueSubjectState {
  period: DrivingPeriodState;
  periodStart: EvidencePosition | null;
  /** Closed periods still inside the trailing window, as [startMs, endMs] or [startMs, endMs, excludedMs] (a vehicle change inside, not driving). */
  history: Array<[number, number] | [number, number, number]>;
  continuousPrewarned: boolean;
  continuousViolated: boolean;
  nightPrewarned: boolean;
  nightViolated: boolean;
  /**
   * When the period's continuous / night violation was first raised, for the revision that
   * closes it. Absent in checkpoints written before they were kept.
   */
  continuousRaisedAtMs?: number | null;
  nightRaisedAtMs?: number | null;
  dailyPhase: 'below' | 'prewarned' | 'violated';
  terminalAlarms: TerminalAlarmEvidence;
  /**
   * The vehicles the driver drove in the open period and the trailing window before this one
   * (his time carried across a vehicle change, RULES.md §2, §13), oldest first. Absent when
   * all of it was on this vehicle.
   */
  carriedFrom?: CarriedVehicle[];
  /**
   * Where the driver of this subject was known from at its last driving: his IC card or the
   * company's roster (RULES.md §13). Absent for the vehicle's own subject, and in checkpoints
   * written before it was kept.
   */
  driverSource?: DriverSource;
}

export interface CarriedVehicle {
  vehicleId: string;
  plate?: string;
  /** The driver's last report on it. */
  lastReportMs: number;
}

/**
 * A driver's fatigue time as it stood at his last report on a vehicle (RULES.md §2, §13: a
 * driver who changes vehicles carries his time). Written by the detector to a store keyed by
 * driver, read when the driver's reports start on another vehicle.
 */
export interface DriverTimeCarry {
  driverId: string;
  vehicleId: string;
  plate?: string;
  /** The driver's last report on that vehicle (device time). */
  lastReportMs: number;
  subject: FatigueSubjectState;
}

/** The carried time of a driver, if any is known (the detector's driver-time store). */
export type DriverTimeLookup = (driverId: string) => DriverTimeCarry | undefined;

export interface FatigueState {
  subjects: Record<string, FatigueSubjectState>;
}

export interface FatigueEvent {
  position: PositionV1;
  /** From the previous accepted report to this one (motion model). */
  interval: MotionInterval | null;
  /** `driver:<id>` or `vehicle`, of this report. */
  subject: string;
  /** This report's driver (the subject is `driver:<it>`) and where he came from (RULES.md §13: the IC card, else the roster); absent for `vehicle`. */
  driverId?: string | undefined;
  driverSource?: DriverSource | undefined;
  /** The driver-time store, when the detector has one: a driver's time from another vehicle. */
  driverTimes?: DriverTimeLookup | undefined;
}

export const initialFatigueState = (): FatigueState => ({ subjects: {} });

const initialSubject = (): FatigueSubjectState => ({
  period: initialDrivingPeriodState(),
  periodStart: null,
  history: [],
  continuousPrewarned: false,
  continuousViolated: false,
  nightPrewarned: false,
  nightViolated: false,
  dailyPhase: 'below',
  terminalAlarms: { fatigueAtMs: null, prewarningAtMs: null, dailyExceededAtMs: null },
});

/**
 * The subject once its open period closed (a rest, or a rest found on a vehicle change): the
 * period goes into the trailing history with its excluded time, and what was said about it is
 * reset for the next period.
 */
const afterPeriodClosed = (sub: FatigueSubjectState, closed: DrivingPeriod): FatigueSubjectState => ({
  ...sub,
  periodStart: null,
  history: [...sub.history, closed.excludedMs ? [closed.startMs, closed.endMs, closed.excludedMs] : [closed.startMs, closed.endMs]],
  continuousPrewarned: false,
  continuousViolated: false,
  nightPrewarned: false,
  nightViolated: false,
  continuousRaisedAtMs: null,
  nightRaisedAtMs: null,
  terminalAlarms: { fatigueAtMs: null, prewarningAtMs: null, dailyExceededAtMs: null },
});

const overlap = (s: number, e: number, from: number, to: number): number => Math.max(0, Math.min(e, to) - Math.max(s, from));

/**
 * A period's driving inside [from, to]: its overlap less the neutral time inside it (a vehicle
 * change), wherever that lay — the doubt goes to the driver.
 */
const drivingOverlap = (s: number, e: number, excludedMs: number, from: number, to: number): number => Math.max(0, overlap(s, e, from, to) - excludedMs);

/** Driving time (periods, short stops included) inside [nowMs − window, nowMs]. */
export const trailingDrivingMs = (subject: FatigueSubjectState, nowMs: number, windowMs: number): number => {
  const from = nowMs - windowMs;
  let total = 0;
  for (const [s, e, excludedMs] of subject.history) total += drivingOverlap(s, e, excludedMs ?? 0, from, nowMs);
  const { periodStartMs, lastDrivingEndMs } = subject.period;
  if (periodStartMs !== null && lastDrivingEndMs !== null)
    total += drivingOverlap(periodStartMs, lastDrivingEndMs, subject.period.excludedMs ?? 0, from, nowMs);
  return total;
};

/** The last instant a subject's state shows the driver at the wheel (its period's or history's last driving). */
const lastDrivingMs = (sub: FatigueSubjectState): number => {
  const lastHistory = sub.history.at(-1);
  return Math.max(sub.period.lastDrivingEndMs ?? 0, lastHistory ? lastHistory[1] : 0);
};

/**
 * The driver's subject on the vehicle he now drives, from his time carried from another one
 * (RULES.md §2, §13; §15 "Four parties": the time between one vehicle's last report and the
 * next vehicle's first is neither driving nor rest). The stop he made on the other vehicle
 * stays a stop: with `arrivalMs − lastReportMs` left out, a later rest check adds what this
 * vehicle shows. A carried period that already reached a rest there is closed into the history.
 */
export const carriedSubject = (carry: DriverTimeCarry, arrivalMs: number, restMs: number, hereVehicleId?: string): FatigueSubjectState => {
  const sub = carry.subject;
  // Each vehicle once, the one he drives now never (he may come back to it).
  const carriedFrom = [
    ...(sub.carriedFrom ?? []).filter((c) => c.vehicleId !== carry.vehicleId && c.vehicleId !== hereVehicleId),
    {
      vehicleId: carry.vehicleId,
      ...(carry.plate !== undefined ? { plate: carry.plate } : {}),
      lastReportMs: carry.lastReportMs,
    },
  ];
  const rested = closePeriodIfRested(sub.period, carry.lastReportMs, restMs);
  if (rested.closed) return { ...afterPeriodClosed(sub, rested.closed), period: rested.state, carriedFrom };
  if (sub.period.periodStartMs === null) return { ...sub, carriedFrom };
  const neutralMs = (sub.period.neutralMs ?? 0) + Math.max(0, arrivalMs - carry.lastReportMs);
  return { ...sub, period: { ...sub.period, neutralMs }, carriedFrom };
};

/**
 * Takes the driver's carried time on his first report here when it is newer than what this
 * vehicle knows of him (he drove another vehicle since). Never his time from this vehicle
 * (this vehicle's own state has it), nor one from after this report.
 */
const withCarriedTime = (
  facts: VehicleFacts,
  subjects: Record<string, FatigueSubjectState>,
  event: FatigueEvent,
  restMs: number,
): Record<string, FatigueSubjectState> => {
  // The report's driver (its IC card's, else the roster's; the subject is `driver:<it>`): no string made per report.
  const driverId = event.driverId;
  if (!driverId || !event.driverTimes) return subjects;
  const carry = event.driverTimes(driverId);
  const nowMs = event.position.deviceTimeMs;
  if (!carry || carry.vehicleId === facts.vehicleId || carry.lastReportMs > nowMs) return subjects;
  const here = subjects[event.subject];
  if (here && lastDrivingMs(here) >= carry.lastReportMs) return subjects;
  if (here?.carriedFrom?.some((c) => c.vehicleId === carry.vehicleId && c.lastReportMs >= carry.lastReportMs)) return subjects;
  return { ...subjects, [event.subject]: carriedSubject(carry, nowMs, restMs, facts.vehicleId) };
};

/** Where an alert's driver was known from (his IC card or the roster, RULES.md §13); nothing for the vehicle's own subject. */
const sourceDetails = (sub: FatigueSubjectState): Record<string, unknown> => (sub.driverSource ? { driverSource: sub.driverSource } : {});

/** What an alert says of the vehicles the driver's time was carried from, and where the driver was known from. */
const carriedDetails = (sub: FatigueSubjectState): Record<string, unknown> => ({
  ...sourceDetails(sub),
  ...(sub.carriedFrom && sub.carriedFrom.length > 0 ? { carriedFrom: sub.carriedFrom } : {}),
});

const carriedText = (sub: FatigueSubjectState): { zh: string; en: string } => {
  const names = (sub.carriedFrom ?? []).map((c) => c.plate ?? c.vehicleId);
  return names.length === 0
    ? { zh: '', en: '' }
    : { zh: `（含驾驶员此前在${names.join('、')}上的驾驶时间）`, en: ` (including the driver's time on ${names.join(', ')})` };
};

const minutesText = (ms: number): string => {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)}小时${minutes % 60}分钟`;
};

/** A period that ended: its violations get their final record (a re-emission with the end and length), and the subject starts afresh. */
const onClosed = (
  facts: VehicleFacts,
  config: RulesConfig,
  nowMs: number,
  outputs: AlertV1[],
  key: string,
  sub: FatigueSubjectState,
  closed: DrivingPeriod,
): FatigueSubjectState => {
  const cfg = config.fatigue;
  const drivingMs = closed.endMs - closed.startMs - (closed.excludedMs ?? 0);
  const common = { subject: key, windowKey: closed.startMs, revision: 1, startedAtMs: closed.startMs, endedAtMs: closed.endMs, raisedAtMs: nowMs };
  if (sub.continuousViolated) {
    outputs.push(
      buildAlert(facts, {
        ...common,
        ...continuousPenalty(facts, config),
        rule: 'fatigue_continuous',
        level: 'violation',
        limitPassedAtMs: continuousLimitPassedAtMs(closed.startMs, config, closed.excludedMs ?? 0),
        ...(sub.continuousRaisedAtMs != null ? { firstRaisedAtMs: sub.continuousRaisedAtMs } : {}),
        ...continuousViolationText(drivingMs, cfg.continuousLimitMs, true, carriedText(sub)),
        details: { drivingMs, limitMs: cfg.continuousLimitMs, closed: true, terminalAlarms: sub.terminalAlarms, ...carriedDetails(sub) },
        evidence: sub.periodStart ? [sub.periodStart] : [],
      }),
    );
  }
  if (sub.nightViolated) {
    const nightMs = dailyWindowOverlapMs(closed.startMs, closed.endMs, cfg.nightStart, cfg.nightEnd);
    const limitPassedAtMs = nightLimitPassedAtMs(closed.startMs, closed.endMs, config);
    outputs.push(
      buildAlert(facts, {
        ...common,
        rule: 'fatigue_night',
        level: 'violation',
        severity: 'major',
        ...(limitPassedAtMs !== undefined ? { limitPassedAtMs } : {}),
        ...(sub.nightRaisedAtMs != null ? { firstRaisedAtMs: sub.nightRaisedAtMs } : {}),
        ...nightViolationText(nightMs, cfg.nightLimitMs, true),
        details: { nightDrivingMs: nightMs, drivingMs, limitMs: cfg.nightLimitMs, closed: true, terminalAlarms: sub.terminalAlarms, ...sourceDetails(sub) },
        evidence: sub.periodStart ? [sub.periodStart] : [],
      }),
    );
  }
  return afterPeriodClosed(sub, closed);
};

export const evaluateFatigue = (
  facts: VehicleFacts,
  state: FatigueState,
  event: FatigueEvent,
  config: RulesConfig,
): { state: FatigueState; outputs: AlertV1[] } => {
  const cfg = config.fatigue;
  const restMs = config.motion.restMs;
  const { position, interval } = event;
  const nowMs = position.deviceTimeMs;
  const outputs: AlertV1[] = [];
  // Copied on the first change only: a report that changes no subject returns the state it was given.
  let subjects = withCarriedTime(facts, state.subjects, event, restMs);
  let copied = subjects !== state.subjects;
  // His time just came from another vehicle: this vehicle's interval up to now spans his time
  // there (he left it and came back) — neither driving nor rest here (§15 "Four parties").
  const acrossVehicles = copied && interval?.subject === event.subject;

  // 1. The driving interval that ends at this report, attributed to its subject.
  if (interval && interval.driving && interval.subject !== null && !acrossVehicles) {
    const key = interval.subject;
    let sub = subjects[key] ?? initialSubject();
    // The trailing-24-h total is lowest just before driving resumes: re-arm there (§8: the
    // next daily violation only after the total fell back to ≤ 8 h).
    sub = rearmDaily(sub, trailingDrivingMs(sub, interval.startMs, cfg.dailyWindowMs), cfg);
    const added = addDrivingInterval(sub.period, interval.startMs, interval.endMs, restMs);
    if (added.closed) sub = onClosed(facts, config, nowMs, outputs, key, sub, added.closed);
    sub = { ...sub, period: added.state };
    if (added.started)
      sub.periodStart = {
        deviceTimeMs: interval.from.timeMs,
        latitudeDeg: interval.from.latitudeDeg,
        longitudeDeg: interval.from.longitudeDeg,
        speedKmh: interval.from.speedKmh,
      };
    if (event.driverSource && sub.driverSource !== event.driverSource) sub.driverSource = event.driverSource;
    sub = recordAlarmBits(sub, position);
    // `sub` is a copy of this call's own (made with the new period above): measured in place.
    sub = measure(facts, key, sub, interval.startMs, position, config, outputs);
    subjects = { ...subjects, [key]: sub };
    copied = true;
  } else if (subjects[event.subject]?.period.periodStartMs != null) {
    const before = subjects[event.subject] as FatigueSubjectState;
    const sub = recordAlarmBits(before, position);
    if (sub !== before) {
      subjects = { ...subjects, [event.subject]: sub };
      copied = true;
    }
  }

  // 2. Every subject: a stop that has reached 20 min is a rest and ends its period; history
  //    older than the trailing window is dropped; idle subjects are forgotten.
  for (const key of Object.keys(subjects)) {
    const before = subjects[key] as FatigueSubjectState;
    let sub = before;
    const rested = closePeriodIfRested(sub.period, nowMs, restMs);
    if (rested.closed) sub = { ...onClosed(facts, config, nowMs, outputs, key, sub, rested.closed), period: rested.state };
    const horizon = nowMs - cfg.dailyWindowMs;
    if (sub.history.length > 0 && (sub.history[0] as [number, number])[1] <= horizon) sub = { ...sub, history: sub.history.filter(([, e]) => e > horizon) };
    sub = rearmDaily(sub, trailingDrivingMs(sub, nowMs, cfg.dailyWindowMs), cfg);
    const forgotten = sub.period.periodStartMs === null && sub.history.length === 0 && sub.dailyPhase === 'below';
    if (sub === before && !forgotten) continue;
    if (!copied) {
      subjects = { ...subjects };
      copied = true;
    }
    if (forgotten) delete subjects[key];
    else subjects[key] = sub;
  }
  return { state: copied ? { subjects } : state, outputs };
};

const rearmDaily = (sub: FatigueSubjectState, totalMs: number, cfg: RulesConfig['fatigue']): FatigueSubjectState => {
  if (sub.dailyPhase === 'violated' && totalMs <= cfg.dailyLimitMs) {
    return { ...sub, dailyPhase: totalMs < cfg.dailyLimitMs - cfg.prewarningLeadMs ? 'below' : 'prewarned' };
  }
  if (sub.dailyPhase === 'prewarned' && totalMs < cfg.dailyLimitMs - cfg.prewarningLeadMs) return { ...sub, dailyPhase: 'below' };
  return sub;
};

const recordAlarmBits = (sub: FatigueSubjectState, position: PositionV1): FatigueSubjectState => {
  const flags = position.alarmFlags;
  if ((flags & (ALARM_BIT_FATIGUE | ALARM_BIT_FATIGUE_PREWARNING | ALARM_BIT_DAILY_EXCEEDED)) === 0) return sub;
  const t = position.deviceTimeMs;
  const a = sub.terminalAlarms;
  return {
    ...sub,
    terminalAlarms: {
      fatigueAtMs: a.fatigueAtMs ?? (flags & ALARM_BIT_FATIGUE ? t : null),
      prewarningAtMs: a.prewarningAtMs ?? (flags & ALARM_BIT_FATIGUE_PREWARNING ? t : null),
      dailyExceededAtMs: a.dailyExceededAtMs ?? (flags & ALARM_BIT_DAILY_EXCEEDED ? t : null),
    },
  };
};

const continuousPenalty = (facts: VehicleFacts, config: RulesConfig): { severity: AlertV1['severity']; points?: number; fineYuan?: number } => {
  const penalty = config.fatigue.continuousPoints[facts.vehicleClass];
  if (!penalty) return { severity: 'major' };
  return {
    severity: penalty.points >= 9 ? 'serious' : 'major',
    points: penalty.points,
    ...(penalty.fineYuan !== undefined ? { fineYuan: penalty.fineYuan } : {}),
  };
};

/** A driving period counts all of its time as driving: 4 h of it are reached 4 h after its start. */
const continuousLimitPassedAtMs = (periodStartMs: number, config: RulesConfig, excludedMs = 0): number =>
  periodStartMs + excludedMs + config.fatigue.continuousLimitMs;

/** The instant the night part of the period [startMs, endMs] reached the night limit. */
const nightLimitPassedAtMs = (periodStartMs: number, endMs: number, config: RulesConfig): number | undefined =>
  instantWindowTimeReaches(periodStartMs, endMs, config.fatigue.nightStart, config.fatigue.nightEnd, config.fatigue.nightLimitMs);

/**
 * The first millisecond at which the trailing-24-h driving time reached the daily limit, in
 * the driving that ended at `nowMs` (from `drivingSinceMs`). While the head drives the total
 * never falls (it gains what the tail may lose), so a bisection over the interval is exact.
 */
const dailyLimitPassedAtMs = (sub: FatigueSubjectState, drivingSinceMs: number, nowMs: number, cfg: RulesConfig['fatigue']): number => {
  const totalAt = (t: number): number => trailingDrivingMs({ ...sub, period: { ...sub.period, lastDrivingEndMs: t } }, t, cfg.dailyWindowMs);
  let lo = Math.max(drivingSinceMs, sub.period.periodStartMs ?? drivingSinceMs);
  let hi = nowMs;
  if (totalAt(lo) >= cfg.dailyLimitMs) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (totalAt(mid) >= cfg.dailyLimitMs) hi = mid;
    else lo = mid;
  }
  return hi;
};

/**
 * What every alert `measure` raises has in common: the period's start and this report as
 * evidence, where it stands. Built only when an alert is raised — most reports raise none.
 */
const alertBase = (key: string, sub: FatigueSubjectState, periodStartMs: number, position: PositionV1) => {
  const nowEvidence: EvidencePosition = {
    deviceTimeMs: position.deviceTimeMs,
    latitudeDeg: position.latitudeDeg,
    longitudeDeg: position.longitudeDeg,
    speedKmh: position.speedKmh,
  };
  return {
    subject: key,
    startedAtMs: periodStartMs,
    raisedAtMs: position.deviceTimeMs,
    evidence: sub.periodStart ? [sub.periodStart, nowEvidence] : [nowEvidence],
    latitudeDeg: position.latitudeDeg,
    longitudeDeg: position.longitudeDeg,
  };
};

/** Measures the subject's driving after an interval; `sub` is the caller's own fresh copy, updated in place. */
const measure = (
  facts: VehicleFacts,
  key: string,
  sub: FatigueSubjectState,
  drivingSinceMs: number,
  position: PositionV1,
  config: RulesConfig,
  outputs: AlertV1[],
): FatigueSubjectState => {
  const cfg = config.fatigue;
  const nowMs = position.deviceTimeMs;
  const periodStartMs = sub.period.periodStartMs as number;

  // Continuous driving (§2, §8): > 4 h is a violation, the pre-warning at 4 h − 20 min.
  const drivingMs = drivingPeriodMs(sub.period);
  const continuousPre = cfg.continuousLimitMs - cfg.prewarningLeadMs;
  if (drivingMs > cfg.continuousLimitMs && !sub.continuousViolated) {
    sub.continuousViolated = true;
    sub.continuousPrewarned = true;
    sub.continuousRaisedAtMs = nowMs;
    outputs.push(
      buildAlert(facts, {
        ...alertBase(key, sub, periodStartMs, position),
        ...continuousPenalty(facts, config),
        rule: 'fatigue_continuous',
        level: 'violation',
        windowKey: periodStartMs,
        endedAtMs: nowMs,
        limitPassedAtMs: continuousLimitPassedAtMs(periodStartMs, config, sub.period.excludedMs ?? 0),
        ...continuousViolationText(drivingMs, cfg.continuousLimitMs, false, carriedText(sub)),
        details: { drivingMs, limitMs: cfg.continuousLimitMs, restMs: config.motion.restMs, terminalAlarms: sub.terminalAlarms, ...carriedDetails(sub) },
      }),
    );
  } else if (drivingMs >= continuousPre && !sub.continuousPrewarned) {
    sub.continuousPrewarned = true;
    outputs.push(
      buildAlert(facts, {
        ...alertBase(key, sub, periodStartMs, position),
        rule: 'fatigue_continuous',
        level: 'prewarning',
        severity: 'minor',
        windowKey: periodStartMs,
        summary: `疲劳驾驶预警：已连续驾驶${formatDurationZh(drivingMs)}，请在${formatDurationZh(cfg.continuousLimitMs - drivingMs)}内停车休息`,
        summaryEn: `Continuous driving ${formatDuration(drivingMs)}: rest within ${formatDuration(cfg.continuousLimitMs - drivingMs)}`,
        details: {
          drivingMs,
          limitMs: cfg.continuousLimitMs,
          remainingMs: cfg.continuousLimitMs - drivingMs,
          terminalAlarms: sub.terminalAlarms,
          ...(driverIdOfSubject(key) ? { driverId: driverIdOfSubject(key) } : {}),
          ...sourceDetails(sub),
          ttsText: `您已连续驾驶${minutesText(drivingMs)}，请在${Math.ceil((cfg.continuousLimitMs - drivingMs) / 60_000)}分钟内停车休息20分钟以上`,
        },
      }),
    );
  }

  // Night driving, passenger classes (§2, §8): the part of one period inside 22:00–06:00 > 2 h.
  if (cfg.nightClasses.includes(facts.vehicleClass)) {
    const nightMs = dailyWindowOverlapMs(periodStartMs, sub.period.lastDrivingEndMs as number, cfg.nightStart, cfg.nightEnd);
    if (nightMs > cfg.nightLimitMs && !sub.nightViolated) {
      sub.nightViolated = true;
      sub.nightPrewarned = true;
      sub.nightRaisedAtMs = nowMs;
      const limitPassedAtMs = nightLimitPassedAtMs(periodStartMs, sub.period.lastDrivingEndMs as number, config);
      outputs.push(
        buildAlert(facts, {
          ...alertBase(key, sub, periodStartMs, position),
          rule: 'fatigue_night',
          level: 'violation',
          severity: 'major',
          windowKey: periodStartMs,
          endedAtMs: nowMs,
          ...(limitPassedAtMs !== undefined ? { limitPassedAtMs } : {}),
          ...nightViolationText(nightMs, cfg.nightLimitMs, false),
          details: {
            nightDrivingMs: nightMs,
            drivingMs,
            limitMs: cfg.nightLimitMs,
            nightStart: cfg.nightStart,
            nightEnd: cfg.nightEnd,
            terminalAlarms: sub.terminalAlarms,
            ...sourceDetails(sub),
          },
        }),
      );
    } else if (nightMs >= cfg.nightLimitMs - cfg.prewarningLeadMs && !sub.nightPrewarned) {
      sub.nightPrewarned = true;
      outputs.push(
        buildAlert(facts, {
          ...alertBase(key, sub, periodStartMs, position),
          rule: 'fatigue_night',
          level: 'prewarning',
          severity: 'minor',
          windowKey: periodStartMs,
          summary: `疲劳驾驶预警：夜间已连续驾驶${formatDurationZh(nightMs)}，请在${formatDurationZh(cfg.nightLimitMs - nightMs)}内停车休息`,
          summaryEn: `Night driving ${formatDuration(nightMs)}: rest within ${formatDuration(cfg.nightLimitMs - nightMs)}`,
          details: {
            nightDrivingMs: nightMs,
            drivingMs,
            limitMs: cfg.nightLimitMs,
            remainingMs: cfg.nightLimitMs - nightMs,
            ...sourceDetails(sub),
            ttsText: `您夜间已连续驾驶${minutesText(nightMs)}，请在${Math.ceil((cfg.nightLimitMs - nightMs) / 60_000)}分钟内停车休息`,
          },
        }),
      );
    }
  }

  // Trailing 24 h (§2, §8): > 8 h is one violation, the next only after ≤ 8 h again.
  const dailyMs = trailingDrivingMs(sub, nowMs, cfg.dailyWindowMs);
  // The daily alert's window is the trailing 24 h ending at the report that crossed the line.
  if (dailyMs > cfg.dailyLimitMs && sub.dailyPhase !== 'violated') {
    sub.dailyPhase = 'violated';
    outputs.push(
      buildAlert(facts, {
        ...alertBase(key, sub, periodStartMs, position),
        startedAtMs: Math.max(0, nowMs - cfg.dailyWindowMs),
        windowKey: nowMs,
        endedAtMs: nowMs,
        rule: 'fatigue_daily',
        level: 'violation',
        severity: 'major',
        limitPassedAtMs: dailyLimitPassedAtMs(sub, drivingSinceMs, nowMs, cfg),
        summary: `疲劳驾驶：24小时内累计驾驶${formatDurationZh(dailyMs)}（上限${formatDurationZh(cfg.dailyLimitMs)}）${carriedText(sub).zh}`,
        summaryEn: `Driving ${formatDuration(dailyMs)} in the last 24 h (limit ${formatDuration(cfg.dailyLimitMs)})${carriedText(sub).en}`,
        details: {
          drivingInWindowMs: dailyMs,
          limitMs: cfg.dailyLimitMs,
          windowMs: cfg.dailyWindowMs,
          terminalAlarms: sub.terminalAlarms,
          ...carriedDetails(sub),
        },
      }),
    );
  } else if (dailyMs >= cfg.dailyLimitMs - cfg.prewarningLeadMs && sub.dailyPhase === 'below') {
    sub.dailyPhase = 'prewarned';
    outputs.push(
      buildAlert(facts, {
        ...alertBase(key, sub, periodStartMs, position),
        startedAtMs: Math.max(0, nowMs - cfg.dailyWindowMs),
        windowKey: nowMs,
        rule: 'fatigue_daily',
        level: 'prewarning',
        severity: 'minor',
        summary: `疲劳驾驶预警：24小时内累计驾驶${formatDurationZh(dailyMs)}，剩余${formatDurationZh(cfg.dailyLimitMs - dailyMs)}`,
        summaryEn: `Driving ${formatDuration(dailyMs)} in the last 24 h: ${formatDuration(cfg.dailyLimitMs - dailyMs)} left`,
        details: {
          drivingInWindowMs: dailyMs,
          limitMs: cfg.dailyLimitMs,
          remainingMs: cfg.dailyLimitMs - dailyMs,
          ...sourceDetails(sub),
          ttsText: `您24小时内已累计驾驶${minutesText(dailyMs)}，请合理安排休息`,
        },
      }),
    );
  }
  return sub;
};

/** Continuous-driving violation (>4 h without a 20 min rest): raised while driving, re-emitted when the period ends. */
const continuousViolationText = (
  drivingMs: number,
  limitMs: number,
  ended: boolean,
  carried: { zh: string; en: string },
): { summary: string; summaryEn: string } => ({
  summary: `疲劳驾驶：连续驾驶${formatDurationZh(drivingMs)}未停车休息20分钟以上（上限${formatDurationZh(limitMs)}）${carried.zh}${ended ? '，驾驶时段已结束' : ''}`,
  summaryEn: `Continuous driving ${formatDuration(drivingMs)} without a 20 min rest (limit ${formatDuration(limitMs)})${carried.en}${ended ? '; period ended' : ''}`,
});

/** Night-driving violation (passenger classes, the night window — 22时至6时 by default — inside one period): raised while driving, re-emitted when it ends. */
const nightViolationText = (nightMs: number, limitMs: number, ended: boolean): { summary: string; summaryEn: string } => ({
  summary: `疲劳驾驶：单个驾驶时段内夜间驾驶${formatDurationZh(nightMs)}（上限${formatDurationZh(limitMs)}）${ended ? '，驾驶时段已结束' : ''}`,
  summaryEn: `Night driving ${formatDuration(nightMs)} in one driving period (limit ${formatDuration(limitMs)})${ended ? '; period ended' : ''}`,
});
