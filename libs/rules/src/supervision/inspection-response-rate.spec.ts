import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, MINUTE_MS } from '@roadwatch/domain';
import { inspectionMonthOf, inspectionResponseRate, inspectionResponseRates, isAnsweredInTime, type InspectionAddressed } from './inspection-response-rate';

const at = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => chinaLocalToEpochMs(y, mo, d, h, mi, s);

const addressed = (inspectionId: string, companyId: string, windowEndsAtMs: number, answeredAtMs?: number): InspectionAddressed => ({
  inspectionId,
  companyId,
  windowEndsAtMs,
  answeredAtMs,
});

describe('查岗响应率 (RULES §9, §15)', () => {
  const end = at(2026, 3, 10, 9, 10);

  it('the window is inclusive: an answer at its very end is in time, one millisecond later is late', () => {
    expect(isAnsweredInTime(end, end)).toBe(true);
    expect(isAnsweredInTime(end - 1, end)).toBe(true);
    expect(isAnsweredInTime(end + 1, end)).toBe(false);
    expect(isAnsweredInTime(undefined, end)).toBe(false);
  });

  it('answered in time ÷ sent, the late answer and the unanswered one counting against it', () => {
    const r = inspectionResponseRate(
      [addressed('i1', 'C1', end, end), addressed('i2', 'C1', end, end + 1), addressed('i3', 'C1', end), addressed('i4', 'C1', end, end - 5 * MINUTE_MS)],
      'C1',
      '2026-03',
    );
    expect(r).toEqual({ companyId: 'C1', month: '2026-03', sent: 4, answeredInTime: 2, rate: 0.5, assessed: true });
  });

  it('nothing sent: not assessed, no rate (not 0, not 100 %)', () => {
    const r = inspectionResponseRate([addressed('i1', 'C2', end, end)], 'C1', '2026-03');
    expect(r).toEqual({ companyId: 'C1', month: '2026-03', sent: 0, answeredInTime: 0, assessed: false });
    expect(r.rate).toBeUndefined();
  });

  it('a window ending 00:00:00 local on the 1st belongs to the new month; one ending a millisecond before to the old', () => {
    const midnight = at(2026, 4, 1);
    expect(inspectionMonthOf(midnight)).toBe('2026-04');
    expect(inspectionMonthOf(midnight - 1)).toBe('2026-03');
    // 2026-03-31 16:00 UTC is 2026-04-01 00:00 in China: the month is the local one, not UTC's.
    expect(new Date(midnight).toISOString()).toBe('2026-03-31T16:00:00.000Z');
    const sentBefore = [addressed('a', 'C1', midnight, midnight), addressed('b', 'C1', midnight - 1)];
    expect(inspectionResponseRate(sentBefore, 'C1', '2026-04')).toMatchObject({ sent: 1, answeredInTime: 1, rate: 1 });
    expect(inspectionResponseRate(sentBefore, 'C1', '2026-03')).toMatchObject({ sent: 1, answeredInTime: 0, rate: 0 });
  });

  it('counts in the month the window ends, not the month it was sent or answered', () => {
    // Sent 23:55 on 31 March with a 10-minute window: it ends in April, answered in April in time.
    const windowEnd = at(2026, 4, 1, 0, 5);
    const r = [addressed('x', 'C1', windowEnd, at(2026, 3, 31, 23, 58))];
    expect(inspectionResponseRate(r, 'C1', '2026-03').assessed).toBe(false);
    expect(inspectionResponseRate(r, 'C1', '2026-04')).toMatchObject({ sent: 1, answeredInTime: 1 });
  });

  it('once per company addressed: the same recipient twice is one 查岗, its answer counted once; another company addressed by the same 查岗 is its own', () => {
    const rows = [addressed('i1', 'C1', end), addressed('i1', 'C1', end, end), addressed('i1', 'C2', end)];
    expect(inspectionResponseRate(rows, 'C1', '2026-03')).toMatchObject({ sent: 1, answeredInTime: 1, rate: 1 });
    expect(inspectionResponseRate(rows, 'C2', '2026-03')).toMatchObject({ sent: 1, answeredInTime: 0, rate: 0 });
  });

  it('the order of the rows does not matter, and every company and month is listed', () => {
    const rows = [
      addressed('i1', 'C2', end, end),
      addressed('i2', 'C1', at(2026, 4, 2), at(2026, 4, 2) + 1),
      addressed('i3', 'C1', end, end),
      addressed('i4', 'C1', end),
    ];
    const expected = [
      { companyId: 'C1', month: '2026-03', sent: 2, answeredInTime: 1, rate: 0.5, assessed: true },
      { companyId: 'C1', month: '2026-04', sent: 1, answeredInTime: 0, rate: 0, assessed: true },
      { companyId: 'C2', month: '2026-03', sent: 1, answeredInTime: 1, rate: 1, assessed: true },
    ];
    expect(inspectionResponseRates(rows)).toEqual(expected);
    expect(inspectionResponseRates([...rows].reverse())).toEqual(expected);
    expect(inspectionResponseRates([])).toEqual([]);
  });

  it('company ids are compared exactly (odd characters, no trimming or case folding)', () => {
    const rows = [addressed('i1', '公司 A', end, end), addressed('i2', '公司 a', end)];
    expect(inspectionResponseRate(rows, '公司 A', '2026-03')).toMatchObject({ sent: 1, rate: 1 });
    expect(inspectionResponseRate(rows, '公司 a', '2026-03')).toMatchObject({ sent: 1, rate: 0 });
  });
});
