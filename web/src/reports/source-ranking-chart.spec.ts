import { describe, expect, it } from 'vitest';
import { sourceUnitRankingOption, sourceUnitsForChart } from './source-ranking-chart';

const row = (siteName: string, gradeA: number, confirmed: number) => ({
  sourceSiteId: siteName,
  siteName,
  trips: gradeA + confirmed,
  gradeA,
  confirmed,
  lastWeighedAtMs: 0,
});

describe('the source-unit ranking chart', () => {
  it('most trips first, ties by name whatever order they came in, sites without trips left out, the head only', () => {
    const rows = [row('乙', 1, 1), row('甲', 0, 2), row('丙', 3, 0), row('丁', 0, 0)];
    expect(sourceUnitsForChart(rows).map((r) => r.name)).toEqual(['丙', '乙', '甲']);
    expect(sourceUnitsForChart([...rows].reverse()).map((r) => r.name)).toEqual(['丙', '乙', '甲']);
    expect(sourceUnitsForChart(rows, 2)).toHaveLength(2);
  });

  it('stacks confirmed and still-open grade-A trips so a bar is the trip count; an empty period says so', () => {
    const option = sourceUnitRankingOption([row('甲', 2, 3)], 'zh');
    const series = option.series as Array<{ data: number[] }>;
    expect(series.map((s) => s.data)).toEqual([[3], [2]]);
    expect((option.title as { subtext?: string }).subtext).toBeUndefined();
    expect((sourceUnitRankingOption([], 'en').title as { subtext?: string }).subtext).toBe('No traced trips in this period');
  });
});
