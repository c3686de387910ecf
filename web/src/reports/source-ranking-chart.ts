import type { SourceUnitRankingResponse } from '@roadwatch/contracts';
import { t, type Lang } from '../i18n';
import { RANKING_LIMIT, type ReportChartOption } from './charts';

type RankRow = SourceUnitRankingResponse['rows'][number];

/** The bars of the ranking: most trips first (then by name, so equal counts do not swap between loads), the head of the list only. */
export const sourceUnitsForChart = (
  rows: readonly RankRow[],
  limit = RANKING_LIMIT,
): Array<{ name: string; trips: number; gradeA: number; confirmed: number }> =>
  [...rows]
    .filter((r) => r.trips > 0)
    .sort((a, b) => b.trips - a.trips || (a.siteName < b.siteName ? -1 : a.siteName > b.siteName ? 1 : 0))
    .slice(0, limit)
    .map((r) => ({ name: r.siteName, trips: r.trips, gradeA: r.gradeA, confirmed: r.confirmed }));

/** Source units by traced overload trips (RULES.md §13): grade-A proposals and confirmed traces as two stacked bars. */
export const sourceUnitRankingOption = (rows: readonly RankRow[], language?: Lang): ReportChartOption => {
  const ranked = sourceUnitsForChart(rows);
  return {
    animation: false,
    title: {
      text: t('ranking.trips', language),
      left: 'center',
      textStyle: { fontSize: 14 },
      ...(ranked.length === 0 ? { subtext: t('ranking.empty', language), subtextStyle: { fontSize: 13 } } : {}),
    },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 48, top: ranked.length === 0 ? 56 : 40, bottom: 28, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: ranked.map((r) => r.name) },
    series: [
      // A confirmed grade-A trace counts once: the trips are the grade-A proposals still open plus every confirmed one.
      { type: 'bar', stack: 'trips', name: t('ranking.confirmed', language), data: ranked.map((r) => r.confirmed) },
      {
        type: 'bar',
        stack: 'trips',
        name: t('ranking.gradeA', language),
        data: ranked.map((r) => r.trips - r.confirmed),
        label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => String(ranked[p.dataIndex]?.trips ?? '') },
      },
    ],
  };
};
