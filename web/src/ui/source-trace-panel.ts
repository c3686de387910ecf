import type { ApiRole, CaseSourceTraceResponse, SourceTraceItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { detached, fmtTime, h } from './dom';

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

/**
 * The case page's 货源地倒查 panel (RULES.md §13): the grade and its reasons as the rule wrote
 * them (Chinese first, English on switch), the proposed site or the candidates, the timeline
 * of the window's stops, and for an officer (or admin) the confirm / reject form with a comment.
 */
export class SourceTracePanel {
  readonly el = h('section', { class: 'case-source-trace', 'data-testid': 'source-trace' });
  private view: CaseSourceTraceResponse | undefined;
  private error: string | undefined;
  private busy = false;

  constructor(
    private readonly api: Api,
    private readonly role: ApiRole,
    private readonly caseId: string,
    private readonly onDecided: () => void,
  ) {
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    try {
      this.view = await this.api.caseSourceTrace(this.caseId);
      this.error = undefined;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    this.render();
  }

  private siteName(siteId: string): string {
    const site = this.view?.sites.find((s) => s.sourceSiteId === siteId);
    return site ? `${site.name}${site.companyName ? `（${site.companyName}）` : ''}` : siteId;
  }

  private render(): void {
    const title = h('h3', {}, t('trace.title'));
    if (this.error) return void this.el.replaceChildren(title, h('p', { class: 'case-error' }, `${t('cases.error')}: ${this.error}`));
    const tr = this.view?.trace;
    if (!tr) return void this.el.replaceChildren(title, h('p', { class: 'muted' }, t('trace.none')));
    this.el.replaceChildren(
      title,
      h(
        'div',
        { class: 'trace-grade', 'data-testid': 'trace-grade', 'data-grade': tr.grade },
        `${t('trace.grade')} ${tr.grade} · ${t(`trace.status.${tr.status}`)}`,
        tr.sourceSiteId ? ` · ${this.siteName(tr.sourceSiteId)}` : '',
      ),
      h('ul', { class: 'trace-reasons' }, ...tr.reasons.map((r) => h('li', {}, lang() === 'en' ? r.en : r.zh))),
      tr.candidateSiteIds.length > 1 ? h('div', {}, `${t('trace.candidates')}: ${tr.candidateSiteIds.map((id) => this.siteName(id)).join('、')}`) : '',
      this.timeline(tr),
      tr.decidedBy ? h('div', { class: 'muted' }, `${t('trace.decidedBy')} ${tr.decidedBy} · ${tr.decisionComment ?? ''}`) : '',
      this.form(tr),
    );
  }

  private timeline(tr: SourceTraceItem): HTMLElement {
    const stops = tr.grade === 'C' ? tr.possibleLoadingPoints : tr.stops;
    return h(
      'ol',
      { class: 'trace-timeline', 'data-testid': 'trace-timeline' },
      ...stops.map((s) =>
        h(
          'li',
          {},
          `${fmtTime(s.spanStartMs)} – ${fmtTime(s.spanEndMs)} · ${t('trace.held')} ${minutes(s.heldMs)}`,
          s.sites.length
            ? ` · ${s.sites.map((x) => `${this.siteName(x.siteId)} (${t(`trace.relation.${x.relation}`)})`).join('、')}`
            : ` · ${t('trace.noSite')}`,
        ),
      ),
      h('li', {}, `${fmtTime(tr.weighedAtMs)} · ${t('trace.weighing')}`),
    );
  }

  private form(tr: SourceTraceItem): HTMLElement | string {
    const mayDecide = this.role === 'enforcement' || this.role === 'admin';
    if (!mayDecide || (tr.status !== 'proposed' && tr.status !== 'to_confirm')) return '';
    const choices = tr.grade === 'A' && tr.sourceSiteId ? [tr.sourceSiteId] : tr.candidateSiteIds;
    const site = h('select', { name: 'siteId' }, ...choices.map((id) => h('option', { value: id }, this.siteName(id)))) as HTMLSelectElement;
    const comment = h('input', { name: 'comment', placeholder: t('trace.comment') }) as HTMLInputElement;
    const error = h('div', { class: 'case-error', role: 'alert' });
    const send = async (decision: 'confirm' | 'reject'): Promise<void> => {
      if (this.busy) return;
      if (!comment.value.trim()) return void (error.textContent = t('trace.commentRequired'));
      this.busy = true;
      try {
        this.view = await this.api.decideSourceTrace(this.caseId, {
          decision,
          comment: comment.value.trim(),
          ...(decision === 'confirm' ? { siteId: site.value } : {}),
        });
        this.render();
        this.onDecided();
      } catch (e) {
        error.textContent = `${t('case.failed')}: ${e instanceof Error ? e.message : String(e)}`;
      } finally {
        this.busy = false;
      }
    };
    return h(
      'div',
      { class: 'trace-decide', 'data-testid': 'trace-decide' },
      site,
      comment,
      h('button', { type: 'button', 'data-testid': 'trace-confirm', onclick: () => detached('source trace', send('confirm')) }, t('trace.confirm')),
      h('button', { type: 'button', onclick: () => detached('source trace', send('reject')) }, t('trace.reject')),
      error,
    );
  }
}
