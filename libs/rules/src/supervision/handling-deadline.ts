import type { AlertLevel, AlertRule } from '@roadwatch/contracts';

/**
 * How long a company has to handle an alert (RULES.md §9, §15 "Handling and 处理率"): severe
 * alerts 30 min, the rest 24 h (*default*s, configurable per deployment).
 */
export interface HandlingDeadlineConfig {
  severeWindowMs: number;
  standardWindowMs: number;
  /** A speeding episode with at least these points is severe (the 12- and 9-point bands, §8). */
  severeSpeedingMinPoints: number;
}

export const DEFAULT_HANDLING_DEADLINE_CONFIG: HandlingDeadlineConfig = {
  severeWindowMs: 30 * 60_000, // RULES.md §9 *default*
  standardWindowMs: 24 * 3_600_000, // RULES.md §9 *default*
  severeSpeedingMinPoints: 9, // RULES.md §15: a 12- or 9-point speeding episode
};

/** `severe` sets the short window; everything else is `standard`. */
export type HandlingSeverity = 'severe' | 'standard';

/** What the deadline reads of an alert revision (a subset of `AlertV1`). */
export interface HandlingAlertFacts {
  rule: AlertRule;
  level: AlertLevel;
  points?: number | undefined;
  /** The overload rule's `details.isBaiDunWang`. */
  isBaiDunWang?: boolean | undefined;
}

const FATIGUE_RULES: ReadonlySet<AlertRule> = new Set(['fatigue_continuous', 'fatigue_night', 'fatigue_daily']);

/**
 * Severe (§15): a fatigue violation, a 百吨王, the 02:00 rule, a 12- or 9-point speeding
 * episode. A pre-warning is never severe (it is never due either).
 */
export const handlingSeverityOf = (alert: HandlingAlertFacts, config: HandlingDeadlineConfig = DEFAULT_HANDLING_DEADLINE_CONFIG): HandlingSeverity => {
  if (alert.level === 'prewarning') return 'standard';
  if (FATIGUE_RULES.has(alert.rule) && alert.level === 'violation') return 'severe';
  if (alert.rule === 'night_ban_2_5') return 'severe';
  if (alert.rule === 'overload' && alert.isBaiDunWang === true) return 'severe';
  if (alert.rule === 'speeding' && (alert.points ?? 0) >= config.severeSpeedingMinPoints) return 'severe';
  return 'standard';
};

/** Pre-warnings are delivered but never due (§15); every other alert of a company's vehicle is. */
export const isHandlingDue = (alert: Pick<HandlingAlertFacts, 'level'>): boolean => alert.level !== 'prewarning';

export const handlingWindowMs = (severity: HandlingSeverity, config: HandlingDeadlineConfig = DEFAULT_HANDLING_DEADLINE_CONFIG): number =>
  severity === 'severe' ? config.severeWindowMs : config.standardWindowMs;

/**
 * The deadline set at first notification: the first notification plus the window of the
 * severity at that moment. A due alert only; a pre-warning has none.
 */
export const handlingDeadlineAt = (
  alert: HandlingAlertFacts,
  firstNotifiedAtMs: number,
  config: HandlingDeadlineConfig = DEFAULT_HANDLING_DEADLINE_CONFIG,
): { severity: HandlingSeverity; deadlineAtMs: number | null } => {
  const severity = handlingSeverityOf(alert, config);
  return { severity, deadlineAtMs: isHandlingDue(alert) ? firstNotifiedAtMs + handlingWindowMs(severity, config) : null };
};
