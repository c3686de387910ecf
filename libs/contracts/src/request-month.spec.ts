import { describe, expect, it } from 'vitest';
import {
  assessmentRankingQuery,
  assessmentRecomputeRequest,
  assessmentRegionParam,
  assessmentScoreQuery,
  operatingVehiclesImportQuery,
} from './assessment.schema';
import { requestMonth } from './common.schema';
import { monthlyNoticeQuery, reportChartsQuery } from './report-charts.schema';

// One month and one division code for every request that names them (the 考核, the 通报, the 运政 import).
describe('requestMonth', () => {
  it.each(['2026-11', '2000-01', '2099-12', '2026-01', '2024-02'])('accepts %s', (month) => expect(requestMonth.parse(month)).toBe(month));

  it.each([
    ['2026-13', 'expected YYYY-MM'],
    ['2026-00', 'expected YYYY-MM'],
    ['2026-1', 'expected YYYY-MM'],
    ['2026-11-01', 'expected YYYY-MM'],
    [' 2026-11', 'expected YYYY-MM'],
    ['２０２６-11', 'expected YYYY-MM'],
    ['1999-12', 'must be between 2000-01 and 2099-12'],
    ['2100-01', 'must be between 2000-01 and 2099-12'],
    ['0000-01', 'must be between 2000-01 and 2099-12'],
    ['2026-11\u0000', 'NUL'],
  ])('refuses %j (%s)', (month, why) => {
    const result = requestMonth.safeParse(month);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toContain(why);
  });
});

describe('the requests that name a month or a region read them alike', () => {
  const monthOf = [
    (month: string) => monthlyNoticeQuery.safeParse({ month }),
    (month: string) => assessmentScoreQuery.safeParse({ fromMonth: month }),
    (month: string) => assessmentScoreQuery.safeParse({ toMonth: month }),
    (month: string) => assessmentRankingQuery.safeParse({ month }),
    (month: string) => operatingVehiclesImportQuery.safeParse({ month }),
    (month: string) => assessmentRecomputeRequest.safeParse({ month }),
  ];

  it('a month before 2000 or after 2099 is refused by each', () => {
    for (const parse of monthOf) {
      expect(parse('2026-11').success).toBe(true);
      expect(parse('1999-12').success).toBe(false);
      expect(parse('2100-01').success).toBe(false);
    }
  });

  it('a region is a 行政区划 code or prefix of 2–12 digits in each (a single digit spans provinces)', () => {
    const regionOf = [
      (regionCode: string) => monthlyNoticeQuery.safeParse({ month: '2026-11', regionCode }),
      (regionCode: string) => reportChartsQuery.safeParse({ fromMs: Date.UTC(2026, 10, 1), toMs: Date.UTC(2026, 10, 2), regionCode }),
      (regionCode: string) => assessmentRegionParam.safeParse({ regionCode }),
    ];
    for (const parse of regionOf) {
      expect(parse('44').success).toBe(true);
      expect(parse('440106').success).toBe(true);
      expect(parse('4').success).toBe(false);
      expect(parse('44%').success).toBe(false);
      expect(parse('1234567890123').success).toBe(false);
    }
  });
});
