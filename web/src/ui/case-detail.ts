import { caseParty, type ApiRole, type CaseDetail } from '@roadwatch/contracts';
import type { Api } from '../api';
import {
  caseActions,
  CLOSE_OUTCOMES,
  closeRequestOf,
  decisionRequestOf,
  isAdjustable,
  reportRequestOf,
  type CaseAction,
  type CaseParty,
  type DecisionIssue,
  type FineInput,
} from '../cases/case-workflow';
import { lang, onLangChange, t } from '../i18n';
import { detached, fmtTime, h } from './dom';
import { SourceTracePanel } from './source-trace-panel';
import { errorText } from './panel';

const yuan = (n: number | undefined): string => (n === undefined ? '—' : `¥${n.toLocaleString('zh-CN')}`);
const tonnes = (kg: number | undefined): string => (kg === undefined ? '—' : `${(kg / 1000).toFixed(1)} t`);
/** The parties in the contract's order (driver, vehicle / owner, company, source unit), whatever order the API lists them in. */
const byParty = <T extends { party: CaseParty }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) => caseParty.options.indexOf(a.party) - caseParty.options.indexOf(b.party));
const fill = (template: string, values: Record<string, string | number>): string => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
/**
 * A case text in the UI language: the rules write each basis, consequence and reason in
 * Chinese with an English twin; a case opened before the twin was recorded shows the Chinese.
 */
const inLang = (zh: string, en: string | null | undefined): string => (lang() === 'en' && en ? en : zh);

/** The open action's form: its fields live across re-renders (a language switch keeps what was typed). */
interface OpenForm {
  action: CaseAction;
  el: HTMLFormElement;
  error: HTMLElement;
}

/**
 * One 一超四罚 case: the four parties, penalties with basis and range, repeat consequences,
 * the 百吨王 review flag, the 第44条 deadline and the event log; for an enforcement user the
 * next step (决定 → 抄告 → 结案) as a form whose body is checked before it is sent.
 */
export class CaseDetailView {
  readonly el = h('div', { class: 'case-detail', 'data-testid': 'case-detail' });
  private detail: CaseDetail | undefined;
  private error: string | undefined;
  private form: OpenForm | undefined;
  private busy = false;
  private sourceTrace: SourceTracePanel | undefined;

  constructor(
    private readonly api: Api,
    private readonly role: ApiRole,
    private readonly onBack: () => void,
  ) {
    onLangChange(() => this.render());
  }

  async open(caseId: string): Promise<void> {
    this.detail = undefined;
    this.error = undefined;
    this.form = undefined;
    this.el.replaceChildren(h('p', { class: 'feed-empty', i18n: 'case.loading' }));
    // 货源地倒查: its own panel, reloading the case once the officer decided it (the source-unit party changed).
    this.sourceTrace?.destroy();
    this.sourceTrace = new SourceTracePanel(this.api, this.role, caseId, () => detached('case', this.open(caseId)));
    detached('source trace', this.sourceTrace.load());
    try {
      this.detail = await this.api.caseDetail(caseId);
    } catch (e) {
      this.error = errorText(e);
    }
    this.render();
  }

  private render(): void {
    const back = h('button', { type: 'button', class: 'case-back', i18n: 'case.back', onclick: () => this.onBack() });
    const d = this.detail;
    if (!d) {
      this.el.replaceChildren(h('header', {}, back), h('p', { class: 'case-error' }, `${t('cases.error')}: ${this.error ?? ''}`));
      return;
    }
    this.el.replaceChildren(
      h(
        'header',
        {},
        back,
        h('strong', { class: 'plate' }, d.plate ?? d.vehicleId),
        h('span', { class: `case-status status-${d.status}`, 'data-testid': 'case-status', 'data-status': d.status }, t(`caseStatus.${d.status}`)),
      ),
      h(
        'div',
        { class: 'case-body' },
        this.summary(d),
        this.parties(d),
        this.sourceTrace?.el ?? '',
        this.penalties(d),
        this.repeat(d),
        this.deadline(d),
        this.actions(d),
        this.events(d),
      ),
    );
  }

  private summary(d: CaseDetail): HTMLElement {
    return h(
      'section',
      { class: 'case-summary' },
      h(
        'div',
        {},
        `${t('case.measured')} ${tonnes(d.measuredGrossKg)} · ${t('cases.gross')} ${tonnes(d.confirmedGrossKg)} · ${t('case.limit')} ${tonnes(d.limitKg)} · ${t('cases.excess')} ${tonnes(d.excessKg)}`,
      ),
      h(
        'div',
        { class: 'muted' },
        [d.measuredAtMs !== undefined ? fmtTime(d.measuredAtMs) : undefined, d.stationId ? `${t('cases.station')} ${d.stationId}` : undefined, d.limitBasis]
          .filter(Boolean)
          .join(' · '),
      ),
      d.flaggedForReview || d.isBaiDunWang
        ? h(
            'div',
            { class: 'case-review', 'data-testid': 'case-review' },
            h('strong', {}, d.isBaiDunWang ? t('case.review') : t('cases.review')),
            ...d.reviewRecommendations.map((r) => h('div', { class: 'muted' }, inLang(r.reason, r.reasonEn))),
          )
        : undefined,
    );
  }

  private parties(d: CaseDetail): HTMLElement {
    return h(
      'section',
      { 'data-testid': 'case-parties' },
      h('h4', { i18n: 'case.parties' }),
      h(
        'dl',
        { class: 'case-parties' },
        ...byParty(d.parties).flatMap((p) => [
          h('dt', {}, t(`party.${p.party}`)),
          h(
            'dd',
            { 'data-party': p.party, class: p.identified ? undefined : 'unidentified' },
            p.identified
              ? [p.name ?? p.partyRef ?? '', p.partyRef && p.name ? ` (${p.partyRef})` : '', p.licenceNo ? ` · ${p.licenceNo}` : ''].join('')
              : t('case.unidentified'),
          ),
        ]),
      ),
    );
  }

  private penalties(d: CaseDetail): HTMLElement {
    return h(
      'section',
      { 'data-testid': 'case-penalties' },
      h('h4', { i18n: 'case.penalties' }),
      ...byParty(d.penalties).map((p) => {
        const range = p.minYuan !== undefined || p.maxYuan !== undefined ? `${yuan(p.minYuan ?? 0)}–${yuan(p.maxYuan ?? 0)}` : undefined;
        const facts = [
          p.fineYuan !== undefined ? `${t('case.fine')} ${yuan(p.fineYuan)}` : undefined,
          // A ¥0–¥0 range is no fine at all (the company is notified), not worth a line.
          range && !p.ranges?.length && (p.maxYuan ?? 0) > 0 ? `${t('case.range')} ${range}` : undefined,
          p.points !== undefined ? `${t('case.points')} ${p.points}` : undefined,
          p.warning ? t('case.warning') : undefined,
          // The repeat consequence is also a measure: it reads in the UI language like the line below.
          p.measures.length ? `${t('case.measures')} ${p.measures.map((m) => (m === p.consequence ? inLang(m, p.consequenceEn) : m)).join('、')}` : undefined,
        ].filter(Boolean);
        return h(
          'div',
          { class: 'case-penalty', 'data-party': p.party },
          h(
            'div',
            { class: 'row-top' },
            h('strong', {}, t(`party.${p.party}`)),
            h('span', { class: 'muted' }, t(p.status === 'decided' ? 'case.decided' : 'case.proposed')),
          ),
          facts.length ? h('div', {}, facts.join(' · ')) : undefined,
          ...(p.ranges ?? []).map((r) =>
            h('div', { class: 'muted' }, `${t(`conduct.${r.conduct}`)}: ${yuan(r.minYuan)}–${yuan(r.maxYuan)} (${inLang(r.basis, r.basisEn)})`),
          ),
          p.basis ? h('div', { class: 'muted case-basis' }, `${t('case.basis')}: ${inLang(p.basis, p.basisEn)}`) : undefined,
          p.consequence ? h('div', { class: 'consequence' }, `${t('case.consequence')}: ${inLang(p.consequence, p.consequenceEn)}`) : undefined,
        );
      }),
    );
  }

  private repeat(d: CaseDetail): HTMLElement | undefined {
    if (d.repeatConsequences.length === 0 && d.blacklistCandidates.length === 0) return undefined;
    return h(
      'section',
      {},
      d.repeatConsequences.length ? h('h4', { i18n: 'case.repeat' }) : undefined,
      ...d.repeatConsequences.map((r) => h('div', { class: 'consequence' }, `${t(`party.${r.party}`)}: ${inLang(r.consequence, r.consequenceEn)}`)),
      d.blacklistCandidates.length ? h('h4', { i18n: 'case.blacklist' }) : undefined,
      ...d.blacklistCandidates.map((b) => h('div', { class: 'consequence' }, `${t(`party.${b.party}`)} ${b.partyId}: ${inLang(b.reason, b.reasonEn)}`)),
    );
  }

  private deadline(d: CaseDetail): HTMLElement {
    const due = d.reportDeadline;
    return h(
      'section',
      { 'data-testid': 'case-deadline' },
      h('h4', { i18n: 'case.deadline' }),
      h('div', {}, due ? fill(t('case.deadlineDue'), { due: due.dueDate, decided: due.decisionDate, days: due.workingDays }) : t('case.deadlineNone')),
      due ? h('div', { class: 'muted' }, inLang(due.basis, due.basisEn)) : undefined,
      d.reportedAtMs !== undefined ? h('div', {}, `${t('caseStatus.reported')} ${fmtTime(d.reportedAtMs)}`) : undefined,
    );
  }

  private events(d: CaseDetail): HTMLElement {
    const said = (details: Record<string, unknown>): string => {
      const s = (k: string) => (typeof details[k] === 'string' || typeof details[k] === 'number' ? String(details[k]) : undefined);
      return [
        s('decidedBy') ?? s('reportedBy') ?? s('closedBy'),
        s('reportedTo'),
        s('reference'),
        s('outcome') ? t(`outcome.${s('outcome')}`) : undefined,
        details['withinDeadline'] === false ? `${t('case.deadline')} ✗` : undefined,
        s('comment'),
      ]
        .filter(Boolean)
        .join(' · ');
    };
    return h(
      'section',
      {},
      h('h4', { i18n: 'case.events' }),
      h(
        'ol',
        { class: 'case-events', 'data-testid': 'case-events' },
        ...d.events.map((e) =>
          h(
            'li',
            { 'data-type': e.type },
            h('time', {}, fmtTime(e.occurredAtMs)),
            ' ',
            t(`caseEvent.${e.type}`),
            e.party ? ` · ${t(`party.${e.party}`)}` : '',
            said(e.details) ? ` · ${said(e.details)}` : '',
          ),
        ),
      ),
    );
  }

  private actions(d: CaseDetail): HTMLElement | undefined {
    const allowed = caseActions(d.status, this.role);
    if (allowed.length === 0) return undefined;
    const buttons = allowed.map((a) =>
      h('button', {
        type: 'button',
        class: this.form?.action === a ? 'primary' : undefined,
        'data-action': a,
        i18n: `case.${a}`,
        onclick: () => this.openForm(d, a),
      }),
    );
    const form = this.form && allowed.includes(this.form.action) ? this.form : undefined;
    return h(
      'section',
      { class: 'case-actions', 'data-testid': 'case-actions' },
      h('h4', { i18n: 'case.actions' }),
      h('div', { class: 'buttons' }, ...buttons),
      form?.el,
    );
  }

  private openForm(d: CaseDetail, action: CaseAction): void {
    const error = h('p', { class: 'case-error', 'data-testid': 'case-action-error' });
    const el = action === 'decide' ? this.decideForm(d, error) : action === 'report' ? this.reportForm(d, error) : this.closeForm(d, error);
    this.form = { action, el, error };
    this.render();
  }

  private field(labelKey: string, input: HTMLElement, hint?: string): HTMLElement {
    return h('label', {}, h('span', { i18n: labelKey }), input, hint ? h('small', { class: 'muted' }, hint) : undefined);
  }

  /** Sends a request built from a form; the API's own refusal (400/409 message) is shown as it said it. */
  private async submit(error: HTMLElement, send: () => Promise<CaseDetail>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    error.textContent = '';
    try {
      this.detail = await send();
      this.form = undefined;
      this.render();
    } catch (e) {
      error.textContent = `${t('case.failed')}: ${errorText(e)}`;
    } finally {
      this.busy = false;
    }
  }

  private decideForm(d: CaseDetail, error: HTMLElement): HTMLFormElement {
    const inputs = new Map<CaseParty, { fine: HTMLInputElement; conduct?: HTMLSelectElement; issue: HTMLElement }>();
    const rows = byParty(d.penalties)
      .filter(isAdjustable)
      .map((p) => {
        const issue = h('small', { class: 'case-error' });
        // A refusal speaks of the value refused: editing clears it.
        const clear = () => (issue.textContent = '');
        const fine = h('input', {
          type: 'number',
          min: 0,
          step: 1,
          name: `fine-${p.party}`,
          placeholder: p.fineYuan === undefined ? '' : String(p.fineYuan),
          oninput: clear,
        });
        const conduct = p.ranges?.length
          ? h(
              'select',
              { name: `conduct-${p.party}`, onchange: clear },
              h('option', { value: '', i18n: 'case.conductNone' }),
              ...p.ranges.map((r) => h('option', { value: r.conduct, i18n: `conduct.${r.conduct}` })),
            )
          : undefined;
        inputs.set(p.party, { fine, ...(conduct ? { conduct } : {}), issue });
        // The source unit's ranges are listed per conduct in its penalty above.
        const range = p.ranges?.length ? undefined : `${t('case.range')} ${yuan(p.minYuan ?? 0)}–${yuan(p.maxYuan ?? 0)}`;
        return h(
          'fieldset',
          { 'data-party': p.party },
          h('legend', {}, t(`party.${p.party}`)),
          conduct ? this.field('case.conduct', conduct) : undefined,
          this.field('case.fineYuan', fine, range),
          issue,
        );
      });
    const comment = h('input', { name: 'comment', maxlength: 2000 });
    const issueText = (i: DecisionIssue): string =>
      i.kind === 'notNumber'
        ? t('case.issueNotNumber')
        : i.kind === 'conduct'
          ? t('case.issueConduct')
          : `${t('case.issueRange')} ${yuan(i.minYuan)}–${yuan(i.maxYuan)}`;
    return h(
      'form',
      {
        class: 'case-form',
        'data-testid': 'case-form-decide',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const values: Partial<Record<CaseParty, FineInput>> = {};
          for (const [party, f] of inputs) values[party] = { fineYuan: f.fine.value, ...(f.conduct ? { conduct: f.conduct.value } : {}) };
          const built = decisionRequestOf(d, values, comment.value);
          for (const f of inputs.values()) f.issue.textContent = '';
          if (!built.ok) {
            for (const i of built.issues) {
              const f = inputs.get(i.party);
              if (f) f.issue.textContent = issueText(i);
            }
            return;
          }
          detached(
            'case detail',
            this.submit(error, () => this.api.decideCase(d.caseId, built.request)),
          );
        },
      },
      h('p', { class: 'muted', i18n: 'case.decideHint' }),
      ...rows,
      this.field('case.comment', comment),
      h('button', { type: 'submit', class: 'primary', i18n: 'case.submit' }),
      error,
    );
  }

  private reportForm(d: CaseDetail, error: HTMLElement): HTMLFormElement {
    const reportedTo = h('input', { name: 'reportedTo', maxlength: 200 });
    const reference = h('input', { name: 'reference', maxlength: 200 });
    const comment = h('input', { name: 'comment', maxlength: 2000 });
    return h(
      'form',
      {
        class: 'case-form',
        'data-testid': 'case-form-report',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const built = reportRequestOf({ reportedTo: reportedTo.value, reference: reference.value, comment: comment.value });
          if (!built.ok) {
            error.textContent = built.issues.map((i) => `${t(`case.${i.field}`)}: ${t('case.issueRequired')}`).join('; ');
            return;
          }
          detached(
            'case detail',
            this.submit(error, () => this.api.reportCase(d.caseId, built.request)),
          );
        },
      },
      this.field('case.reportedTo', reportedTo),
      this.field('case.reference', reference),
      this.field('case.comment', comment),
      h('button', { type: 'submit', class: 'primary', i18n: 'case.submit' }),
      error,
    );
  }

  private closeForm(d: CaseDetail, error: HTMLElement): HTMLFormElement {
    const outcome = h('select', { name: 'outcome' }, ...CLOSE_OUTCOMES.map((o) => h('option', { value: o, i18n: `outcome.${o}` })));
    const comment = h('input', { name: 'comment', maxlength: 2000 });
    return h(
      'form',
      {
        class: 'case-form',
        'data-testid': 'case-form-close',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const built = closeRequestOf({ outcome: outcome.value, comment: comment.value });
          if (!built.ok) {
            error.textContent = built.issues.map((i) => `${t(`case.${i.field}`)}: ${t('case.issueRequired')}`).join('; ');
            return;
          }
          detached(
            'case detail',
            this.submit(error, () => this.api.closeCase(d.caseId, built.request)),
          );
        },
      },
      this.field('case.outcome', outcome),
      this.field('case.comment', comment),
      h('button', { type: 'submit', class: 'primary', i18n: 'case.submit' }),
      error,
    );
  }
}
