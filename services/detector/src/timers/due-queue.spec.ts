import { describe, expect, it } from 'vitest';
import { DueQueue } from './due-queue';

describe('DueQueue — vehicles by due time', () => {
  it('takes out only what is due by the clock, each vehicle once, earliest first; ties and -Infinity included', () => {
    const q = new DueQueue();
    q.schedule('c', 300);
    q.schedule('a', 100);
    q.schedule('b', 100);
    q.schedule('armed', -Infinity);
    q.schedule('never', null);
    expect(q.takeDue(99)).toEqual(['armed']);
    expect(q.takeDue(99)).toEqual([]);
    expect(q.takeDue(100).sort()).toEqual(['a', 'b']);
    expect(q.takeDue(1_000)).toEqual(['c']);
    expect(q.takeDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('a later due time (a report moved the offline limit on) defers, an earlier one advances, null and forget cancel', () => {
    const q = new DueQueue();
    q.schedule('v', 100);
    q.schedule('v', 500);
    expect(q.takeDue(100)).toEqual([]);
    expect(q.takeDue(499)).toEqual([]);
    expect(q.takeDue(500)).toEqual(['v']);
    q.schedule('w', 500);
    q.schedule('w', 50);
    expect(q.takeDue(50)).toEqual(['w']);
    expect(q.takeDue(500)).toEqual([]);
    q.schedule('x', 10);
    q.schedule('x', null);
    q.schedule('y', 10);
    q.forget('y');
    expect(q.takeDue(1_000)).toEqual([]);
  });

  it('a due time rescheduled on every one of 10,000 reports keeps the heap at about one entry per vehicle', () => {
    const q = new DueQueue();
    for (let report = 0; report < 10_000; report++) for (const id of ['a', 'b', 'c']) q.schedule(id, 1_200_000 + report * 10_000);
    expect(q.entries).toBeLessThanOrEqual(6);
    expect(q.takeDue(1_200_000 + 9_999 * 10_000).sort()).toEqual(['a', 'b', 'c']);
  });
});
