import { keySupervisionReleaseRequest, type KeySupervisionEntryItem, type KeySupervisionEvidenceResponse } from '@roadwatch/contracts';
import type { Api } from '../api';
import { lang, onLangChange, t } from '../i18n';
import { evidenceLabel, reasonText } from '../key-supervision/reasons';
import { detached, fmtTime, h, tabStrip } from './dom';
import { errorText, failureOf, Panel } from './panel';

/**
 * 重点监管 (RULES.md §10): the current list and the history in the user's scope, each entry
 * with its reasons and their evidence (resolved on demand: the alert's summary, the day's
 * counters), and for officers (`key_supervision.release`) the release dialog, whose comment is
 * required. A company user sees its own entries and its vehicles'.
 */
export class KeySupervisionPanel extends Panel {
  readonly el: HTMLElement;
  private state: 'current' | 'history' = 'current';
  private items: KeySupervisionEntryItem[] | undefined;
  private error: string | undefined;
  private readonly evidence = new Map<string, KeySupervisionEvidenceResponse | string>();
  private releasing: string | undefined;
  private readonly table = h('table', { class: 'report-table ks-table', 'data-testid': 'ks-table' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'ks-status' });

  constructor(
    private readonly api: Api,
    private readonly canRelease: boolean,
    /** Told after a release (the map's ring, the alerts' raised severity). */
    private readonly onChanged: () => void = () => undefined,
  ) {
    super('every show');
    this.el = h(
      'section',
      { class: 'reports key-supervision', hidden: true, 'data-testid': 'key-supervision' },
      h(
        'div',
        { class: 'report-form' },
        h('h3', { i18n: 'ks.title' }),
        tabStrip(
          'key supervision',
          [
            { id: 'current', i18n: 'ks.current', testId: 'ks-current' },
            { id: 'history', i18n: 'ks.history', testId: 'ks-history' },
          ],
          (state) => {
            this.state = state;
            return this.load();
          },
        ),
        h('button', { type: 'button', class: 'primary', i18n: 'ks.refresh', onclick: () => detached('key supervision', this.load()) }),
      ),
      h('p', { class: 'report-note', i18n: 'ks.note' }),
      this.status,
      h('div', { class: 'report-scroll' }, this.table),
    );
    onLangChange(() => this.render());
  }

  async load(): Promise<void> {
    this.error = await failureOf(async () => {
      this.items = await this.api.keySupervisionEntries(this.state);
    });
    this.render();
  }

  private async showEvidence(entryId: string): Promise<void> {
    try {
      this.evidence.set(entryId, await this.api.keySupervisionEvidence(entryId));
    } catch (e) {
      this.evidence.set(entryId, errorText(e));
    }
    this.render();
  }

  private async release(entryId: string, comment: string, errorEl: HTMLElement): Promise<void> {
    if (!keySupervisionReleaseRequest.safeParse({ comment }).success) {
      errorEl.textContent = t('ks.commentRequired');
      return;
    }
    try {
      await this.api.releaseKeySupervision(entryId, comment);
      this.releasing = undefined;
      this.status.textContent = t('ks.released');
      this.onChanged();
      await this.load();
    } catch (e) {
      errorEl.textContent = errorText(e);
    }
  }

  private render(): void {
    if (this.error) {
      this.status.textContent = `${t('ks.error')}: ${this.error}`;
      this.table.replaceChildren();
      return;
    }
    const items = this.items ?? [];
    if (this.items && items.length === 0) this.status.textContent = t('ks.empty');
    const head = h(
      'tr',
      {},
      ...(['ks.subject', 'ks.company', 'ks.listedAt', 'ks.reasons', this.state === 'current' ? 'ks.exitDue' : 'ks.exit'] as const).map((key) =>
        h('th', { i18n: key }),
      ),
      this.state === 'current' && this.canRelease ? h('th', {}) : undefined,
    );
    this.table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...items.flatMap((e) => this.rows(e))));
  }

  private rows(entry: KeySupervisionEntryItem): HTMLElement[] {
    const language = lang();
    const subject = h(
      'td',
      { 'data-testid': 'ks-subject' },
      h('span', { class: `ks-kind ks-kind-${entry.subjectKind}` }, t(`ks.kind.${entry.subjectKind}`)),
      ' ',
      entry.subjectName ?? entry.subjectId,
    );
    const reasons = h(
      'td',
      { class: 'ks-reasons', 'data-testid': 'ks-reasons' },
      ...entry.reasons.map((r) =>
        h(
          'div',
          { class: 'ks-reason', 'data-code': r.code },
          h('strong', {}, reasonText(r, language)),
          ` · ${fmtTime(r.atMs)} · `,
          ...r.evidence.map((e) =>
            h(
              'button',
              { type: 'button', class: 'link ks-evidence', 'data-kind': e.kind, onclick: () => detached('key supervision', this.showEvidence(entry.entryId)) },
              evidenceLabel(e),
            ),
          ),
        ),
      ),
    );
    const exit =
      entry.exitedAtMs !== undefined
        ? h(
            'td',
            { 'data-testid': 'ks-exit' },
            `${fmtTime(entry.exitedAtMs)} · ${t(`ks.exit.${entry.exitKind ?? 'quiet_30d'}`)}`,
            entry.releaseComment ? ` · ${entry.releasedBy ?? ''}：${entry.releaseComment}` : '',
          )
        : h('td', { 'data-testid': 'ks-exit' }, entry.exitDueAtMs !== undefined ? fmtTime(entry.exitDueAtMs) : '—');
    const action =
      this.state === 'current' && this.canRelease && entry.exitedAtMs === undefined
        ? h(
            'td',
            {},
            h('button', {
              type: 'button',
              class: 'primary',
              i18n: 'ks.release',
              'data-testid': 'ks-release',
              onclick: () => {
                this.releasing = entry.entryId;
                this.render();
              },
            }),
          )
        : undefined;
    const row = h(
      'tr',
      { 'data-entry': entry.entryId },
      subject,
      h('td', {}, entry.companyId ?? '—'),
      h('td', {}, fmtTime(entry.listedAtMs)),
      reasons,
      exit,
      action,
    );
    const out: HTMLElement[] = [row];
    const shown = this.evidence.get(entry.entryId);
    if (shown !== undefined)
      out.push(h('tr', { class: 'ks-evidence-row' }, h('td', { colspan: 6, 'data-testid': 'ks-evidence' }, ...this.evidenceLines(shown))));
    if (this.releasing === entry.entryId) out.push(h('tr', { class: 'ks-release-row' }, h('td', { colspan: 6 }, this.releaseDialog(entry.entryId))));
    return out;
  }

  private evidenceLines(shown: KeySupervisionEvidenceResponse | string): HTMLElement[] {
    if (typeof shown === 'string') return [h('p', { class: 'case-error' }, shown)];
    const english = lang() === 'en';
    return shown.items.map((item) => {
      if (!item.found) return h('div', { class: 'muted' }, `${evidenceLabel(item)}: ${t('ks.evidenceMissing')}`);
      if (item.alert) {
        const a = item.alert;
        return h('div', {}, `${t(`rule.${a.rule}`)} · ${fmtTime(a.startedAtMs)} · ${english && a.summaryEn ? a.summaryEn : a.summary}`);
      }
      if (item.day) {
        const d = item.day;
        const rate = d.trackM > 0 ? `${((d.completeTrackM / d.trackM) * 100).toFixed(2)}%` : '—';
        return h('div', {}, `${d.day} · ${(d.trackM / 1000).toFixed(1)} km · ${rate} · ${d.valid}/${d.received}`);
      }
      return h('div', {}, `${t('ks.evidence')}: ${evidenceLabel(item)}`);
    });
  }

  private releaseDialog(entryId: string): HTMLElement {
    const comment = h('textarea', {
      name: 'comment',
      rows: 2,
      maxlength: 2000,
      'data-testid': 'ks-release-comment',
      'data-i18n-placeholder': 'ks.releaseComment',
      placeholder: t('ks.releaseComment'),
    });
    const error = h('p', { class: 'case-error', 'data-testid': 'ks-release-error' });
    return h(
      'form',
      {
        class: 'ks-release-form',
        role: 'dialog',
        novalidate: true,
        'data-testid': 'ks-release-dialog',
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached('key supervision', this.release(entryId, comment.value, error));
        },
      },
      h('label', {}, h('span', { i18n: 'ks.releaseComment' }), comment),
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary', i18n: 'ks.releaseConfirm', 'data-testid': 'ks-release-confirm' }),
        h('button', {
          type: 'button',
          i18n: 'ks.cancel',
          onclick: () => {
            this.releasing = undefined;
            this.render();
          },
        }),
      ),
      error,
    );
  }
}
