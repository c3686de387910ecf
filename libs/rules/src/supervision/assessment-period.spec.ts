import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { chinaMonthOf, monthPeriod, previousMonth, rolling7DaysBefore } from './assessment-period';

describe('assessment periods (local GMT+8 calendar)', () => {
  it('a month runs from its first local midnight to the next month’s', () => {
    expect(monthPeriod('2026-11')).toEqual({ kind: 'month', startMs: chinaLocalToEpochMs(2026, 11, 1), endMs: chinaLocalToEpochMs(2026, 12, 1) });
    expect(monthPeriod('2026-12').endMs).toBe(chinaLocalToEpochMs(2027, 1, 1));
    expect(monthPeriod('2024-02').endMs - monthPeriod('2024-02').startMs).toBe(29 * 86_400_000);
  });
  it('00:00:00 local on the 1st belongs to the new month; a millisecond before to the old', () => {
    const midnight = chinaLocalToEpochMs(2026, 12, 1);
    expect(chinaMonthOf(midnight)).toBe('2026-12');
    expect(chinaMonthOf(midnight - 1)).toBe('2026-11');
    // 16:00 UTC on Nov 30 is already December 1st in China
    expect(chinaMonthOf(Date.UTC(2026, 10, 30, 16))).toBe('2026-12');
  });
  it('the previous month crosses the year', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
  });
  it('refuses what is not a month', () => {
    for (const text of ['2026-13', '2026-00', '2026-1', '', '２０２６-01']) expect(() => monthPeriod(text)).toThrow(RangeError);
  });
  it('rolling 7 days are the 7 whole local days before today', () => {
    const now = chinaLocalToEpochMs(2026, 12, 6, 0, 30);
    expect(rolling7DaysBefore(now)).toEqual({ kind: 'rolling_7d', startMs: chinaLocalToEpochMs(2026, 11, 29), endMs: chinaLocalToEpochMs(2026, 12, 6) });
  });
});
