import type { CompanyReportRow } from '@roadwatch/contracts';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { defaultReportDates, REPORT_COLUMNS, reportCsv, reportRangeOf, scoresZero } from '../reports/company-report';
import { detached, h, StatusLine } from './dom';

/**
 * 报表: one row per company in the user's scope over a range of local days (the API
 * scopes it: a company user gets its own row only). Rates that score zero in the
 * 联网联控 assessment are marked.
 */
export class ReportsPanel {
  readonly el: HTMLElement;
  private readonly from: HTMLInputElement;
  private readonly to: HTMLInputElement;
  private readonly status = new StatusLine('report-status', (key) => key === 'report.error' || key.startsWith('report.range'));
  private readonly table = h('table', { class: 'report-table', 'data-testid': 'report-table' });
  private readonly exportBtn: HTMLButtonElement;
  private rows: CompanyReportRow[] | undefined;
  private loaded = false;

  constructor(
    private readonly api: Api,
    nowMs: () => number = Date.now,
  ) {
    const dates = defaultReportDates(nowMs());
    this.from = h('input', { type: 'date', name: 'from', value: dates.from, 'data-testid': 'report-from' });
    this.to = h('input', { type: 'date', name: 'to', value: dates.to, 'data-testid': 'report-to' });
    this.exportBtn = h('button', { type: 'button', i18n: 'report.export', disabled: true, 'data-testid': 'report-export', onclick: () => this.download() });
    this.el = h(
      'section',
      { class: 'reports', hidden: true, 'data-testid': 'reports' },
      h(
        'form',
        {
          class: 'report-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            detached('reports', this.load());
          },
        },
        h('h3', { i18n: 'report.title' }),
        h('label', {}, h('span', { i18n: 'report.from' }), this.from),
        h('label', {}, h('span', { i18n: 'report.to' }), this.to),
        h('button', { type: 'submit', class: 'primary', i18n: 'report.query' }),
        this.exportBtn,
      ),
      this.status.el,
      h('div', { class: 'report-scroll' }, this.table),
      h('p', { class: 'report-note', i18n: 'report.floorNote' }),
    );
    onLangChange(() => this.render());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.loaded) await this.load();
  }

  hide(): void {
    this.el.hidden = true;
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
      this.rows = await this.api.companyReport(range.fromMs, range.toMs);
      this.status.set(this.rows.length === 0 ? 'report.empty' : undefined);
    } catch (e) {
      this.rows = undefined;
      this.status.set('report.error', e instanceof Error ? e.message : String(e));
    }
    this.render();
  }

  private render(): void {
    this.status.refresh();
    const rows = this.rows ?? [];
    this.exportBtn.disabled = rows.length === 0;
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

  /** A CSV file built in the browser from the rows on screen: nothing more is asked of the API. */
  private download(): void {
    if (!this.rows || this.rows.length === 0) return;
    const url = URL.createObjectURL(new Blob([reportCsv(this.rows, lang())], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: `company-report_${this.from.value}_${this.to.value}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  }
}
