import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { AssessmentRankingResponse, AssessmentScoreItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t, type MessageKey } from '../i18n';
import { latestPeriodStart, monthLabel, periodLabel, rankingBars, trendOf } from '../assessment/assessment-view';
import { detached, h, StatusLine } from './dom';
import { errorText } from './panel';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const fmt = (value: number | undefined, digits = 2): string => (value === undefined ? '—' : value.toFixed(digits));

/**
 * 考核 (RULES.md §10, §15): the scores in the user's scope (the API scopes them: a company user
 * gets its own company only) — the trend of each rate over the months (ECharts), the ranking of
 * the companies, the companies whose 处理率 is below the line, and for the chosen subject each
 * indicator with how it was computed. XLSX export of the scores.
 */
export class AssessmentPanel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('assessment-status', (key) => key === 'assessment.error');
  private readonly subjectSelect = h('select', { 'data-testid': 'assessment-subject', onchange: () => this.render() });
  /** Monthly scores, or the rolling 7 days (computed daily). */
  private readonly periodSelect = h(
    'select',
    { 'data-testid': 'assessment-period', onchange: () => detached('assessment', this.load()) },
    h('option', { value: 'month', i18n: 'assessment.period.month' }),
    h('option', { value: 'rolling_7d', i18n: 'assessment.period.rolling_7d' }),
  );
  private readonly trendEl = h('div', { class: 'assessment-chart', 'data-testid': 'assessment-trend' });
  private readonly rankingEl = h('div', { class: 'assessment-chart', 'data-testid': 'assessment-ranking' });
  private readonly detail = h('table', { class: 'report-table', 'data-testid': 'assessment-detail' });
  private readonly below = h('ul', { class: 'assessment-below', 'data-testid': 'assessment-below' });
  private trend: echarts.ECharts | undefined;
  private ranking: echarts.ECharts | undefined;
  private items: AssessmentScoreItem[] = [];
  private rankingData: AssessmentRankingResponse | undefined;
  private loaded = false;

  constructor(private readonly api: Api) {
    this.el = h(
      'section',
      { class: 'reports assessment', hidden: true, 'data-testid': 'assessment' },
      h(
        'div',
        { class: 'report-form' },
        h('h3', { i18n: 'assessment.title' }),
        h('label', {}, h('span', { i18n: 'assessment.period' }), this.periodSelect),
        h('label', {}, h('span', { i18n: 'assessment.subject' }), this.subjectSelect),
        h('button', { type: 'button', class: 'primary', i18n: 'assessment.refresh', onclick: () => detached('assessment', this.load()) }),
        h('button', {
          type: 'button',
          i18n: 'assessment.export',
          'data-testid': 'assessment-export',
          onclick: () => detached('assessment export', this.download()),
        }),
      ),
      this.status.el,
      h(
        'div',
        { class: 'assessment-charts' },
        h('div', {}, h('h4', { i18n: 'assessment.trend' }), this.trendEl),
        h('div', {}, h('h4', { i18n: 'assessment.ranking' }), this.rankingEl),
      ),
      h('h4', { i18n: 'assessment.how' }),
      h('div', { class: 'report-scroll' }, this.detail),
      h('h4', { i18n: 'assessment.belowLine' }),
      this.below,
      h('p', { class: 'report-note', i18n: 'assessment.note' }),
    );
    onLangChange(() => this.render());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.loaded) await this.load();
    else this.render();
  }

  hide(): void {
    this.el.hidden = true;
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.status.set('assessment.loading');
    try {
      const periodKind = this.periodKind();
      [this.items, this.rankingData] = await Promise.all([this.api.assessmentScores({ periodKind }), this.api.assessmentRanking({ periodKind })]);
      this.status.set(this.items.length === 0 ? 'assessment.empty' : undefined);
    } catch (e) {
      this.items = [];
      this.rankingData = undefined;
      this.status.set('assessment.error', errorText(e));
    }
    this.fillSubjects();
    this.render();
  }

  /** Every subject in scope: platforms first (the region's own score), then companies. */
  private fillSubjects(): void {
    const chosen = this.subjectSelect.value;
    const subjects = new Map<string, string>();
    for (const i of [...this.items].sort((a, b) =>
      a.subjectKind === b.subjectKind ? a.subjectId.localeCompare(b.subjectId) : a.subjectKind === 'platform' ? -1 : 1,
    )) {
      subjects.set(
        `${i.subjectKind}:${i.subjectId}`,
        i.subjectKind === 'platform' ? `${t('assessment.platform')} ${i.subjectId}` : (i.subjectName ?? i.subjectId),
      );
    }
    this.subjectSelect.replaceChildren(...[...subjects].map(([value, label]) => h('option', { value }, label)));
    if (subjects.has(chosen)) this.subjectSelect.value = chosen;
  }

  private periodKind(): 'month' | 'rolling_7d' {
    return this.periodSelect.value === 'rolling_7d' ? 'rolling_7d' : 'month';
  }

  private subject(): { kind: AssessmentScoreItem['subjectKind']; id: string } | undefined {
    const [kind, ...rest] = this.subjectSelect.value.split(':');
    return kind === 'company' || kind === 'platform' ? { kind, id: rest.join(':') } : undefined;
  }

  private render(): void {
    if (this.el.hidden) return;
    for (const option of this.subjectSelect.options)
      if (option.value.startsWith('platform:')) option.textContent = `${t('assessment.platform')} ${option.value.slice(9)}`;
    const subject = this.subject();
    this.trend ??= echarts.init(this.trendEl);
    this.ranking ??= echarts.init(this.rankingEl);
    const trend = subject ? trendOf(this.items, subject, this.periodKind()) : { months: [], series: [], totals: [] };
    this.trend.setOption(
      {
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 48, right: 16, top: 40, bottom: 28 },
        xAxis: { type: 'category', data: trend.months },
        yAxis: { type: 'value', min: 0, max: 100, name: '%' },
        series: trend.series.map((s) => ({ name: t(`indicator.${s.code}` as MessageKey), type: 'line', data: s.values, connectNulls: false })),
      },
      { notMerge: true },
    );
    const periodStartMs = this.rankingData?.periodStartMs ?? latestPeriodStart(this.items);
    const bars = periodStartMs === undefined ? { names: [], scores: [] } : rankingBars(this.items, periodStartMs);
    this.ranking.setOption(
      {
        tooltip: { trigger: 'axis' },
        grid: { left: 120, right: 24, top: 16, bottom: 28 },
        xAxis: { type: 'value', min: 0, max: 100, name: t('assessment.total') },
        yAxis: { type: 'category', data: [...bars.names].reverse() },
        series: [{ name: t('assessment.total'), type: 'bar', data: [...bars.scores].reverse(), label: { show: true, position: 'right' } }],
      },
      { notMerge: true },
    );
    // What the charts draw, readable without the canvas (tests, assistive tools).
    this.trendEl.dataset.months = trend.months.join(',');
    this.rankingEl.dataset.companies = bars.names.join(',');
    this.rankingEl.setAttribute('aria-label', bars.names.map((name, i) => `${name} ${fmt(bars.scores[i])}`).join('; '));
    this.renderDetail(subject);
    const below = this.rankingData?.handlingBelowLine ?? [];
    this.below.replaceChildren(
      ...(below.length === 0
        ? [h('li', { i18n: 'assessment.noneBelow' })]
        : below.map((b) => h('li', {}, `${b.companyName}: ${t('assessment.handlingRate')} ${fmt(b.handlingRatePct)}% < ${fmt(b.linePct)}%`))),
    );
    this.trend.resize();
    this.ranking.resize();
  }

  /** The chosen subject's latest period: each indicator's numerator, denominator, rate, line, score. */
  private renderDetail(subject: { kind: string; id: string } | undefined): void {
    const latest = this.items
      .filter((i) => subject && i.subjectKind === subject.kind && i.subjectId === subject.id)
      .sort((a, b) => b.periodStartMs - a.periodStartMs)[0];
    if (!latest) {
      this.detail.replaceChildren();
      return;
    }
    const head = h(
      'tr',
      {},
      ...(['assessment.indicator', 'assessment.numerator', 'assessment.denominator', 'assessment.value', 'assessment.line', 'assessment.score'] as const).map(
        (k) => h('th', { i18n: k }),
      ),
    );
    const rows = latest.indicators.map((i) =>
      h(
        'tr',
        { class: i.score === 0 ? 'zero' : '', 'data-indicator': i.code },
        h('td', {}, t(`indicator.${i.code}` as MessageKey)),
        h('td', {}, i.code === 'fatigue' ? fmt(i.numerator / 3_600_000) : String(i.numerator)),
        h('td', {}, String(i.denominator)),
        h('td', {}, i.assessed ? `${fmt(i.value)}${i.regionalAverage === undefined ? '%' : ` (R ${fmt(i.regionalAverage)})`}` : t('assessment.notAssessed')),
        h('td', {}, t(`outcome.${i.outcome}` as MessageKey) + (i.thresholdPct === undefined ? '' : ` ${fmt(i.thresholdPct)}%`)),
        h('td', {}, `${fmt(i.score)} / ${i.weight}`),
      ),
    );
    const total = h(
      'tr',
      { class: 'total', 'data-testid': 'assessment-total' },
      h(
        'td',
        {},
        `${t('assessment.total')} · ${latest.periodKind === 'month' ? monthLabel(latest.periodStartMs) : periodLabel(latest.periodStartMs, latest.periodEndMs)}`,
      ),
      h('td', {}),
      h('td', {}),
      h('td', {}, latest.handlingRatePct === undefined ? '' : `${t('assessment.handlingRate')} ${fmt(latest.handlingRatePct)}%`),
      h('td', {}),
      h('td', {}, latest.assessed ? fmt(latest.totalScore) : t('assessment.notAssessed')),
    );
    this.detail.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows, total));
  }

  private async download(): Promise<void> {
    try {
      const blob = await this.api.assessmentXlsx();
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: 'assessment-scores.xlsx' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1_000);
    } catch (e) {
      this.status.set('assessment.error', errorText(e));
    }
  }
}
