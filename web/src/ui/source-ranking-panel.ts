import type { PossibleLoadingPointsResponse, SourceUnitRankingResponse } from '@roadwatch/contracts';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { MiniMap } from '../map/mini-map';
import { defaultReportDates, reportRangeOf } from '../reports/company-report';
import { sourceUnitRankingOption, sourceUnitsForChart } from '../reports/source-ranking-chart';
import { detached, fmtTime, h, queryForm, saveBlob, StatusLine } from './dom';
import { errorText } from './panel';

use([BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

const GRADE_C_LAYER = 'grade-c-points';

/**
 * 源头排名 (issue #15 item 3; RULES.md §13): 货运源头单位 ranked by traced overload trips in a
 * range of local days — a bar chart (ECharts) and the table, CSV/XLSX from the API's one table
 * export — and beside it a map of the grade-C stops (possible unregistered loading points),
 * toggled on and off. Capability `source_traces` (never a company's: the list names others).
 */
export class SourceRankingPanel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('ranking-status', (key) => key === 'ranking.error' || key.startsWith('report.range'));
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly table = h('table', { class: 'report-table', 'data-testid': 'ranking-table' });
  private readonly chartBox = h('div', { class: 'report-chart', 'data-testid': 'ranking-chart' });
  private readonly mapEl = h('div', { class: 'sites-map', 'data-testid': 'grade-c-map' });
  private readonly gradeC = h('input', { type: 'checkbox', checked: true, 'data-testid': 'layer-grade-c', onchange: () => this.applyLayer() });
  private readonly gradeCCount = h('span', { 'data-testid': 'grade-c-count' });
  private chart: ECharts | undefined;
  private mini: MiniMap | undefined;
  private ranking: SourceUnitRankingResponse | undefined;
  private points: PossibleLoadingPointsResponse['items'] = [];
  private loaded = false;

  constructor(
    private readonly api: Api,
    nowMs: () => number,
  ) {
    const dates = defaultReportDates(nowMs());
    this.from = h('input', { type: 'date', name: 'from', value: dates.from, 'data-testid': 'ranking-from' });
    this.to = h('input', { type: 'date', name: 'to', value: dates.to, 'data-testid': 'ranking-to' });
    const exportButton = (format: 'csv' | 'xlsx') =>
      h('button', {
        type: 'button',
        i18n: `ranking.${format}`,
        'data-testid': `ranking-${format}`,
        onclick: () => detached('ranking export', this.download(format)),
      });
    this.el = h(
      'section',
      { class: 'reports source-ranking', hidden: true, 'data-testid': 'source-ranking' },
      h('h3', { i18n: 'ranking.title' }),
      h('p', { class: 'report-note', i18n: 'ranking.note' }),
      queryForm(
        'ranking',
        () => this.load(),
        h('label', {}, h('span', { i18n: 'ranking.from' }), this.from),
        h('label', {}, h('span', { i18n: 'ranking.to' }), this.to),
        h('button', { type: 'submit', class: 'primary', i18n: 'ranking.query', 'data-testid': 'ranking-query' }),
        exportButton('csv'),
        exportButton('xlsx'),
      ),
      this.status.el,
      h(
        'div',
        { class: 'sites-layout' },
        h('div', { class: 'report-scroll sites-list' }, this.chartBox, this.table),
        h(
          'div',
          { class: 'sites-editor' },
          h('label', { class: 'layer-toggle' }, this.gradeC, h('span', { i18n: 'ranking.gradeC' }), ' ', this.gradeCCount),
          this.mapEl,
        ),
      ),
    );
    onLangChange(() => this.render());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.mini) this.mini = new MiniMap(this.mapEl);
    this.mini.map.resize();
    if (!this.loaded) await this.load();
  }

  hide(): void {
    this.el.hidden = true;
  }

  private range(): { fromMs: number; toMs: number } | undefined {
    const r = reportRangeOf(this.from.value, this.to.value);
    if (r.ok) return r;
    this.status.set({ invalid: 'report.rangeInvalid', order: 'report.rangeOrder', tooLong: 'report.rangeTooLong' }[r.error]);
    return undefined;
  }

  async load(): Promise<void> {
    const r = this.range();
    if (!r) return;
    this.loaded = true;
    this.status.set('ranking.loading');
    try {
      const [ranking, points] = await Promise.all([this.api.sourceUnitRanking(r.fromMs, r.toMs), this.api.possibleLoadingPoints(r.fromMs, r.toMs)]);
      this.ranking = ranking;
      this.points = points.items;
      this.status.set(ranking.rows.length === 0 ? 'ranking.empty' : undefined);
    } catch (e) {
      this.status.set('ranking.error', errorText(e));
    }
    this.render();
  }

  private async download(format: 'csv' | 'xlsx'): Promise<void> {
    const r = this.range();
    if (!r) return;
    try {
      saveBlob(await this.api.sourceUnitRankingFile(format, r.fromMs, r.toMs, lang()), `source-ranking_${this.from.value}_${this.to.value}.${format}`);
    } catch (e) {
      this.status.set('ranking.error', errorText(e));
    }
  }

  private render(): void {
    const rows = this.ranking?.rows ?? [];
    this.table.replaceChildren(
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['ranking.rank', 'ranking.site', 'ranking.company', 'ranking.trips', 'ranking.gradeA', 'ranking.confirmed', 'ranking.last'].map((key) =>
            h('th', { i18n: key }),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...rows.map((r, i) =>
          h(
            'tr',
            { 'data-testid': `ranking-row-${r.sourceSiteId}` },
            h('td', {}, String(i + 1)),
            h('td', {}, r.siteName),
            h('td', {}, r.companyName ?? r.companyId ?? '—'),
            h('td', {}, String(r.trips)),
            h('td', {}, String(r.gradeA)),
            h('td', {}, String(r.confirmed)),
            h('td', {}, fmtTime(r.lastWeighedAtMs)),
          ),
        ),
      ),
    );
    if (!this.el.hidden) {
      this.chart ??= init(this.chartBox, undefined, { renderer: 'canvas' });
      this.chart.setOption(sourceUnitRankingOption(rows, lang()), { notMerge: true });
      this.chartBox.dataset.bars = String(sourceUnitsForChart(rows).length);
    }
    this.gradeCCount.textContent = `${t('ranking.gradeCCount')}：${this.points.length}`;
    this.drawPoints();
  }

  /** The grade-C stops as red dots with the plate and dwell; framed on load. */
  private drawPoints(): void {
    const mini = this.mini;
    if (!mini) return;
    mini.whenLoaded(() => {
      mini.setFeatures(
        GRADE_C_LAYER,
        this.points.map((p) => ({
          type: 'Feature',
          properties: { plate: p.plate, heldMin: Math.round(p.heldMs / 60_000) },
          geometry: { type: 'Point', coordinates: [p.longitudeDeg, p.latitudeDeg] },
        })),
      );
      if (!mini.map.getLayer(GRADE_C_LAYER))
        mini.map.addLayer({
          id: GRADE_C_LAYER,
          type: 'circle',
          source: GRADE_C_LAYER,
          paint: { 'circle-radius': 7, 'circle-color': '#d32f2f', 'circle-opacity': 0.8, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
        });
      this.applyLayer();
      mini.fit(
        this.points.map((p) => [p.longitudeDeg, p.latitudeDeg] as const),
        13,
      );
    });
  }

  private applyLayer(): void {
    const map = this.mini?.map;
    if (map?.getLayer(GRADE_C_LAYER)) map.setLayoutProperty(GRADE_C_LAYER, 'visibility', this.gradeC.checked ? 'visible' : 'none');
    this.mapEl.dataset.gradeC = this.gradeC.checked ? 'visible' : 'hidden';
  }
}
