import { alertRule, handlingMeasure, handlingState, type HandlingCounts, type HandlingItem, type HandlingLiveEvent } from '@roadwatch/contracts';
import { ApiHttpError, type Api } from '../api';
import { deadlineViewOf, mergeHandlingItem } from '../handling/handling-view';
import { lang, onLangChange, t } from '../i18n';
import { detached, fmtTime, h, queryForm, StatusLine } from './dom';
import { Panel } from './panel';

const summaryOf = (item: HandlingItem): string => (lang() === 'en' ? (item.summaryEn ?? item.summary) : item.summary) ?? t(`rule.${item.rule}`);
const stateText = (item: HandlingItem): string =>
  [t(`handling.state.${item.state}`), item.appealState ? t(`handling.appeal.${item.appealState}`) : undefined].filter(Boolean).join(' · ');
const failureText = (e: unknown): string => (e instanceof ApiHttpError ? e.message : String(e));

/** The deadline cell: the countdown, red once overdue (the class the page's style and the browser test read). */
const deadlineCell = (item: HandlingItem, nowMs: number): HTMLElement => {
  const view = deadlineViewOf(item, nowMs);
  const cell = h('td', { class: `deadline ${view.kind}`, 'data-testid': 'handling-deadline' });
  if (item.deadlineAtMs !== null) cell.append(h('span', { class: 'muted' }, fmtTime(item.deadlineAtMs)), ' ');
  if (view.kind !== 'none') cell.append(h('strong', {}, view.text[lang()]));
  return cell;
};

/**
 * 待处理 (RULES.md §9), for company users (capability `handling`): the alerts of the company's
 * vehicles with their deadline counting down (overdue in red), filters by state, rule and
 * overdue, and the steps — view (records who and when), handle (measure and comment; 误报 is
 * handling), appeal (reason). New items arrive live; the API refuses what the workflow does
 * not allow, and the refusal is shown where the user acted.
 */
export class HandlingPanel extends Panel {
  readonly el: HTMLElement;
  private items: HandlingItem[] = [];
  private counts: HandlingCounts | undefined;
  private readonly status = new StatusLine('handling-status', (key) => key === 'handling.error' || key === 'handling.failed');
  private readonly table = h('table', { class: 'report-table handling-table', 'data-testid': 'handling-table' });
  private readonly countsEl = h('p', { class: 'muted', 'data-testid': 'handling-counts' });
  private readonly dialog = h('div', { class: 'handling-dialog', hidden: true, 'data-testid': 'handling-dialog' });
  private readonly stateFilter = h('select', { name: 'state', 'data-testid': 'handling-filter-state' });
  private readonly ruleFilter = h('select', { name: 'rule', 'data-testid': 'handling-filter-rule' });
  private readonly overdueFilter = h('input', { type: 'checkbox', name: 'overdue', 'data-testid': 'handling-filter-overdue' });
  private readonly ticker: ReturnType<typeof setInterval>;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: Api,
    private readonly nowMs: () => number = Date.now,
  ) {
    super('first show');
    this.el = h(
      'section',
      { class: 'reports handling', hidden: true, 'data-testid': 'handling' },
      queryForm(
        'handling',
        () => this.load(),
        h('h3', { i18n: 'handling.title' }),
        h('label', {}, h('span', { i18n: 'handling.filterState' }), this.stateFilter),
        h('label', {}, h('span', { i18n: 'handling.filterRule' }), this.ruleFilter),
        h('label', {}, this.overdueFilter, h('span', { i18n: 'handling.filterOverdue' })),
        h('button', { type: 'submit', class: 'primary', i18n: 'handling.query' }),
      ),
      h('p', { class: 'report-note', i18n: 'handling.note' }),
      this.countsEl,
      this.status.el,
      this.dialog,
      h('div', { class: 'report-scroll' }, this.table),
    );
    this.renderFilters();
    onLangChange(() => {
      this.renderFilters();
      this.render();
    });
    // The countdown moves every second while the page is open.
    this.ticker = setInterval(() => {
      if (!this.el.hidden) this.render();
    }, 1_000);
  }

  destroy(): void {
    clearInterval(this.ticker);
    clearTimeout(this.reloadTimer);
  }

  /**
   * A live push: a new item comes first, a changed one is replaced at once; the list (filters,
   * counts) is then read again, once for a burst of pushes.
   */
  applyLive(event: HandlingLiveEvent): void {
    if (!event.item.due || event.item.withdrawn) {
      this.items = this.items.filter((i) => i.alertId !== event.item.alertId);
    } else this.items = mergeHandlingItem(this.items, event.item);
    if (this.items.length > 0) this.status.set(undefined);
    this.render();
    if (!this.loaded) return;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => detached('handling', this.load(false)), 300);
  }

  async load(showLoading = true): Promise<void> {
    this.loaded = true;
    if (showLoading) this.status.set('handling.loading');
    try {
      const answer = await this.api.handlingList({
        ...(this.stateFilter.value ? { state: this.stateFilter.value } : {}),
        ...(this.ruleFilter.value ? { rule: this.ruleFilter.value } : {}),
        ...(this.overdueFilter.checked ? { overdue: true } : {}),
      });
      this.items = answer.items;
      this.counts = answer.counts;
      this.status.set(this.items.length === 0 ? 'handling.empty' : undefined);
    } catch (e) {
      this.status.set('handling.error', failureText(e));
    }
    this.render();
  }

  private renderFilters(): void {
    const option = (value: string, key: string, selected: string) => h('option', { value, selected: value === selected }, value ? t(key) : t('handling.all'));
    const state = this.stateFilter.value;
    this.stateFilter.replaceChildren(option('', '', state), ...handlingState.options.map((s) => option(s, `handling.state.${s}`, state)));
    const rule = this.ruleFilter.value;
    this.ruleFilter.replaceChildren(option('', '', rule), ...alertRule.options.map((r) => option(r, `rule.${r}`, rule)));
  }

  private render(): void {
    const c = this.counts;
    this.countsEl.textContent = c
      ? t('handling.counts')
          .replace('{open}', String(c.open))
          .replace('{overdue}', String(c.overdue))
          .replace('{handled}', String(c.handled))
          .replace('{appeals}', String(c.appealsPending))
      : '';
    const nowMs = this.nowMs();
    const head = h(
      'tr',
      {},
      ...(['handling.plate', 'handling.alert', 'handling.notifiedAt', 'handling.deadline', 'handling.stateCol', 'handling.actions'] as const).map((k) =>
        h('th', { i18n: k }),
      ),
    );
    const rows = this.items.map((item) => {
      const overdue = deadlineViewOf(item, nowMs).kind === 'overdue';
      const open = item.state !== 'handled' && item.appealState !== 'pending' && item.appealState !== 'accepted';
      return h(
        'tr',
        { class: overdue ? 'overdue' : '', 'data-testid': 'handling-row', 'data-alert-id': item.alertId, 'data-state': item.state },
        h('td', {}, item.plate ?? item.vehicleId),
        h('td', {}, item.handlingSeverity === 'severe' ? h('span', { class: 'badge severe' }, t('handling.severe')) : undefined, ' ', summaryOf(item)),
        h('td', {}, item.firstNotifiedAtMs !== null ? fmtTime(item.firstNotifiedAtMs) : ''),
        deadlineCell(item, nowMs),
        h('td', { 'data-testid': 'handling-state' }, stateText(item)),
        h(
          'td',
          { class: 'buttons' },
          h('button', { type: 'button', 'data-testid': 'handling-view', onclick: () => detached('handling', this.openView(item)) }, t('handling.view')),
          open
            ? h('button', { type: 'button', class: 'primary', 'data-testid': 'handling-handle', onclick: () => this.openHandle(item) }, t('handling.handle'))
            : undefined,
          open && item.appealState === null
            ? h('button', { type: 'button', 'data-testid': 'handling-appeal', onclick: () => this.openAppeal(item) }, t('handling.appeal'))
            : undefined,
        ),
      );
    });
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows));
  }

  private replace(item: HandlingItem): void {
    this.items = mergeHandlingItem(this.items, item);
    this.render();
  }

  private async openView(item: HandlingItem): Promise<void> {
    const error = h('p', { class: 'case-error' });
    this.showDialog(h('h4', {}, `${item.plate ?? item.vehicleId} · ${summaryOf(item)}`), error);
    try {
      this.replace(await this.api.viewHandling(item.alertId));
      const detail = await this.api.handlingDetail(item.alertId);
      this.dialog.append(
        h('h5', { i18n: 'handling.steps' }),
        h('ol', { 'data-testid': 'handling-steps' }, ...detail.events.map((e) => h('li', {}, `${fmtTime(e.atMs)} ${e.actor} ${e.action}`))),
        h('button', { type: 'button', onclick: () => this.closeDialog() }, t('handling.cancel')),
      );
    } catch (e) {
      error.textContent = `${t('handling.failed')}: ${failureText(e)}`;
    }
  }

  private openHandle(item: HandlingItem): void {
    const measure = h(
      'select',
      { name: 'measure', 'data-testid': 'handling-measure' },
      ...handlingMeasure.options.map((m) => h('option', { value: m }, t(`handling.measure.${m}`))),
    );
    const comment = h('textarea', { name: 'comment', maxlength: 2000, 'data-testid': 'handling-comment' });
    this.showForm(
      item,
      'handling.handle',
      [h('label', {}, h('span', { i18n: 'handling.measure' }), measure), h('label', {}, h('span', { i18n: 'handling.comment' }), comment)],
      () => this.api.handleAlert(item.alertId, measure.value as HandlingItem['measure'] & string, comment.value.trim()),
    );
  }

  private openAppeal(item: HandlingItem): void {
    const reason = h('textarea', { name: 'reason', maxlength: 2000, 'data-testid': 'handling-reason' });
    this.showForm(item, 'handling.appeal', [h('label', {}, h('span', { i18n: 'handling.reason' }), reason)], () =>
      this.api.appealAlert(item.alertId, reason.value.trim()),
    );
  }

  private showForm(item: HandlingItem, titleKey: string, fields: HTMLElement[], send: () => Promise<HandlingItem>): void {
    const error = h('p', { class: 'case-error', 'data-testid': 'handling-form-error' });
    const form = h(
      'form',
      {
        class: 'handling-form',
        novalidate: true,
        'data-testid': 'handling-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached(
            'handling',
            send().then(
              (changed) => {
                this.replace(changed);
                this.closeDialog();
              },
              (failure: unknown) => (error.textContent = `${t('handling.failed')}: ${failureText(failure)}`),
            ),
          );
        },
      },
      h('h4', {}, `${t(titleKey)} · ${item.plate ?? item.vehicleId} · ${summaryOf(item)}`),
      ...fields,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'handling-submit' }, t('handling.submit')),
        h('button', { type: 'button', onclick: () => this.closeDialog() }, t('handling.cancel')),
      ),
      error,
    );
    this.showDialog(form);
  }

  private showDialog(...children: HTMLElement[]): void {
    this.dialog.replaceChildren(...children);
    this.dialog.hidden = false;
  }

  private closeDialog(): void {
    this.dialog.hidden = true;
    this.dialog.replaceChildren();
  }
}

/**
 * 值班 (RULES.md §9), for the monitoring centre (capability `handling.duty`): the overdue items
 * escalated to the on-duty board in the operator's region, the longest overdue first, and the
 * appeals waiting for a decision (accept or reject, with a comment). Escalations arrive live.
 */
export class DutyBoardPanel extends Panel {
  readonly el: HTMLElement;
  private overdue: HandlingItem[] = [];
  private appeals: HandlingItem[] = [];
  private readonly status = new StatusLine('duty-status', (key) => key === 'handling.error' || key === 'handling.failed');
  private readonly overdueTable = h('table', { class: 'report-table duty-table', 'data-testid': 'duty-overdue' });
  private readonly appealsTable = h('table', { class: 'report-table duty-table', 'data-testid': 'duty-appeals' });

  constructor(
    private readonly api: Api,
    private readonly nowMs: () => number = Date.now,
  ) {
    super('first show');
    this.el = h(
      'section',
      { class: 'reports duty', hidden: true, 'data-testid': 'duty' },
      h(
        'div',
        { class: 'report-form' },
        h('h3', { i18n: 'duty.title' }),
        h('button', { type: 'button', class: 'primary', i18n: 'duty.refresh', 'data-testid': 'duty-refresh', onclick: () => detached('duty', this.load()) }),
      ),
      this.status.el,
      h('div', { class: 'report-scroll' }, this.overdueTable),
      h('h3', { i18n: 'duty.appeals' }),
      h('div', { class: 'report-scroll' }, this.appealsTable),
    );
    onLangChange(() => this.render());
  }

  applyLive(event: HandlingLiveEvent): void {
    const item = event.item;
    this.overdue = this.overdue.filter((i) => i.alertId !== item.alertId);
    this.appeals = this.appeals.filter((i) => i.alertId !== item.alertId);
    if (item.escalatedAtMs !== null && item.overdue) this.overdue = [...this.overdue, item];
    if (item.appealState === 'pending') this.appeals = [...this.appeals, item];
    this.render();
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.status.set('handling.loading');
    try {
      const board = await this.api.dutyBoard();
      this.overdue = board.overdue;
      this.appeals = board.appeals;
      this.status.set(undefined);
    } catch (e) {
      this.status.set('handling.error', failureText(e));
    }
    this.render();
  }

  private render(): void {
    const nowMs = this.nowMs();
    const head = (...keys: string[]) => h('thead', {}, h('tr', {}, ...keys.map((k) => h('th', { i18n: k }))));
    const base = (item: HandlingItem) => [h('td', {}, item.companyId), h('td', {}, item.plate ?? item.vehicleId), h('td', {}, summaryOf(item))];
    this.overdueTable.replaceChildren(
      head('handling.company', 'handling.plate', 'handling.alert', 'handling.deadline', 'handling.stateCol'),
      h(
        'tbody',
        {},
        ...(this.overdue.length === 0
          ? [h('tr', {}, h('td', { colspan: 5, class: 'muted', i18n: 'duty.empty' }))]
          : this.overdue.map((item) =>
              h(
                'tr',
                { class: 'overdue', 'data-testid': 'duty-row', 'data-alert-id': item.alertId },
                ...base(item),
                deadlineCell(item, nowMs),
                h('td', {}, stateText(item)),
              ),
            )),
      ),
    );
    this.appealsTable.replaceChildren(
      head('handling.company', 'handling.plate', 'handling.alert', 'handling.reason', 'handling.actions'),
      h(
        'tbody',
        {},
        ...(this.appeals.length === 0
          ? [h('tr', {}, h('td', { colspan: 5, class: 'muted', i18n: 'duty.noAppeals' }))]
          : this.appeals.map((item) => {
              const comment = h('input', { name: 'comment', maxlength: 2000, 'data-testid': 'duty-comment', placeholder: t('duty.decisionComment') });
              const error = h('small', { class: 'case-error' });
              const decide = (decision: 'accepted' | 'rejected') =>
                detached(
                  'duty',
                  this.api.decideAppeal(item.alertId, decision, comment.value.trim()).then(
                    (changed) => this.applyLive({ change: 'decided', item: changed }),
                    (failure: unknown) => (error.textContent = `${t('handling.failed')}: ${failureText(failure)}`),
                  ),
                );
              return h(
                'tr',
                { 'data-testid': 'duty-appeal-row', 'data-alert-id': item.alertId },
                ...base(item),
                h('td', {}, item.appealReason ?? ''),
                h(
                  'td',
                  { class: 'buttons' },
                  comment,
                  h('button', { type: 'button', 'data-testid': 'duty-accept', onclick: () => decide('accepted') }, t('duty.accept')),
                  h('button', { type: 'button', 'data-testid': 'duty-reject', onclick: () => decide('rejected') }, t('duty.reject')),
                  error,
                ),
              );
            })),
      ),
    );
  }
}
