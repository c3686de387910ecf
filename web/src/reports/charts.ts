import type { CompanyReportRow, QualityTrendDay, ViolationsByHourCell } from '@roadwatch/contracts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { t, type Lang, type MessageKey } from '../i18n';

/**
 * The reports page's charts as ECharts options, built from the API's figures by pure functions
 * (the DOM and ECharts' instance live in ui/report-charts.ts): the trend of each data-quality
 * rate per day, violations by rule and local hour (stacked bars), and a ranking of companies.
 * Every label comes from the i18n dictionary, so a chart follows the language switch.
 */
export type ReportChartOption = ComposeOption<
  LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption | TooltipComponentOption
>;

type TrendRate = 'dataQualifiedRate' | 'trackCompleteness' | 'driftVehicleRate' | 'onlineRate';

/** The four rates of the trend, in the order of the legend. */
export const TREND_RATES: ReadonlyArray<{ key: TrendRate; label: MessageKey }> = [
  { key: 'dataQualifiedRate', label: 'chart.rate.dataQualified' },
  { key: 'trackCompleteness', label: 'chart.rate.trackCompleteness' },
  { key: 'driftVehicleRate', label: 'chart.rate.drift' },
  { key: 'onlineRate', label: 'chart.rate.online' },
];

/** A fraction as a percentage with 2 decimals (§15 shows rates so); null — a gap in the line — when absent. */
export const chartPercent = (rate: number | undefined): number | null =>
  rate === undefined || !Number.isFinite(rate) ? null : Math.round(rate * 10_000) / 100;

const percentText = (value: unknown): string => (typeof value === 'number' ? `${value.toFixed(2)}%` : '—');

/** Figures to read at a glance: drawn at once, not animated in (a screenshot or a print shows the whole chart). */
const STILL = { animation: false } as const;

/** A title, with "no data" under it when there is nothing to draw. */
const titleOf = (key: MessageKey, empty: boolean, language: Lang | undefined): TitleComponentOption => ({
  text: t(key, language),
  left: 'center',
  textStyle: { fontSize: 14 },
  ...(empty ? { subtext: t('chart.empty', language) } : {}),
});

export const qualityTrendOption = (days: readonly QualityTrendDay[], language?: Lang): ReportChartOption => {
  const empty = !days.some((d) => TREND_RATES.some((r) => d[r.key] !== undefined));
  return {
    ...STILL,
    title: titleOf('chart.trend.title', empty, language),
    tooltip: { trigger: 'axis', valueFormatter: percentText },
    legend: { bottom: 0, data: TREND_RATES.map((r) => t(r.label, language)) },
    grid: { left: 48, right: 16, top: empty ? 56 : 40, bottom: 48 },
    xAxis: { type: 'category', data: days.map((d) => d.day) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: TREND_RATES.map((r) => ({
      type: 'line',
      name: t(r.label, language),
      // A day without the figure is a gap, never a drop to zero.
      connectNulls: false,
      data: days.map((d) => chartPercent(d[r.key])),
    })),
  };
};

const HOURS = Array.from({ length: 24 }, (_, h) => h);
export const hourLabel = (hour: number, language?: Lang): string => ((language ?? 'zh') === 'zh' ? `${hour}时` : `${String(hour).padStart(2, '0')}:00`);

/** Stacked bars: one series per rule (most violations first, then by rule), 24 local hours on the axis. */
export const violationsByHourOption = (cells: readonly ViolationsByHourCell[], language?: Lang): ReportChartOption => {
  const totals = new Map<string, number>();
  for (const c of cells) totals.set(c.rule, (totals.get(c.rule) ?? 0) + c.count);
  const rules = [...totals.keys()].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  const empty = rules.length === 0;
  return {
    ...STILL,
    title: titleOf('chart.hours.title', empty, language),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0, data: rules.map((rule) => t(`rule.${rule}`, language)) },
    grid: { left: 48, right: 16, top: empty ? 56 : 40, bottom: 64 },
    xAxis: { type: 'category', name: t('chart.hours.axis', language), nameLocation: 'middle', nameGap: 28, data: HOURS.map((h) => hourLabel(h, language)) },
    yAxis: { type: 'value', name: t('chart.hours.count', language), minInterval: 1 },
    series: rules.map((rule) => {
      const byHour = new Array<number>(24).fill(0);
      for (const c of cells) if (c.rule === rule && c.hour >= 0 && c.hour < 24) byHour[c.hour] = (byHour[c.hour] ?? 0) + c.count;
      return { type: 'bar', name: t(`rule.${rule}`, language), stack: 'violations', data: byHour };
    }),
  };
};

export type RankingMetric = 'violationsPerVehicle' | 'trackCompleteness';
export const RANKING_METRICS: readonly RankingMetric[] = ['violationsPerVehicle', 'trackCompleteness'];

/** How many companies a ranking shows: the head of the list is what is read at a glance. */
export const RANKING_LIMIT = 15;

export interface RankedCompany {
  companyId: string;
  name: string;
  value: number;
}

/**
 * The companies in scope ranked by the metric: violations per vehicle, most first (companies
 * without vehicles left out: no rate); 轨迹完整率, lowest first (companies without the figure
 * left out). Ties by company id, so the order is stable.
 */
export const rankCompaniesForChart = (rows: readonly CompanyReportRow[], metric: RankingMetric, limit = RANKING_LIMIT): RankedCompany[] => {
  const valued = rows.flatMap((r): RankedCompany[] => {
    const value = metric === 'violationsPerVehicle' ? (r.vehicles > 0 ? r.violations / r.vehicles : undefined) : r.trackCompleteness;
    return value === undefined || !Number.isFinite(value) ? [] : [{ companyId: r.companyId, name: r.companyName ?? r.companyId, value }];
  });
  const direction = metric === 'violationsPerVehicle' ? -1 : 1;
  return valued.sort((a, b) => direction * (a.value - b.value) || (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0)).slice(0, limit);
};

export const companyRankingOption = (rows: readonly CompanyReportRow[], metric: RankingMetric, language?: Lang): ReportChartOption => {
  const ranked = rankCompaniesForChart(rows, metric);
  const percent = metric === 'trackCompleteness';
  return {
    ...STILL,
    title: titleOf(`chart.ranking.${metric}`, ranked.length === 0, language),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, ...(percent ? { valueFormatter: percentText } : {}) },
    grid: { left: 8, right: 48, top: ranked.length === 0 ? 56 : 40, bottom: 8, containLabel: true },
    xAxis: percent ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } } : { type: 'value' },
    // The first ranked on top.
    yAxis: { type: 'category', inverse: true, data: ranked.map((r) => r.name) },
    series: [
      {
        type: 'bar',
        name: t(`chart.ranking.metric.${metric}`, language),
        data: ranked.map((r) => (percent ? chartPercent(r.value) : Math.round(r.value * 100) / 100)),
        label: { show: true, position: 'right', ...(percent ? { formatter: '{c}%' } : {}) },
      },
    ],
  };
};
