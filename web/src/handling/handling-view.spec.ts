import { describe, expect, it } from 'vitest';
import type { HandlingItem } from '@roadwatch/contracts';
import { deadlineViewOf, mergeHandlingItem } from './handling-view';

const DEADLINE = Date.UTC(2026, 11, 6, 2, 30, 0);
const item = (patch: Partial<HandlingItem> = {}): Pick<HandlingItem, 'deadlineAtMs' | 'overdue' | 'state' | 'withdrawn' | 'appealState'> => ({
  deadlineAtMs: DEADLINE,
  overdue: false,
  state: 'notified',
  withdrawn: false,
  appealState: null,
  ...patch,
});

describe('the deadline countdown of the 待处理 list', () => {
  it('counts down in the largest units, Chinese and English', () => {
    expect(deadlineViewOf(item(), DEADLINE - (29 * 60_000 + 5_000))).toEqual({
      kind: 'left',
      ms: 29 * 60_000 + 5_000,
      text: { zh: '剩余 29分5秒', en: '29 min 5 s left' },
    });
    expect(deadlineViewOf(item(), DEADLINE - (23 * 3_600_000 + 59 * 60_000))).toMatchObject({ text: { zh: '剩余 23小时59分', en: '23 h 59 min left' } });
    expect(deadlineViewOf(item(), DEADLINE - 2 * 86_400_000)).toMatchObject({ text: { zh: '剩余 2天0小时', en: '2 d 0 h left' } });
  });

  it('at the deadline it is still on time (0 s left); a millisecond past it is overdue, in red', () => {
    expect(deadlineViewOf(item(), DEADLINE)).toMatchObject({ kind: 'left', ms: 0, text: { zh: '剩余 0秒' } });
    expect(deadlineViewOf(item(), DEADLINE + 1)).toMatchObject({ kind: 'overdue', ms: 1 });
    expect(deadlineViewOf(item(), DEADLINE + 5 * 60_000)).toMatchObject({ text: { zh: '已超时 5分0秒', en: 'overdue by 5 min 0 s' } });
  });

  it("the server's overdue wins over a local clock that runs behind", () => {
    expect(deadlineViewOf(item({ overdue: true }), DEADLINE - 60_000)).toEqual({ kind: 'overdue', ms: 0, text: { zh: '已超时', en: 'overdue' } });
  });

  it('handled, withdrawn, appeal pending or accepted, and pre-warnings (no deadline) count nothing', () => {
    for (const patch of [
      { state: 'handled' as const },
      { withdrawn: true },
      { appealState: 'pending' as const },
      { appealState: 'accepted' as const },
      { deadlineAtMs: null },
    ])
      expect(deadlineViewOf(item(patch), DEADLINE + 1)).toEqual({ kind: 'none' });
    expect(deadlineViewOf(item({ appealState: 'rejected' }), DEADLINE + 1).kind).toBe('overdue');
  });

  it('a live push replaces its item in place or comes first', () => {
    const a = { alertId: 'A', state: 'notified' } as HandlingItem;
    const b = { alertId: 'B', state: 'notified' } as HandlingItem;
    expect(mergeHandlingItem([a, b], { ...b, state: 'handled' }).map((i) => `${i.alertId}:${i.state}`)).toEqual(['A:notified', 'B:handled']);
    expect(mergeHandlingItem([a], b).map((i) => i.alertId)).toEqual(['B', 'A']);
  });
});
