import { describe, expect, it } from 'vitest';
import type { InspectionItem } from '@roadwatch/contracts';
import { awaitingAnswer, clockOffsetMsOf, countdownOf, InspectionAsks, sendRequestOf } from './inspection-view';

const item = (inspectionId: string, windowEndsAtMs: number, answeredAtMs?: number, companyId = 'C1'): InspectionItem => ({
  inspectionId,
  question: '值班?',
  sentBy: 'op',
  sentAtMs: windowEndsAtMs - 600_000,
  windowMinutes: 10,
  addressing: 'companies',
  recipients: [
    { companyId, windowEndsAtMs, status: answeredAtMs === undefined ? 'open' : 'answered', ...(answeredAtMs !== undefined ? { answeredAtMs } : {}) },
  ],
  serverNowMs: windowEndsAtMs - 600_000,
});

describe('查岗 countdown', () => {
  const end = Date.UTC(2026, 2, 10, 1, 10);
  it('counts down to 00:00 at the window end (inclusive), then is over', () => {
    expect(countdownOf(end, end - 600_000)).toBe('10:00');
    expect(countdownOf(end, end - 59_001)).toBe('01:00');
    expect(countdownOf(end, end - 1)).toBe('00:01');
    expect(countdownOf(end, end)).toBe('00:00');
    expect(countdownOf(end, end + 1)).toBeNull();
    expect(countdownOf(end, end - 24 * 3_600_000)).toBe('24:00:00');
  });
  it("follows the server's clock, not a browser clock that runs 5 minutes fast", () => {
    const localNow = end - 300_000 + 300_000; // the browser believes it is 5 min later than it is
    const offset = clockOffsetMsOf({ serverNowMs: end - 300_000 }, localNow);
    expect(offset).toBe(-300_000);
    expect(countdownOf(end, localNow + offset)).toBe('05:00');
  });
});

describe('查岗 compose form', () => {
  it('sends to chosen companies with the default 10-minute window when left empty', () => {
    expect(sendRequestOf({ question: ' 在岗？ ', windowMinutes: '', addressing: 'companies', companyIds: ['C1', 'C2'] })).toEqual({
      ok: true,
      request: { question: '在岗？', addressing: 'companies', companyIds: ['C1', 'C2'], windowMinutes: 10 },
    });
  });
  it('to all in scope leaves the companies out, whatever boxes are ticked', () => {
    expect(sendRequestOf({ question: 'q', windowMinutes: '30', addressing: 'all', companyIds: ['C1'] })).toEqual({
      ok: true,
      request: { question: 'q', addressing: 'all', windowMinutes: 30 },
    });
  });
  it('names each refused field: empty question, no company, a window out of bounds or not whole, odd bytes', () => {
    expect(sendRequestOf({ question: '', windowMinutes: '0', addressing: 'companies', companyIds: [] })).toEqual({
      ok: false,
      fields: ['companyIds', 'question', 'windowMinutes'],
    });
    expect(sendRequestOf({ question: 'q', windowMinutes: '1441', addressing: 'all', companyIds: [] })).toEqual({ ok: false, fields: ['windowMinutes'] });
    expect(sendRequestOf({ question: 'q', windowMinutes: '2.5', addressing: 'all', companyIds: [] })).toEqual({ ok: false, fields: ['windowMinutes'] });
    expect(sendRequestOf({ question: 'q', windowMinutes: 'abc', addressing: 'all', companyIds: [] })).toEqual({ ok: false, fields: ['windowMinutes'] });
    expect(sendRequestOf({ question: 'a\u0000b', windowMinutes: '', addressing: 'all', companyIds: [] })).toEqual({ ok: false, fields: ['question'] });
  });
});

describe('查岗 awaiting the company', () => {
  it('lists its unanswered ones by window end, answered ones and other companies left out', () => {
    const items = [item('b', 3_000), item('a', 2_000), item('c', 1_000, 900), item('d', 500, undefined, 'C2'), item('e', 2_000)];
    expect(awaitingAnswer(items, 'C1').map((i) => i.inspectionId)).toEqual(['a', 'e', 'b']);
    expect(awaitingAnswer(items, 'C2').map((i) => i.inspectionId)).toEqual(['d']);
    expect(awaitingAnswer([], 'C1')).toEqual([]);
  });
});

describe('查岗 the prompt asks', () => {
  it('first the window ending first; an answered one is never asked again, even from a list read before the answer', () => {
    const asks = new InspectionAsks('C1');
    expect(asks.first).toBeUndefined();
    expect(asks.add(item('late', 5_000))).toBe(true);
    expect(asks.add(item('soon', 2_000))).toBe(true);
    expect(asks.first?.inspectionId).toBe('soon');
    asks.markAnswered('soon');
    expect(asks.first?.inspectionId).toBe('late');
    // The stale list (read before the answer) still has it open: not asked again.
    expect(asks.add(item('soon', 2_000))).toBe(false);
    expect(asks.first?.inspectionId).toBe('late');
    // Already answered in the list, or another company's: not asked.
    expect(asks.add(item('done', 1_000, 900))).toBe(false);
    expect(asks.add(item('theirs', 1_000, undefined, 'C2'))).toBe(false);
    // The same 查岗 twice (live and from the list) is asked once.
    expect(asks.add(item('late', 5_000))).toBe(true);
    asks.markAnswered('late');
    expect(asks.first).toBeUndefined();
  });
});
