import type { CompanyReportRow } from '@roadwatch/contracts';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { chinaDateOf } from '@roadwatch/domain';
import type { ReportChartsResponse } from '@roadwatch/contracts';
import { defaultReportDates, midnightOf, REPORT_COLUMNS, reportRangeOf, scoresZero } from '../reports/company-report';
import { detached, h, queryForm, saveBlob, StatusLine } from './dom';
import type { ReportCharts } from './report-charts';
import { errorText, Panel } from './panel';

/** What the signed-in user may do on the page besides reading it. */
export interface ReportsPanelOptions {
  /** The monthly 通报 (capability `reports.notice`: operators, admin). */
  notice?: boolean;
  /** A region filter for the charts (not for company users: their scope is one company). */
  regionFilter?: boolean;
}

/**
 * 报表: one row per company in the user's scope over a range of local days (the API
 * scopes it: a company user gets its own row only). Rates that score zero in the
 * 联网联控 assessment are marked.
 */
export class ReportsPanel extends Panel {
  readonly el: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly status = new StatusLine('report-status', (key) => key === 'report.error' || key === 'report.exportError' || key.startsWith('report.range'));
  private readonly table = h('table', { class: 'report-table', 'data-testid': 'report-table' });
  private readonly exportBtn: HTMLButtonElement;
  private readonly exportXlsxBtn: HTMLButtonElement;
  private readonly companyFilter: HTMLSelectElement;
  private readonly regionFilter: HTMLInputElement;
  /** ECharts is loaded with the page's first charts, not with the map: most sessions never open 报表. */
  private readonly chartsHost = h('div', { class: 'report-charts-host' });
  private chartsView: Promise<ReportCharts> | undefined;
  private rows: CompanyReportRow[] | undefined;
  private chartData: ReportChartsResponse | undefined;

  constructor(
    private readonly api: Api,
    nowMs: () => number = Date.now,
    options: ReportsPanelOptions = {},
  ) {
    super('first show');
    const dates = defaultReportDates(nowMs());
    this.from = h('input', { type: 'date', name: 'from', value: dates.from, 'data-testid': 'report-from' });
    this.to = h('input', { type: 'date', name: 'to', value: dates.to, 'data-testid': 'report-to' });
    this.exportBtn = h('button', {
      type: 'button',
      i18n: 'report.exportCsv',
      disabled: true,
      'data-testid': 'report-export',
      onclick: () => detached('report-export', this.download('csv')),
    });
    this.exportXlsxBtn = h('button', {
      type: 'button',
      i18n: 'report.exportXlsx',
      disabled: true,
      'data-testid': 'report-export-xlsx',
      onclick: () => detached('report-export', this.download('xlsx')),
    });
    this.companyFilter = h('select', { name: 'companyId', 'data-testid': 'report-company', onchange: () => detached('report-charts', this.loadCharts()) });
    this.regionFilter = h('input', {
      type: 'text',
      name: 'regionCode',
      inputmode: 'numeric',
      pattern: '\\d{1,12}',
      size: 8,
      'data-testid': 'report-region',
      onchange: () => detached('report-charts', this.loadCharts()),
    });
    this.el = h(
      'section',
      { class: 'reports', hidden: true, 'data-testid': 'reports' },
      queryForm(
        'reports',
        () => this.load(),
        h('h3', { i18n: 'report.title' }),
        h('label', {}, h('span', { i18n: 'report.from' }), this.from),
        h('label', {}, h('span', { i18n: 'report.to' }), this.to),
        h('button', { type: 'submit', class: 'primary', i18n: 'report.query' }),
        this.exportBtn,
        this.exportXlsxBtn,
        h('label', {}, h('span', { i18n: 'report.companyFilter' }), this.companyFilter),
        options.regionFilter ? h('label', {}, h('span', { i18n: 'report.regionFilter' }), this.regionFilter) : undefined,
        options.notice ? this.noticeForm(nowMs()) : undefined,
      ),
      this.status.el,
      this.chartsHost,
      h('div', { class: 'report-scroll' }, this.table),
      h('p', { class: 'report-note', i18n: 'report.floorNote' }),
    );
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.loaded = true;
    const range = reportRangeOf(this.from.value, this.to.value);
    if (!range.ok) {
      this.status.set(range.error === 'order' ? 'report.rangeOrder' : range.error === 'tooLong' ? 'report.rangeTooLong' : 'report.rangeInvalid');
      return;
    }
    this.status.set('report.loading');
    try {
      const [rows, charts] = await Promise.all([
        this.api.companyReport(range.fromMs, range.toMs),
        this.api.reportCharts(range.fromMs, range.toMs, this.filter()),
      ]);
      this.rows = rows;
      this.chartData = charts;
      this.status.set(this.rows.length === 0 ? 'report.empty' : undefined);
    } catch (e) {
      this.rows = undefined;
      this.chartData = undefined;
      this.status.set('report.error', errorText(e));
    }
    this.render();
  }

  /** The charts again for another company or region (the table stays: it lists every company in scope). */
  private async loadCharts(): Promise<void> {
    const range = reportRangeOf(this.from.value, this.to.value);
    if (!range.ok) return;
    try {
      this.chartData = await this.api.reportCharts(range.fromMs, range.toMs, this.filter());
    } catch (e) {
      this.chartData = undefined;
      this.status.set('report.error', errorText(e));
    }
    this.showCharts();
  }

  private showCharts(): void {
    this.chartsView ??= import('./report-charts').then(({ ReportCharts: Charts }) => {
      const view = new Charts();
      this.chartsHost.replaceChildren(view.el);
      return view;
    });
    detached(
      'report-charts',
      this.chartsView.then((view) => view.show(this.chartData, this.rows ?? [])),
    );
  }

  private filter(): { companyId?: string; regionCode?: string } {
    const regionCode = this.regionFilter.value.trim();
    return {
      ...(this.companyFilter.value ? { companyId: this.companyFilter.value } : {}),
      ...(/^\d{1,12}$/.test(regionCode) ? { regionCode } : {}),
    };
  }

  /** The company choice lists the companies of the table, keeping the one chosen when it is still there. */
  private fillCompanies(rows: readonly CompanyReportRow[]): void {
    const chosen = this.companyFilter.value;
    this.companyFilter.replaceChildren(
      h('option', { value: '', i18n: 'report.allCompanies' }),
      ...rows.map((r) => h('option', { value: r.companyId, selected: r.companyId === chosen }, r.companyName ?? r.companyId)),
    );
    this.companyFilter.value = rows.some((r) => r.companyId === chosen) ? chosen : '';
  }

  /** 月度通报: a month (the last one by default) and, optionally, a part of the caller's region. */
  private noticeForm(nowMs: number): HTMLElement {
    const lastMonth = chinaDateOf((midnightOf(`${chinaDateOf(nowMs).slice(0, 7)}-01`) ?? nowMs) - 1).slice(0, 7);
    const month = h('input', { type: 'month', name: 'month', value: lastMonth, 'data-testid': 'notice-month' });
    const region = h('input', { type: 'text', name: 'noticeRegion', inputmode: 'numeric', size: 8, 'data-testid': 'notice-region' });
    const download = async (): Promise<void> => {
      try {
        const regionCode = region.value.trim();
        saveBlob(await this.api.monthlyNotice(month.value, regionCode || undefined), `notice_${regionCode || 'region'}_${month.value}.xlsx`);
      } catch (e) {
        this.status.set('report.exportError', errorText(e));
      }
    };
    return h(
      'fieldset',
      { class: 'report-notice', 'data-testid': 'report-notice' },
      h('legend', { i18n: 'report.notice' }),
      h('label', {}, h('span', { i18n: 'report.noticeMonth' }), month),
      h('label', {}, h('span', { i18n: 'report.noticeRegion' }), region),
      h('button', { type: 'button', i18n: 'report.noticeDownload', 'data-testid': 'notice-download', onclick: () => detached('notice', download()) }),
    );
  }

  private render(): void {
    this.status.refresh();
    const rows = this.rows ?? [];
    this.exportBtn.disabled = rows.length === 0;
    this.exportXlsxBtn.disabled = rows.length === 0;
    this.fillCompanies(rows);
    this.showCharts();
    const head = h('tr', {}, ...REPORT_COLUMNS.map((c) => h('th', { 'data-col': c.key }, t(c.key))));
    const body = rows.map((r) =>
      h(
        'tr',
        { 'data-company-id': r.companyId },
        ...REPORT_COLUMNS.map((c) => {
          const zero = c.rate !== undefined && scoresZero(c.rate, r[c.rate]);
          return h('td', { 'data-col': c.key, class: zero ? 'below-floor' : undefined, title: zero ? t('report.belowFloor') : undefined }, c.cell(r, lang()));
        }),
      ),
    );
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
  }

  /** The table as the API's CSV or XLSX file (the same rows; headers in the page's language). */
  private async download(format: 'csv' | 'xlsx'): Promise<void> {
    const range = reportRangeOf(this.from.value, this.to.value);
    if (!range.ok || !this.rows || this.rows.length === 0) return;
    try {
      saveBlob(await this.api.companyReportFile(format, range.fromMs, range.toMs, lang()), `company-report_${this.from.value}_${this.to.value}.${format}`);
    } catch (e) {
      this.status.set('report.exportError', errorText(e));
    }
  }
}
