import type { CompanyReportRow, ReportChartsResponse } from '@roadwatch/contracts';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { lang, onLangChange, t } from '../i18n';
import {
  companyRankingOption,
  qualityTrendOption,
  RANKING_METRICS,
  violationsByHourOption,
  type RankingMetric,
  type ReportChartOption,
} from '../reports/charts';
import { h } from './dom';

// Only what the charts draw is bundled (tree-shaken ECharts): lines, bars, their axes and legends, on canvas.
type ChartName = 'trend' | 'hours' | 'ranking';

use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

/**
 * The reports page's three charts: quality trend, violations by hour, company ranking. Options
 * come from reports/charts.ts; this only owns the DOM, the ECharts instances and resizing.
 */
export class ReportCharts {
  readonly el: HTMLElement;
  private readonly boxes: Record<ChartName, HTMLDivElement>;
  private readonly charts = new Map<string, ECharts>();
  private readonly metric: HTMLSelectElement;
  private data: ReportChartsResponse | undefined;
  private rows: readonly CompanyReportRow[] = [];

  constructor() {
    const box = (name: string) => h('div', { class: 'report-chart', 'data-testid': `report-chart-${name}` });
    this.boxes = { trend: box('trend'), hours: box('hours'), ranking: box('ranking') };
    this.metric = h(
      'select',
      { 'data-testid': 'report-ranking-metric', onchange: () => this.render() },
      ...RANKING_METRICS.map((m) => h('option', { value: m, i18n: `chart.ranking.metric.${m}` })),
    );
    this.el = h(
      'div',
      { class: 'report-charts', 'data-testid': 'report-charts' },
      this.boxes.trend,
      this.boxes.hours,
      h(
        'div',
        { class: 'report-chart-wrap' },
        h('label', { class: 'report-chart-metric' }, h('span', { i18n: 'chart.ranking.metric' }), this.metric),
        this.boxes.ranking,
      ),
    );
    onLangChange(() => this.render());
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.charts.forEach((c) => c.resize())).observe(this.el);
  }

  /** The figures of the range and the company rows (the ranking reads the table's rows). */
  show(data: ReportChartsResponse | undefined, rows: readonly CompanyReportRow[]): void {
    this.data = data;
    this.rows = rows;
    this.render();
  }

  private render(): void {
    const language = lang();
    const data = this.data ?? { fromMs: 0, toMs: 0, days: [], violationsByHour: [] };
    this.draw('trend', qualityTrendOption(data.days, language));
    this.draw('hours', violationsByHourOption(data.violationsByHour, language));
    this.draw('ranking', companyRankingOption(this.rows, this.metric.value as RankingMetric, language));
    this.metric.title = t('chart.ranking.metric', language);
  }

  private draw(name: ChartName, option: ReportChartOption): void {
    // Hidden (the page not shown yet): ECharts cannot measure; the next show draws.
    if (this.el.isConnected === false) return;
    let chart = this.charts.get(name);
    if (!chart) {
      chart = init(this.boxes[name], undefined, { renderer: 'canvas' });
      this.charts.set(name, chart);
    }
    chart.setOption(option, { notMerge: true });
    // What the chart holds, for whoever checks the page (the browser test): its series and figures drawn.
    const series = (option.series as Array<{ data?: unknown[] }> | undefined) ?? [];
    this.boxes[name].dataset.series = String(series.length);
    this.boxes[name].dataset.points = String(series.reduce((n, s) => n + (s.data ?? []).filter((v) => v !== null && v !== 0).length, 0));
  }
}
