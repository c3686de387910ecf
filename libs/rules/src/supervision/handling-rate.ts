import { ratePct } from './percent';

/** One `alert_handling` row as the 处理率 reads it (RULES.md §9, §15). Times in epoch ms. */
export interface HandlingFacts {
  alertId: string;
  /** False for pre-warnings: delivered, never due. */
  due: boolean;
  withdrawn: boolean;
  firstNotifiedAtMs?: number;
  /** The stored deadline: first notification + the severity's window, or the fresh window after a rejected timely appeal. */
  deadlineAtMs?: number;
  handledAtMs?: number;
  appealState?: 'pending' | 'accepted' | 'rejected';
  appealFiledAtMs?: number;
  appealDecidedAtMs?: number;
}

export type HandlingVerdict =
  | 'handled_on_time'
  | 'handled_late'
  | 'unhandled'
  | 'not_due'
  | 'not_notified'
  | 'withdrawn'
  | 'appeal_accepted'
  | 'appeal_pending'
  | 'deadline_not_passed'
  | 'outside_period';

/**
 * The deadline that counts (§15). A rejected appeal filed at or before the deadline gives a fresh
 * window of the same length from the rejection; one filed after it changes nothing. The stored
 * deadline already is that fresh window when it lies after the rejection (the handling part
 * moved it); otherwise it is the original one and the fresh window is taken from it here.
 */
export const effectiveDeadlineMs = (row: HandlingFacts): number | undefined => {
  const { firstNotifiedAtMs: notifiedMs, deadlineAtMs: deadlineMs } = row;
  if (notifiedMs === undefined || deadlineMs === undefined) return undefined;
  if (row.appealState !== 'rejected' || row.appealDecidedAtMs === undefined || row.appealFiledAtMs === undefined) return deadlineMs;
  if (deadlineMs > row.appealDecidedAtMs) return deadlineMs;
  if (row.appealFiledAtMs > deadlineMs) return deadlineMs;
  return row.appealDecidedAtMs + (deadlineMs - notifiedMs);
};

/**
 * Where one alert stands in the 处理率 of the period [fromMs, toMs) at `nowMs` (§15): due in the
 * local period in which its deadline falls once it has passed; handled at the deadline is on
 * time; late handling is in the denominator only; 误报 handling is handling; an accepted appeal
 * is out of both; a pending one keeps it out until decided; never notified, a pre-warning or a
 * withdrawn alert is never due.
 */
export const handlingVerdict = (row: HandlingFacts, fromMs: number, toMs: number, nowMs: number): HandlingVerdict => {
  if (row.withdrawn) return 'withdrawn';
  if (!row.due) return 'not_due';
  const deadlineMs = effectiveDeadlineMs(row);
  if (deadlineMs === undefined) return 'not_notified';
  if (deadlineMs < fromMs || deadlineMs >= toMs) return 'outside_period';
  if (row.appealState === 'accepted') return 'appeal_accepted';
  if (row.appealState === 'pending') return 'appeal_pending';
  if (row.handledAtMs !== undefined && row.handledAtMs <= deadlineMs) return deadlineMs < nowMs ? 'handled_on_time' : 'deadline_not_passed';
  if (!(deadlineMs < nowMs)) return 'deadline_not_passed';
  return row.handledAtMs === undefined ? 'unhandled' : 'handled_late';
};

export interface HandlingRate {
  /** Handled on time. */
  numerator: number;
  /** Due, accepted appeals already out. */
  denominator: number;
  /** % half up to 2 decimals; undefined when nothing was due (not assessed). */
  ratePct?: number;
  /** Kept out until decided (the period is recomputed then). */
  pendingAppeals: number;
  acceptedAppeals: number;
}

/** 处理率 = handled on time ÷ (alerts due − accepted appeals), per company per period (§9, §15). */
export const handlingRate = (rows: readonly HandlingFacts[], fromMs: number, toMs: number, nowMs: number): HandlingRate => {
  let numerator = 0;
  let denominator = 0;
  let pendingAppeals = 0;
  let acceptedAppeals = 0;
  for (const row of rows) {
    const verdict = handlingVerdict(row, fromMs, toMs, nowMs);
    if (verdict === 'handled_on_time') numerator += 1;
    if (verdict === 'handled_on_time' || verdict === 'handled_late' || verdict === 'unhandled') denominator += 1;
    if (verdict === 'appeal_pending') pendingAppeals += 1;
    if (verdict === 'appeal_accepted') acceptedAppeals += 1;
  }
  const pct = ratePct(numerator, denominator);
  return { numerator, denominator, ...(pct === undefined ? {} : { ratePct: pct }), pendingAppeals, acceptedAppeals };
};
