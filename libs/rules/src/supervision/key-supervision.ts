import type { KeySupervisionReasonItem } from '@roadwatch/contracts';
import { DAY_MS, chinaLocalToEpochMs } from '@roadwatch/domain';

/**
 * The 重点监管 list (RULES.md §10 as §15 reads it): whether a vehicle or a company is listed at
 * an instant t, every reason with its date and evidence, and when it leaves the list if nothing
 * new happens. Pure: the caller loads the dated facts and passes t.
 *
 * How the facts are dated (§15): events by their start (a speeding episode's first over report,
 * a fatigue violation's `at` = the instant its limit was passed, a tampering episode's start);
 * day facts at the end of their local (GMT+8) day, so the day in progress never counts. A fact
 * is inside the trailing window at t when its date lies in (t − 30 d, t]. A subject is listed at
 * t while some trigger holds over the window at t; it leaves at the first later instant at
 * which none holds — for an event, exactly 30 × 24 h after it.
 */

export interface KeySupervisionConfig {
  /** The trailing window (t − windowMs, t]; also the quiet time before a company leaves after its last instant trigger. */
  windowMs: number;
  /** Speeding bands that list a vehicle on one episode (the serious bands: 12 and 9 points). */
  seriousSpeedingPoints: readonly number[];
  /** This many episodes (any band)… */
  repeatedSpeedingEpisodes: number;
  /** …whose starts lie less than this apart (rolling). */
  repeatedSpeedingSpanMs: number;
  /** 轨迹完整率 strictly below this percentage (2 decimals, half up, §15) lists… */
  trackCompletenessBelowPct: number;
  /** …judged only with at least this many days with mileage in the window. */
  minTrackQualityDays: number;
  /** Consecutive whole local days operating, with a bound terminal and no valid record. */
  offlineDays: number;
  /** A company with at least this percentage of its registered vehicles listed. */
  companyListedShareAtLeastPct: number;
  /** A company whose 处理率 is strictly below this percentage. */
  companyHandlingRateBelowPct: number;
  /** A company whose total score is strictly below this. */
  companyTotalScoreBelow: number;
}

/** RULES.md §10 defaults. */
export const DEFAULT_KEY_SUPERVISION_CONFIG: KeySupervisionConfig = {
  windowMs: 30 * DAY_MS,
  seriousSpeedingPoints: [12, 9],
  repeatedSpeedingEpisodes: 3,
  repeatedSpeedingSpanMs: 7 * DAY_MS,
  trackCompletenessBelowPct: 70,
  minTrackQualityDays: 3,
  offlineDays: 3,
  companyListedShareAtLeastPct: 10,
  companyHandlingRateBelowPct: 90,
  companyTotalScoreBelow: 80,
};

/** What a reason points at — an alert, a vehicle-day of data quality, a tampering episode, a month's score, a listed vehicle: the contract's kinds. */
export type KeySupervisionEvidence = KeySupervisionReasonItem['evidence'][number];

/**
 * A reason as the contract carries it: `code`; `key`, stable across evaluations of the same
 * trigger (a job appends a reason once and updates it as it grows); `atMs`, when the trigger
 * first held (its date as §15 dates it); `detail`, its figures; `evidence`.
 */
export type KeySupervisionReason = KeySupervisionReasonItem;

export interface KeySupervisionVerdict {
  listed: boolean;
  /** The triggers holding at t (empty when not listed). */
  reasons: KeySupervisionReason[];
  /** When the subject leaves the list if no new fact arrives (listed only). */
  exitAtMs?: number;
  /** The date of the latest fact keeping it listed: `exitAtMs − windowMs` (listed only). */
  lastTriggerAtMs?: number;
}

// ─── vehicles ───────────────────────────────────────────────────────────────────────

export interface SpeedingEpisodeFact {
  alertId: string;
  /** The episode's first over report. */
  startedAtMs: number;
  /** The band's points; absent for an episode below the lowest band. */
  points?: number | undefined;
  /** Retracted by back-fill or re-judging: counts nowhere (§15). */
  withdrawn?: boolean | undefined;
}

export interface FatigueViolationFact {
  alertId: string;
  /** The violation's `at`: the instant its limit was passed. */
  atMs: number;
  withdrawn?: boolean | undefined;
}

/** A suspected tampering episode (§12; services/enforcement's tampering job stores them), dated by its start. */
export interface TamperingEpisodeFact {
  episodeId: string;
  startedAtMs: number;
}

/** One local day of a vehicle: its data quality and whether it was operating. */
export interface VehicleDayFact {
  /** Local (GMT+8) date, YYYY-MM-DD. */
  day: string;
  /** Track mileage of the day (0 or absent: not a quality day). */
  trackM: number;
  completeTrackM: number;
  /** Valid records (§6) that day. */
  validRecords: number;
  /** On that month's operating list and not 报停. */
  operating: boolean;
  /** A terminal bound to the vehicle. */
  terminalBound: boolean;
}

export interface VehicleKeySupervisionFacts {
  vehicleId: string;
  speedingEpisodes: readonly SpeedingEpisodeFact[];
  fatigueViolations: readonly FatigueViolationFact[];
  tamperingEpisodes: readonly TamperingEpisodeFact[];
  /** Days missing from the list are days without facts (no mileage, no valid record, not known as operating). */
  days: readonly VehicleDayFact[];
}

/** The end of a local day: the instant a day fact is dated (§15). */
export const localDayEndMs = (day: string): number => {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return chinaLocalToEpochMs(year, month, date) + DAY_MS;
};

const inWindow = (dateMs: number, tMs: number, config: KeySupervisionConfig): boolean => dateMs > tMs - config.windowMs && dateMs <= tMs;

/** A rate as a percentage with 2 decimals, rounded half up (§15). */
export const percentHalfUp = (numerator: number, denominator: number): number => Math.round(((numerator * 100) / denominator) * 100 + 1e-9) / 100;

const vehicleReasonsAt = (facts: VehicleKeySupervisionFacts, tMs: number, config: KeySupervisionConfig): KeySupervisionReason[] => {
  const reasons: KeySupervisionReason[] = [];
  const episodes = facts.speedingEpisodes.filter((e) => !e.withdrawn && inWindow(e.startedAtMs, tMs, config)).sort((a, b) => a.startedAtMs - b.startedAtMs);
  for (const e of episodes) {
    if (e.points !== undefined && config.seriousSpeedingPoints.includes(e.points)) {
      reasons.push({
        code: 'serious_speeding',
        key: `serious_speeding:${e.alertId}`,
        atMs: e.startedAtMs,
        detail: { points: e.points },
        evidence: [{ kind: 'alert', id: e.alertId }],
      });
    }
  }
  // Rolling: n consecutive starts (in time order) spanning less than the span; the latest such run is the reason.
  const n = config.repeatedSpeedingEpisodes;
  for (let last = episodes.length - 1; last >= n - 1; last -= 1) {
    const run = episodes.slice(last - n + 1, last + 1);
    const first = run[0] as SpeedingEpisodeFact;
    const end = run[run.length - 1] as SpeedingEpisodeFact;
    if (end.startedAtMs - first.startedAtMs < config.repeatedSpeedingSpanMs) {
      reasons.push({
        code: 'repeated_speeding',
        key: `repeated_speeding:${first.alertId}`,
        atMs: end.startedAtMs,
        detail: { episodes: run.length },
        evidence: run.map((e) => ({ kind: 'alert', id: e.alertId })),
      });
      break;
    }
  }
  for (const f of facts.fatigueViolations) {
    if (!f.withdrawn && inWindow(f.atMs, tMs, config))
      reasons.push({ code: 'fatigue', key: `fatigue:${f.alertId}`, atMs: f.atMs, detail: {}, evidence: [{ kind: 'alert', id: f.alertId }] });
  }
  for (const e of facts.tamperingEpisodes) {
    if (inWindow(e.startedAtMs, tMs, config)) {
      reasons.push({
        code: 'tampering',
        key: `tampering:${e.episodeId}`,
        atMs: e.startedAtMs,
        detail: {},
        evidence: [{ kind: 'tampering_episode', id: e.episodeId }],
      });
    }
  }
  const days = facts.days.filter((d) => inWindow(localDayEndMs(d.day), tMs, config)).sort((a, b) => a.day.localeCompare(b.day));
  const dayEvidence = (d: VehicleDayFact): KeySupervisionEvidence => ({ kind: 'quality_day', id: `${facts.vehicleId}/${d.day}` });
  const mileageDays = days.filter((d) => d.trackM > 0);
  if (mileageDays.length >= config.minTrackQualityDays) {
    const trackM = mileageDays.reduce((sum, d) => sum + d.trackM, 0);
    const completeM = mileageDays.reduce((sum, d) => sum + d.completeTrackM, 0);
    const ratePct = percentHalfUp(completeM, trackM);
    if (ratePct < config.trackCompletenessBelowPct) {
      const latest = mileageDays[mileageDays.length - 1] as VehicleDayFact;
      reasons.push({
        code: 'low_track_completeness',
        key: `low_track_completeness:${(mileageDays[0] as VehicleDayFact).day}`,
        atMs: localDayEndMs(latest.day),
        detail: { ratePct, days: mileageDays.length, trackM: Math.round(trackM), completeTrackM: Math.round(completeM) },
        evidence: mileageDays.map(dayEvidence),
      });
    }
  }
  // Runs of consecutive offline days inside the window; a run of the required length lists.
  const offline = days.filter((d) => d.operating && d.terminalBound && d.validRecords === 0);
  let run: VehicleDayFact[] = [];
  const closeRun = (): void => {
    if (run.length >= config.offlineDays) {
      const third = run[config.offlineDays - 1] as VehicleDayFact;
      reasons.push({
        code: 'offline',
        key: `offline:${(run[0] as VehicleDayFact).day}`,
        atMs: localDayEndMs(third.day),
        detail: { days: run.length },
        evidence: run.map(dayEvidence),
      });
    }
    run = [];
  };
  for (const d of offline) {
    const previous = run[run.length - 1];
    if (previous && localDayEndMs(d.day) - localDayEndMs(previous.day) !== DAY_MS) closeRun();
    run.push(d);
  }
  closeRun();
  return reasons;
};

/** Every instant after t at which a fact dated at or before t leaves the window: the only instants the verdict can change. */
const leavingInstants = (datesMs: readonly number[], tMs: number, config: KeySupervisionConfig): number[] =>
  [...new Set(datesMs.filter((d) => inWindow(d, tMs, config)).map((d) => d + config.windowMs))].sort((a, b) => a - b);

const verdictOf = (reasons: KeySupervisionReason[], exitAtMs: number | undefined, config: KeySupervisionConfig): KeySupervisionVerdict =>
  reasons.length === 0 || exitAtMs === undefined
    ? { listed: false, reasons: [] }
    : { listed: true, reasons: reasons.sort((a, b) => a.atMs - b.atMs || a.key.localeCompare(b.key)), exitAtMs, lastTriggerAtMs: exitAtMs - config.windowMs };

/** Facts dated after t are left out: the verdict at t knows nothing later. */
const factsUpTo = (facts: VehicleKeySupervisionFacts, tMs: number): VehicleKeySupervisionFacts => ({
  ...facts,
  speedingEpisodes: facts.speedingEpisodes.filter((e) => e.startedAtMs <= tMs),
  fatigueViolations: facts.fatigueViolations.filter((f) => f.atMs <= tMs),
  tamperingEpisodes: facts.tamperingEpisodes.filter((e) => e.startedAtMs <= tMs),
  days: facts.days.filter((d) => localDayEndMs(d.day) <= tMs),
});

/** A vehicle's 重点监管 verdict at t (RULES.md §10, §15). */
export const evaluateVehicleKeySupervision = (
  facts: VehicleKeySupervisionFacts,
  tMs: number,
  config: KeySupervisionConfig = DEFAULT_KEY_SUPERVISION_CONFIG,
): KeySupervisionVerdict => {
  const known = factsUpTo(facts, tMs);
  const reasons = vehicleReasonsAt(known, tMs, config);
  if (reasons.length === 0) return { listed: false, reasons: [] };
  const dates = [
    ...known.speedingEpisodes.filter((e) => !e.withdrawn).map((e) => e.startedAtMs),
    ...known.fatigueViolations.filter((f) => !f.withdrawn).map((f) => f.atMs),
    ...known.tamperingEpisodes.map((e) => e.startedAtMs),
    ...known.days.map((d) => localDayEndMs(d.day)),
  ];
  const exitAtMs = leavingInstants(dates, tMs, config).find((u) => vehicleReasonsAt(known, u, config).length === 0);
  return verdictOf(reasons, exitAtMs, config);
};

// ─── companies ──────────────────────────────────────────────────────────────────────

/** The company's last computed month of `assessment_scores` (§15: its triggers are dated from the month's end). */
export interface CompanyMonthScoreFact {
  /** Evidence id of the score row (e.g. `company:<id>:month:<YYYY-MM>`). */
  scoreId: string;
  periodEndMs: number;
  assessed: boolean;
  totalScore?: number | undefined;
  anyIndicatorZero: boolean;
  /** 处理率 in percent; absent when nothing was due. */
  handlingRatePct?: number | undefined;
}

export interface ListedVehicleFact {
  vehicleId: string;
  /** When its listing ends if nothing new happens. */
  exitAtMs: number;
}

export interface CompanyKeySupervisionFacts {
  companyId: string;
  /** All its registered vehicles. */
  registeredVehicles: number;
  /** Its vehicles listed at t. */
  listedVehicles: readonly ListedVehicleFact[];
  lastMonthScore?: CompanyMonthScoreFact | undefined;
}

const companyScoreReasons = (score: CompanyMonthScoreFact | undefined, tMs: number, config: KeySupervisionConfig): KeySupervisionReason[] => {
  if (!score?.assessed || !inWindow(score.periodEndMs, tMs, config)) return [];
  const reasons: KeySupervisionReason[] = [];
  const evidence: KeySupervisionEvidence[] = [{ kind: 'assessment', id: score.scoreId }];
  const atMs = score.periodEndMs;
  if (score.anyIndicatorZero) reasons.push({ code: 'company_indicator_zero', key: `company_indicator_zero:${score.scoreId}`, atMs, detail: {}, evidence });
  if (score.handlingRatePct !== undefined && score.handlingRatePct < config.companyHandlingRateBelowPct) {
    reasons.push({
      code: 'company_handling_rate',
      key: `company_handling_rate:${score.scoreId}`,
      atMs,
      detail: { handlingRatePct: score.handlingRatePct },
      evidence,
    });
  }
  if (score.totalScore !== undefined && score.totalScore < config.companyTotalScoreBelow) {
    reasons.push({ code: 'company_total_score', key: `company_total_score:${score.scoreId}`, atMs, detail: { totalScore: score.totalScore }, evidence });
  }
  return reasons;
};

const listedShareHolds = (facts: CompanyKeySupervisionFacts, atMs: number, config: KeySupervisionConfig): ListedVehicleFact[] | undefined => {
  if (facts.registeredVehicles <= 0) return undefined;
  // In id order: the same vehicles are the same evidence, whatever order they were found in.
  const listed = facts.listedVehicles.filter((v) => v.exitAtMs > atMs).sort((a, b) => a.vehicleId.localeCompare(b.vehicleId));
  return listed.length > 0 && percentHalfUp(listed.length, facts.registeredVehicles) >= config.companyListedShareAtLeastPct ? listed : undefined;
};

/**
 * A company's 重点监管 verdict at t. Its score triggers hold while the last computed month's end
 * lies in the window. The share of listed vehicles is an instant trigger: it holds while enough
 * of its vehicles stay listed, and the company leaves 30 quiet days after the last instant it held.
 */
export const evaluateCompanyKeySupervision = (
  facts: CompanyKeySupervisionFacts,
  tMs: number,
  config: KeySupervisionConfig = DEFAULT_KEY_SUPERVISION_CONFIG,
): KeySupervisionVerdict => {
  const score = facts.lastMonthScore && facts.lastMonthScore.periodEndMs <= tMs ? facts.lastMonthScore : undefined;
  const reasons = companyScoreReasons(score, tMs, config);
  const shareNow = listedShareHolds(facts, tMs, config);
  let shareEndsMs: number | undefined;
  if (shareNow) {
    const share = percentHalfUp(shareNow.length, facts.registeredVehicles);
    reasons.push({
      code: 'company_listed_share',
      key: 'company_listed_share',
      atMs: tMs,
      detail: { listedVehicles: shareNow.length, registeredVehicles: facts.registeredVehicles, sharePct: share },
      evidence: shareNow.map((v) => ({ kind: 'vehicle', id: v.vehicleId })),
    });
    shareEndsMs = [...new Set(facts.listedVehicles.map((v) => v.exitAtMs))]
      .filter((u) => u > tMs)
      .sort((a, b) => a - b)
      .find((u) => !listedShareHolds(facts, u, config));
  }
  if (reasons.length === 0) return { listed: false, reasons: [] };
  const scoreExitMs = score && companyScoreReasons(score, tMs, config).length > 0 ? score.periodEndMs + config.windowMs : undefined;
  const shareExitMs = shareEndsMs !== undefined ? shareEndsMs + config.windowMs : undefined;
  return verdictOf(reasons, Math.max(scoreExitMs ?? -Infinity, shareExitMs ?? -Infinity), config);
};

// ─── what a listing changes ─────────────────────────────────────────────────────────

const SEVERITY_STEPS = ['info', 'minor', 'major', 'serious', 'critical'] as const;
export type KeySupervisionSeverity = (typeof SEVERITY_STEPS)[number];

/**
 * A listed vehicle's alert shown and routed one severity step higher (critical stays critical).
 * For display and routing only: §15 says a listing never changes a handling deadline.
 */
export const raisedSeverity = <S extends KeySupervisionSeverity>(severity: S, listed: boolean): KeySupervisionSeverity => {
  if (!listed) return severity;
  const index = SEVERITY_STEPS.indexOf(severity);
  return SEVERITY_STEPS[Math.min(index + 1, SEVERITY_STEPS.length - 1)] as KeySupervisionSeverity;
};

// ─── what the job does with a verdict ───────────────────────────────────────────────

/** Field by field: a stored reason comes back from JSON storage with its keys in another order. */
const sameReason = (a: KeySupervisionReason, b: KeySupervisionReason): boolean => {
  const details = (r: KeySupervisionReason): string =>
    Object.keys(r.detail)
      .sort()
      .map((k) => `${k}=${r.detail[k]}`)
      .join('&');
  return (
    a.code === b.code &&
    a.key === b.key &&
    a.atMs === b.atMs &&
    details(a) === details(b) &&
    a.evidence.length === b.evidence.length &&
    a.evidence.every((e, i) => e.kind === b.evidence[i]?.kind && e.id === b.evidence[i]?.id)
  );
};

/** The subject's open entry, as stored. */
export interface OpenKeySupervisionListing {
  lastTriggerAtMs: number;
  reasons: readonly KeySupervisionReason[];
}

export type KeySupervisionAction =
  | { kind: 'none' }
  | { kind: 'open'; listedAtMs: number; lastTriggerAtMs: number; reasons: KeySupervisionReason[] }
  | { kind: 'extend'; lastTriggerAtMs: number; reasons: KeySupervisionReason[] }
  | { kind: 'close'; exitedAtMs: number }
  /** The open entry had run out before the new triggers (the job did not run in between): it closes at its exit, a new entry opens. */
  | { kind: 'renew'; exitedAtMs: number; listedAtMs: number; lastTriggerAtMs: number; reasons: KeySupervisionReason[] };

/**
 * What the 重点监管 job does for one subject at t: open an entry, append new reasons (a reason
 * already recorded is updated in place — a growing run keeps its key), close it, or nothing.
 * An officer's release ends a listing: only triggers dated after the latest release list the
 * subject again. The automatic exit is dated exactly 30 × 24 h after the last trigger, however
 * late the job runs — when the new triggers came after it (the job did not run in between), the
 * old entry closes there and a new one opens; a listing whose facts vanished (an alert
 * withdrawn) closes at t.
 */
export const nextKeySupervisionAction = (input: {
  open?: OpenKeySupervisionListing | undefined;
  verdict: KeySupervisionVerdict;
  lastReleaseAtMs?: number | undefined;
  tMs: number;
  config?: KeySupervisionConfig;
}): KeySupervisionAction => {
  const config = input.config ?? DEFAULT_KEY_SUPERVISION_CONFIG;
  const reasons = input.verdict.reasons.filter((r) => input.lastReleaseAtMs === undefined || r.atMs > input.lastReleaseAtMs);
  const lastTriggerAtMs = input.verdict.lastTriggerAtMs;
  if (!input.open) {
    if (reasons.length === 0 || lastTriggerAtMs === undefined) return { kind: 'none' };
    return { kind: 'open', listedAtMs: Math.min(...reasons.map((r) => r.atMs)), lastTriggerAtMs, reasons };
  }
  if (reasons.length === 0 || lastTriggerAtMs === undefined) {
    return { kind: 'close', exitedAtMs: Math.min(input.open.lastTriggerAtMs + config.windowMs, input.tMs) };
  }
  const openExitMs = input.open.lastTriggerAtMs + config.windowMs;
  const listedAtMs = Math.min(...reasons.map((r) => r.atMs));
  if (openExitMs < listedAtMs) return { kind: 'renew', exitedAtMs: openExitMs, listedAtMs, lastTriggerAtMs, reasons };
  const merged = [...input.open.reasons];
  let changed = lastTriggerAtMs > input.open.lastTriggerAtMs;
  for (const reason of reasons) {
    const at = merged.findIndex((r) => r.key === reason.key);
    if (at < 0) {
      merged.push(reason);
      changed = true;
      continue;
    }
    // The first date it held stays; its figures and evidence grow.
    const updated = { ...reason, atMs: Math.min(reason.atMs, (merged[at] as KeySupervisionReason).atMs) };
    if (!sameReason(updated, merged[at] as KeySupervisionReason)) {
      merged[at] = updated;
      changed = true;
    }
  }
  return changed ? { kind: 'extend', lastTriggerAtMs: Math.max(lastTriggerAtMs, input.open.lastTriggerAtMs), reasons: merged } : { kind: 'none' };
};
