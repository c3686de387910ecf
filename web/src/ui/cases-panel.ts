import type { ApiRole, CaseListItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { CaseDetailView } from './case-detail';
import { detached, fmtTime, h } from './dom';
import { failureOf } from './panel';

/**
 * 一超四罚 cases: the list, loaded when the tab is first shown and on refresh; a click
 * opens the case (its detail and, for enforcement users, its next step) in its place.
 */
export class CasesPanel {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'case-list', 'data-testid': 'case-list' });
  private readonly listView: HTMLElement;
  private readonly detail: CaseDetailView;
  private items: CaseListItem[] | undefined;
  private error: string | undefined;

  constructor(
    private readonly api: Api,
    role: ApiRole,
  ) {
    this.detail = new CaseDetailView(api, role, () => this.closeDetail());
    this.detail.el.hidden = true;
    this.listView = h(
      'div',
      { class: 'case-list-view' },
      h('header', {}, h('h3', { i18n: 'cases.title' }), h('button', { type: 'button', i18n: 'cases.refresh', onclick: () => detached('cases', this.load()) })),
      this.list,
    );
    this.el = h('section', { class: 'cases', hidden: true, 'data-testid': 'cases' }, this.listView, this.detail.el);
    onLangChange(() => this.render());
  }

  private openDetail(caseId: string): void {
    this.listView.hidden = true;
    this.detail.el.hidden = false;
    detached('cases', this.detail.open(caseId));
  }

  /** Back to the list, reloaded: the case may have moved on. */
  private closeDetail(): void {
    this.detail.el.hidden = true;
    this.listView.hidden = false;
    detached('cases', this.load());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.items) await this.load();
  }

  async load(): Promise<void> {
    this.error = await failureOf(async () => {
      this.items = await this.api.cases();
    });
    this.render();
  }

  private render(): void {
    if (this.error) {
      this.list.replaceChildren(h('li', { class: 'case-error' }, `${t('cases.error')}: ${this.error}`));
      return;
    }
    if (!this.items || this.items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'feed-empty' }, t('cases.empty')));
      return;
    }
    const kg = (n: number | undefined) => (n === undefined ? '—' : `${(n / 1000).toFixed(1)} t`);
    this.list.replaceChildren(
      ...this.items.map((c) =>
        h(
          'li',
          { class: `case-row status-${c.status}${c.flaggedForReview ? ' flagged' : ''}`, 'data-case-id': c.caseId, onclick: () => this.openDetail(c.caseId) },
          h(
            'div',
            { class: 'row-top' },
            h('span', { class: 'plate' }, c.plate ?? c.vehicleId),
            h('span', { class: 'case-status' }, t(`caseStatus.${c.status}`)),
            h('time', {}, fmtTime(c.measuredAtMs ?? c.openedAtMs)),
          ),
          h(
            'div',
            {},
            `${t('cases.gross')} ${kg(c.confirmedGrossKg)} · ${t('cases.excess')} ${kg(c.excessKg)}`,
            c.isBaiDunWang ? h('strong', { class: 'bdw' }, ` · ${t('alert.baiDunWang')}`) : undefined,
          ),
          h(
            'div',
            { class: 'summary' },
            `${t('cases.fine')} ${c.vehicleOwnerFineYuan === undefined ? '—' : `¥${c.vehicleOwnerFineYuan.toLocaleString()}`}${c.stationId ? ` · ${t('cases.station')} ${c.stationId}` : ''}`,
            c.flaggedForReview ? h('span', { class: 'review' }, ` · ${t('cases.review')}`) : undefined,
          ),
        ),
      ),
    );
  }
}
