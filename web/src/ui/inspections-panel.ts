import type { InspectionItem, InspectionTargetItem } from '@roadwatch/contracts';
import { ApiHttpError, type Api } from '../api';
import { onLangChange, t } from '../i18n';
import { sendRequestOf, type ComposeField } from '../inspection/inspection-view';
import { detached, fmtTime, h, StatusLine } from './dom';
import { errorText } from './panel';

/**
 * 查岗 (RULES §9): for the monitoring centre (`inspections.send`) the compose form — question,
 * window, chosen companies or every transport company in scope — and every 查岗 sent in scope
 * with, per company, who answered, when, what, and who did not; for a company user
 * (`inspections.answer`) its own 查岗, open and past, each answerable once (late after the
 * window). Answers arriving live refresh the list.
 */
export class InspectionsPanel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('inspection-status', (key) => key === 'inspection.error');
  private readonly list = h('div', { class: 'inspection-list', 'data-testid': 'inspection-list' });
  private readonly question = h('textarea', { name: 'question', maxlength: 500, rows: 2, 'data-testid': 'inspection-question' });
  private readonly windowMinutes = h('input', {
    type: 'number',
    name: 'windowMinutes',
    min: 1,
    max: 1440,
    step: 1,
    value: 10,
    'data-testid': 'inspection-window',
  });
  private readonly toAll = h('input', { type: 'radio', name: 'addressing', value: 'all', 'data-testid': 'inspection-to-all' });
  private readonly toChosen = h('input', { type: 'radio', name: 'addressing', value: 'companies', checked: true, 'data-testid': 'inspection-to-chosen' });
  private readonly targetsEl = h('div', { class: 'inspection-targets', 'data-testid': 'inspection-targets' });
  private readonly fieldIssues = new Map<ComposeField, HTMLElement>();
  private readonly formError = h('p', { class: 'case-error', 'data-testid': 'inspection-form-error' });
  private readonly formOk = h('p', { class: 'muted', 'data-testid': 'inspection-form-ok' });
  private targets: InspectionTargetItem[] = [];
  private items: InspectionItem[] = [];
  private loaded = false;
  private busy = false;

  constructor(
    private readonly api: Api,
    /** Operators and admins send; company users answer. */
    private readonly mode: 'send' | 'answer',
    /** A company user's answer was recorded (the prompt closes its copy). */
    private readonly onAnswered: (item: InspectionItem) => void = () => undefined,
  ) {
    const issue = (name: ComposeField) => {
      const el = h('small', { class: 'case-error field-issue', 'data-field': name });
      this.fieldIssues.set(name, el);
      return el;
    };
    const compose =
      mode !== 'send'
        ? undefined
        : h(
            'form',
            {
              class: 'relay-form inspection-form',
              novalidate: true,
              'data-testid': 'inspection-form',
              onsubmit: (e: Event) => {
                e.preventDefault();
                detached('inspections', this.send());
              },
            },
            h('h4', { i18n: 'inspection.compose' }),
            h('label', { class: 'inspection-question' }, h('span', { i18n: 'inspection.question' }), this.question, issue('question')),
            h('label', {}, h('span', { i18n: 'inspection.windowMinutes' }), this.windowMinutes, issue('windowMinutes')),
            h(
              'fieldset',
              { class: 'inspection-addressing' },
              h('legend', { i18n: 'inspection.addressing' }),
              h('label', {}, this.toChosen, h('span', { i18n: 'inspection.addressing.companies' })),
              h('label', {}, this.toAll, h('span', { i18n: 'inspection.addressing.all' })),
              this.targetsEl,
              issue('companyIds'),
            ),
            h(
              'div',
              { class: 'buttons' },
              h('button', { type: 'submit', class: 'primary', i18n: 'inspection.send', 'data-testid': 'inspection-send' }),
              this.formOk,
            ),
            this.formError,
          );
    for (const radio of [this.toAll, this.toChosen]) radio.addEventListener('change', () => this.renderTargets());
    this.el = h(
      'section',
      { class: 'reports inspections', hidden: true, 'data-testid': 'inspections' },
      h(
        'div',
        { class: 'report-form' },
        h('h3', { i18n: 'inspection.title' }),
        h('button', { type: 'button', i18n: 'inspection.refresh', 'data-testid': 'inspection-refresh', onclick: () => detached('inspections', this.load()) }),
      ),
      h('p', { class: 'report-note', i18n: 'inspection.note' }),
      compose,
      this.status.el,
      h('div', { class: 'report-scroll' }, this.list),
    );
    onLangChange(() => {
      this.status.refresh();
      this.renderTargets();
      this.render();
    });
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    if (!this.loaded) await Promise.all([this.mode === 'send' ? this.loadTargets() : Promise.resolve(), this.load()]);
  }

  hide(): void {
    this.el.hidden = true;
  }

  /** A live event: the 查岗 (or a company's answer to it) replaces what the list shows of it. */
  apply(event: InspectionItem): void {
    if (!this.loaded) return;
    const at = this.items.findIndex((i) => i.inspectionId === event.inspectionId);
    if (at < 0) this.items.unshift(event);
    else {
      const mine = this.items[at]!;
      const changed = new Map(event.recipients.map((r) => [r.companyId, r]));
      this.items[at] = { ...mine, recipients: mine.recipients.map((r) => changed.get(r.companyId) ?? r), serverNowMs: event.serverNowMs };
      for (const r of event.recipients) if (!mine.recipients.some((m) => m.companyId === r.companyId)) this.items[at]!.recipients.push(r);
    }
    this.render();
  }

  async load(): Promise<void> {
    this.loaded = true;
    this.status.set('inspection.loading');
    try {
      this.items = await this.api.inspections({ limit: 50 });
      this.status.set(this.items.length === 0 ? 'inspection.empty' : undefined);
    } catch (e) {
      this.status.set('inspection.error', errorText(e));
    }
    this.render();
  }

  private async loadTargets(): Promise<void> {
    try {
      this.targets = await this.api.inspectionTargets();
    } catch (e) {
      this.formError.textContent = `${t('inspection.error')}: ${errorText(e)}`;
    }
    this.renderTargets();
  }

  private renderTargets(): void {
    const chosen = new Set(this.chosenCompanies());
    this.targetsEl.hidden = this.toAll.checked;
    this.targetsEl.replaceChildren(
      ...(this.targets.length === 0
        ? [h('span', { class: 'muted', i18n: 'inspection.noTargets' })]
        : this.targets.map((c) =>
            h(
              'label',
              { class: 'inspection-target' },
              h('input', { type: 'checkbox', value: c.companyId, checked: chosen.has(c.companyId), 'data-company': c.companyId }),
              `${c.name} (${c.companyId})`,
            ),
          )),
    );
  }

  private chosenCompanies(): string[] {
    return [...this.targetsEl.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((b) => b.value);
  }

  private clearIssues(): void {
    for (const el of this.fieldIssues.values()) el.textContent = '';
    this.formError.textContent = '';
    this.formOk.textContent = '';
  }

  private async send(): Promise<void> {
    if (this.busy) return;
    this.clearIssues();
    const built = sendRequestOf({
      question: this.question.value,
      windowMinutes: this.windowMinutes.value,
      addressing: this.toAll.checked ? 'all' : 'companies',
      companyIds: this.chosenCompanies(),
    });
    if (!built.ok) {
      for (const field of built.fields) this.fieldIssues.get(field)!.textContent = t(`inspection.issue.${field}`);
      return;
    }
    this.busy = true;
    try {
      const sent = await this.api.sendInspection(built.request);
      this.formOk.textContent = `${t('inspection.sent')}: ${sent.recipients.length}`;
      this.question.value = '';
      this.apply(sent);
      this.status.set(undefined);
    } catch (e) {
      // The API's refusal as it said it (a company outside the scope names it), beside its field when it names one.
      const message = errorText(e);
      const field =
        e instanceof ApiHttpError
          ? e.issues.map((i) => i.field.replace(/^body\./, '').split('.')[0]).find((f) => this.fieldIssues.has(f as ComposeField))
          : undefined;
      if (field) this.fieldIssues.get(field as ComposeField)!.textContent = message;
      else this.formError.textContent = `${t('inspection.sendFailed')}: ${message}`;
    } finally {
      this.busy = false;
    }
  }

  private async answer(inspectionId: string, text: string, error: HTMLElement): Promise<void> {
    error.textContent = '';
    if (text.trim() === '') {
      error.textContent = t('inspection.issue.answer');
      return;
    }
    try {
      const answered = await this.api.answerInspection(inspectionId, text);
      this.apply(answered);
      this.onAnswered(answered);
    } catch (e) {
      error.textContent = `${t('inspection.answerFailed')}: ${errorText(e)}`;
    }
  }

  private render(): void {
    this.list.replaceChildren(...this.items.map((item) => this.card(item)));
  }

  private card(item: InspectionItem): HTMLElement {
    const head = h(
      'div',
      { class: 'inspection-head' },
      h('strong', { class: 'inspection-q', 'data-testid': 'inspection-q' }, item.question),
      h(
        'span',
        { class: 'muted' },
        ` · ${t('inspection.sentAt')} ${fmtTime(item.sentAtMs)} · ${t('inspection.sentBy')} ${item.sentBy} · ${item.windowMinutes} ${t('inspection.minutes')}`,
      ),
    );
    const col = (key: string) => h('th', { 'data-col': key }, t(key));
    const rows = item.recipients.map((r) => {
      const answerCell = h('td', { 'data-col': 'inspection.answer' }, r.answer ?? '');
      if (this.mode === 'answer' && r.answeredAtMs === undefined) {
        const input = h('textarea', { rows: 1, maxlength: 2000, 'data-testid': 'inspection-answer-input' });
        const error = h('small', { class: 'case-error' });
        answerCell.append(
          input,
          h('button', {
            type: 'button',
            class: 'primary',
            i18n: 'inspection.submitAnswer',
            'data-testid': 'inspection-answer-submit',
            onclick: () => detached('inspection answer', this.answer(item.inspectionId, input.value, error)),
          }),
          error,
        );
      }
      return h(
        'tr',
        { 'data-company': r.companyId, 'data-status': r.status },
        h('td', { 'data-col': 'inspection.company' }, r.companyName ?? r.companyId),
        h('td', { 'data-col': 'inspection.windowEndsAt' }, fmtTime(r.windowEndsAtMs)),
        h('td', { 'data-col': 'inspection.status', class: `inspection-status-${r.status}` }, t(`inspection.status.${r.status}`)),
        h('td', { 'data-col': 'inspection.answeredAt' }, r.answeredAtMs !== undefined ? fmtTime(r.answeredAtMs) : ''),
        h('td', { 'data-col': 'inspection.answeredBy' }, r.answeredBy ?? ''),
        answerCell,
      );
    });
    return h(
      'article',
      { class: 'inspection', 'data-inspection': item.inspectionId },
      head,
      h(
        'table',
        { class: 'report-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'inspection.company',
              'inspection.windowEndsAt',
              'inspection.status',
              'inspection.answeredAt',
              'inspection.answeredBy',
              'inspection.answer',
            ].map(col),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    );
  }
}
