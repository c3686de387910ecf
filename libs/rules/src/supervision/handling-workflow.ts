/**
 * The handling workflow of one alert (RULES.md §9, §15): `new → notified → viewed → handled`,
 * with an appeal (`pending → accepted | rejected`) beside it. Pure checks over the stored item:
 * each answers the refusal's reason, or what the transition changes.
 */
export type HandlingState = 'new' | 'notified' | 'viewed' | 'handled';
export type AppealState = 'pending' | 'accepted' | 'rejected';

/** What the workflow reads of a stored item. */
export interface HandlingItemFacts {
  state: HandlingState;
  due: boolean;
  withdrawn: boolean;
  deadlineAtMs: number | null;
  firstNotifiedAtMs: number | null;
  appealState: AppealState | null;
  appealFiledAtMs: number | null;
}

export type WorkflowRefusal = { ok: false; reason: string };

const refused = (reason: string): WorkflowRefusal => ({ ok: false, reason });

/** Viewing marks `viewed` the first time; later views change nothing (answered `changed: false`). */
export const checkView = (item: HandlingItemFacts): { ok: true; changed: boolean } => ({
  ok: true,
  changed: item.state === 'new' || item.state === 'notified',
});

export const checkHandle = (item: HandlingItemFacts): { ok: true } | WorkflowRefusal => {
  if (item.withdrawn) return refused('the alert was withdrawn: there is nothing to handle');
  if (item.state === 'handled') return refused('the alert is already handled');
  if (item.appealState === 'pending') return refused('an appeal is pending: wait for the decision');
  if (item.appealState === 'accepted') return refused('the appeal was accepted: the alert needs no handling');
  return { ok: true };
};

export const checkAppeal = (item: HandlingItemFacts): { ok: true } | WorkflowRefusal => {
  if (item.withdrawn) return refused('the alert was withdrawn: there is nothing to appeal');
  if (item.state === 'handled') return refused('the alert is already handled: it cannot be appealed');
  if (item.appealState !== null) return refused(`the alert was already appealed (${item.appealState})`);
  return { ok: true };
};

/**
 * Deciding an appeal (§15): only a pending one. A timely appeal (filed at or before the
 * deadline) that is rejected gives a fresh window of the same length from the rejection; one
 * filed after the deadline changes nothing; an accepted one removes the alert from 处理率.
 */
export const decideAppeal = (
  item: HandlingItemFacts,
  decision: 'accepted' | 'rejected',
  decidedAtMs: number,
): { ok: true; deadlineAtMs: number | null } | WorkflowRefusal => {
  if (item.appealState !== 'pending')
    return refused(item.appealState === null ? 'the alert has no appeal to decide' : `the appeal was already decided (${item.appealState})`);
  if (decision === 'accepted' || item.deadlineAtMs === null || item.firstNotifiedAtMs === null || item.appealFiledAtMs === null)
    return { ok: true, deadlineAtMs: item.deadlineAtMs };
  const timely = item.appealFiledAtMs <= item.deadlineAtMs;
  if (!timely) return { ok: true, deadlineAtMs: item.deadlineAtMs };
  // The window's length is the one the deadline was set with: first notification to deadline.
  return { ok: true, deadlineAtMs: decidedAtMs + (item.deadlineAtMs - item.firstNotifiedAtMs) };
};

/**
 * Overdue (escalated to the monitoring centre's on-duty board): due, not withdrawn, past its
 * deadline (handling at the deadline is on time, §15), not handled, no appeal pending or accepted.
 */
export const isOverdue = (item: HandlingItemFacts, nowMs: number): boolean =>
  item.due &&
  !item.withdrawn &&
  item.deadlineAtMs !== null &&
  nowMs > item.deadlineAtMs &&
  item.state !== 'handled' &&
  item.appealState !== 'pending' &&
  item.appealState !== 'accepted';
