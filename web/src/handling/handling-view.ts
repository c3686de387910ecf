import type { HandlingItem } from '@roadwatch/contracts';

/**
 * What the 待处理 list and the on-duty board show of an item's deadline: the time left, or
 * how long it is overdue, in whole minutes (seconds under a minute). Pure: the caller passes
 * its clock.
 */
export type DeadlineView =
  { kind: 'none' } | { kind: 'left'; ms: number; text: { zh: string; en: string } } | { kind: 'overdue'; ms: number; text: { zh: string; en: string } };

const spell = (ms: number): { zh: string; en: string } => {
  const totalS = Math.floor(ms / 1_000);
  const d = Math.floor(totalS / 86_400);
  const hh = Math.floor((totalS % 86_400) / 3_600);
  const mm = Math.floor((totalS % 3_600) / 60);
  const ss = totalS % 60;
  if (d > 0) return { zh: `${d}天${hh}小时`, en: `${d} d ${hh} h` };
  if (hh > 0) return { zh: `${hh}小时${mm}分`, en: `${hh} h ${mm} min` };
  if (mm > 0) return { zh: `${mm}分${ss}秒`, en: `${mm} min ${ss} s` };
  return { zh: `${ss}秒`, en: `${ss} s` };
};

/**
 * The server's `overdue` wins (its clock decides, RULES §15: at the deadline is on time); a
 * deadline the local clock has passed reads as overdue too, so the countdown turns red without
 * waiting for the next push. Handled, withdrawn and appeal-pending items count down nothing.
 */
export const deadlineViewOf = (item: Pick<HandlingItem, 'deadlineAtMs' | 'overdue' | 'state' | 'withdrawn' | 'appealState'>, nowMs: number): DeadlineView => {
  if (item.deadlineAtMs === null || item.state === 'handled' || item.withdrawn || item.appealState === 'pending' || item.appealState === 'accepted')
    return { kind: 'none' };
  const leftMs = item.deadlineAtMs - nowMs;
  if (item.overdue || leftMs < 0) {
    const overMs = Math.max(0, -leftMs);
    // The server's clock says overdue, the local one not yet: no made-up duration.
    if (overMs === 0) return { kind: 'overdue', ms: 0, text: { zh: '已超时', en: 'overdue' } };
    const s = spell(overMs);
    return { kind: 'overdue', ms: overMs, text: { zh: `已超时 ${s.zh}`, en: `overdue by ${s.en}` } };
  }
  const s = spell(leftMs);
  return { kind: 'left', ms: leftMs, text: { zh: `剩余 ${s.zh}`, en: `${s.en} left` } };
};

/** Replaces the item with the same alert id (a live push), or adds it first; answers the new list. */
export const mergeHandlingItem = (items: readonly HandlingItem[], item: HandlingItem): HandlingItem[] =>
  items.some((i) => i.alertId === item.alertId) ? items.map((i) => (i.alertId === item.alertId ? item : i)) : [item, ...items];
