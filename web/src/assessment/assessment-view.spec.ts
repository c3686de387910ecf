import { describe, expect, it } from 'vitest';
import type { AssessmentScoreItem } from '@roadwatch/contracts';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { latestPeriodStart, periodLabel, rankingBars, trendOf } from './assessment-view';

const month = (m: number) => chinaLocalToEpochMs(2026, m, 1);
const item = (subjectId: string, m: number, totalScore: number | undefined, online?: number): AssessmentScoreItem => ({
  subjectKind: 'company',
  subjectId,
  subjectName: `公司${subjectId}`,
  periodKind: 'month',
  periodStartMs: month(m),
  periodEndMs: month(m + 1),
  assessed: totalScore !== undefined,
  totalScore,
  anyIndicatorZero: false,
  indicators: [
    online === undefined
      ? { code: 'online', numerator: 0, denominator: 0, outcome: 'not_assessed', assessed: false, thresholdHit: false, weight: 5, score: 5 }
      : { code: 'online', numerator: 1, denominator: 1, value: online, outcome: 'weighted', assessed: true, thresholdHit: false, weight: 5, score: 5 },
  ],
});

describe('the 考核 page’s chart data', () => {
  it('trends one subject oldest first (local months, whatever the order given); a month not assessed is a gap', () => {
    const trend = trendOf([item('A', 11, 90, 99.5), item('B', 10, 80, 50), item('A', 9, 85), item('A', 10, 88, 97)], { kind: 'company', id: 'A' });
    expect(trend.months).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(trend.series.find((s) => s.code === 'online')?.values).toEqual([null, 97, 99.5]);
    expect(trend.series.find((s) => s.code === 'drift')?.values).toEqual([null, null, null]);
    expect(trend.totals).toEqual([85, 88, 90]);
  });
  it('ranks one period’s assessed companies best first, ties by id', () => {
    const items = [item('B', 11, 80), item('A', 11, 80), item('C', 11, 95), item('D', 11, undefined), item('E', 10, 99)];
    expect(rankingBars(items, month(11))).toEqual({ names: ['公司C', '公司A', '公司B'], scores: [95, 80, 80] });
    expect(latestPeriodStart(items)).toBe(month(11));
    expect(latestPeriodStart([])).toBeUndefined();
  });
  it('labels a rolling 7 days by its local days, the exclusive end’s day left out', () => {
    expect(periodLabel(chinaLocalToEpochMs(2026, 11, 29), chinaLocalToEpochMs(2026, 12, 6))).toBe('11-29–12-05');
    const rolling = {
      ...item('A', 11, 90, 99),
      periodKind: 'rolling_7d' as const,
      periodStartMs: chinaLocalToEpochMs(2026, 11, 29),
      periodEndMs: chinaLocalToEpochMs(2026, 12, 6),
    };
    expect(trendOf([rolling, item('A', 11, 90, 98)], { kind: 'company', id: 'A' }, 'rolling_7d').months).toEqual(['11-29–12-05']);
  });
});
