import { describe, expect, it } from 'vitest';
import { checkAppeal, checkHandle, checkView, decideAppeal, isOverdue, type HandlingItemFacts } from './handling-workflow';

const MIN = 60_000;
const NOTIFIED = Date.UTC(2026, 2, 1, 1, 0, 0);
const DEADLINE = NOTIFIED + 30 * MIN;
const item = (patch: Partial<HandlingItemFacts> = {}): HandlingItemFacts => ({
  state: 'notified',
  due: true,
  withdrawn: false,
  deadlineAtMs: DEADLINE,
  firstNotifiedAtMs: NOTIFIED,
  appealState: null,
  appealFiledAtMs: null,
  ...patch,
});

describe('handling workflow (RULES §9, §15)', () => {
  it('viewing changes a notified item once; a second view changes nothing', () => {
    expect(checkView(item()).changed).toBe(true);
    expect(checkView(item({ state: 'viewed' })).changed).toBe(false);
    expect(checkView(item({ state: 'handled' })).changed).toBe(false);
  });

  it('handling: allowed from new, notified, viewed and after a rejected appeal; refused twice, while pending, after acceptance, when withdrawn', () => {
    for (const state of ['new', 'notified', 'viewed'] as const) expect(checkHandle(item({ state }))).toEqual({ ok: true });
    expect(checkHandle(item({ appealState: 'rejected' }))).toEqual({ ok: true });
    expect(checkHandle(item({ state: 'handled' }))).toEqual({ ok: false, reason: 'the alert is already handled' });
    expect(checkHandle(item({ appealState: 'pending' })).ok).toBe(false);
    expect(checkHandle(item({ appealState: 'accepted' })).ok).toBe(false);
    expect(checkHandle(item({ withdrawn: true })).ok).toBe(false);
  });

  it('appeal: once, never after handling or on a withdrawn alert', () => {
    expect(checkAppeal(item({ state: 'viewed' }))).toEqual({ ok: true });
    expect(checkAppeal(item({ state: 'handled' })).ok).toBe(false);
    expect(checkAppeal(item({ appealState: 'rejected' })).ok).toBe(false);
    expect(checkAppeal(item({ withdrawn: true })).ok).toBe(false);
  });

  it('a timely appeal rejected gives a fresh window of the same length from the rejection', () => {
    const decidedAt = DEADLINE + 3 * 60 * MIN;
    expect(decideAppeal(item({ appealState: 'pending', appealFiledAtMs: NOTIFIED + 10 * MIN }), 'rejected', decidedAt)).toEqual({
      ok: true,
      deadlineAtMs: decidedAt + 30 * MIN,
    });
  });

  it('an appeal filed exactly at the deadline is timely (the deadline is inclusive); one a millisecond later changes nothing', () => {
    const decidedAt = DEADLINE + 60 * MIN;
    expect(decideAppeal(item({ appealState: 'pending', appealFiledAtMs: DEADLINE }), 'rejected', decidedAt)).toEqual({
      ok: true,
      deadlineAtMs: decidedAt + 30 * MIN,
    });
    expect(decideAppeal(item({ appealState: 'pending', appealFiledAtMs: DEADLINE + 1 }), 'rejected', decidedAt)).toEqual({ ok: true, deadlineAtMs: DEADLINE });
  });

  it('accepting keeps the deadline (the alert leaves 处理率 instead); only a pending appeal can be decided', () => {
    expect(decideAppeal(item({ appealState: 'pending', appealFiledAtMs: NOTIFIED }), 'accepted', DEADLINE)).toEqual({ ok: true, deadlineAtMs: DEADLINE });
    expect(decideAppeal(item(), 'accepted', DEADLINE)).toEqual({ ok: false, reason: 'the alert has no appeal to decide' });
    expect(decideAppeal(item({ appealState: 'rejected' }), 'rejected', DEADLINE)).toEqual({ ok: false, reason: 'the appeal was already decided (rejected)' });
  });

  it('overdue only after the deadline (at the deadline is on time), not handled, no appeal pending or accepted, due and not withdrawn', () => {
    expect(isOverdue(item(), DEADLINE)).toBe(false);
    expect(isOverdue(item(), DEADLINE + 1)).toBe(true);
    expect(isOverdue(item({ state: 'viewed' }), DEADLINE + 1)).toBe(true);
    expect(isOverdue(item({ appealState: 'rejected' }), DEADLINE + 1)).toBe(true);
    expect(isOverdue(item({ state: 'handled' }), DEADLINE + 1)).toBe(false);
    expect(isOverdue(item({ appealState: 'pending' }), DEADLINE + 1)).toBe(false);
    expect(isOverdue(item({ appealState: 'accepted' }), DEADLINE + 1)).toBe(false);
    expect(isOverdue(item({ withdrawn: true }), DEADLINE + 1)).toBe(false);
    expect(isOverdue(item({ due: false, deadlineAtMs: null }), DEADLINE + 1)).toBe(false);
  });
});
