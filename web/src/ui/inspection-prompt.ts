import type { InspectionItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { clockOffsetMsOf, countdownOf, InspectionAsks, ownRow } from '../inspection/inspection-view';
import { detached, h } from './dom';
import { errorText } from './panel';

/**
 * The company user's 查岗 prompt (RULES §9): as soon as a 查岗 reaches the company (the live
 * `inspection` event, or the open ones listed at sign-in for a user who was offline), a box over
 * the map shows the question, a countdown on the server's clock and the answer field. "Later"
 * hides it until the next 查岗; the 查岗 tab still lists it (and takes a late answer).
 */
export class InspectionPrompt {
  readonly el: HTMLElement;
  private readonly asks: InspectionAsks;
  /** Server clock minus the browser's, from the last item the server stamped. */
  private offsetMs = 0;
  private readonly question = h('p', { class: 'inspection-prompt-q', 'data-testid': 'inspection-prompt-question' });
  private readonly countdown = h('strong', { class: 'inspection-countdown', 'data-testid': 'inspection-countdown' });
  private readonly remainingLabel = h('span', { i18n: 'inspection.prompt.remaining' });
  private readonly answer = h('textarea', { rows: 3, maxlength: 2000, 'data-testid': 'inspection-prompt-answer' });
  private readonly error = h('p', { class: 'case-error', 'data-testid': 'inspection-prompt-error' });
  private readonly timer: ReturnType<typeof setInterval>;
  private busy = false;

  constructor(
    private readonly api: Api,
    private readonly companyId: string,
    private readonly onAnswered: (item: InspectionItem) => void,
  ) {
    this.asks = new InspectionAsks(companyId);
    this.el = h(
      'div',
      { class: 'inspection-prompt', hidden: true, role: 'alertdialog', 'data-testid': 'inspection-prompt' },
      h('h3', { i18n: 'inspection.prompt.title' }),
      this.question,
      h('p', { class: 'inspection-remaining' }, this.remainingLabel, ' ', this.countdown),
      this.answer,
      this.error,
      h(
        'div',
        { class: 'buttons' },
        h('button', {
          type: 'button',
          class: 'primary',
          i18n: 'inspection.submitAnswer',
          'data-testid': 'inspection-prompt-submit',
          onclick: () => detached('inspection prompt', this.submit()),
        }),
        h('button', { type: 'button', i18n: 'inspection.prompt.later', 'data-testid': 'inspection-prompt-later', onclick: () => (this.el.hidden = true) }),
      ),
    );
    this.timer = setInterval(() => this.tick(), 1_000);
    onLangChange(() => this.tick());
  }

  /** The open 查岗 of the company, for a user who was offline when they were sent. */
  async loadOpen(): Promise<void> {
    const receivedAtMs = Date.now();
    const open = await this.api.inspections({ state: 'open' });
    if (open[0]) this.offsetMs = clockOffsetMsOf(open[0], receivedAtMs);
    for (const item of open) this.enqueue(item, false);
    this.showFirst();
  }

  /** A 查岗 just sent to the company (live): shown at once. */
  arrived(item: InspectionItem): void {
    this.offsetMs = clockOffsetMsOf(item, Date.now());
    this.enqueue(item, true);
    this.showFirst();
  }

  /** Answered elsewhere (the 查岗 tab, another screen of the company): no longer asked. */
  answered(item: InspectionItem): void {
    this.asks.markAnswered(item.inspectionId);
    this.showFirst();
  }

  destroy(): void {
    clearInterval(this.timer);
  }

  private enqueue(item: InspectionItem, show: boolean): void {
    // A new 查岗 brings the prompt back, whichever is first in the queue.
    if (this.asks.add(item) && show) this.el.hidden = false;
  }

  private showFirst(): void {
    const first = this.asks.first;
    if (!first) {
      this.el.hidden = true;
      return;
    }
    if (this.el.dataset.inspection !== first.inspectionId) {
      this.el.dataset.inspection = first.inspectionId;
      this.question.textContent = first.question;
      this.answer.value = '';
      this.error.textContent = '';
      // A 查岗 not shown before is shown, even after "Later" hid the previous one.
      this.el.hidden = false;
    }
    this.tick();
  }

  private tick(): void {
    const first = this.asks.first;
    const row = first ? ownRow(first, this.companyId) : undefined;
    if (!row) return;
    const left = countdownOf(row.windowEndsAtMs, Date.now() + this.offsetMs);
    this.countdown.textContent = left ?? t('inspection.prompt.overdue');
    this.countdown.classList.toggle('overdue', left === null);
  }

  private async submit(): Promise<void> {
    const first = this.asks.first;
    if (!first || this.busy) return;
    if (this.answer.value.trim() === '') {
      this.error.textContent = t('inspection.issue.answer');
      return;
    }
    this.busy = true;
    try {
      const answered = await this.api.answerInspection(first.inspectionId, this.answer.value);
      this.answered(answered);
      this.onAnswered(answered);
    } catch (e) {
      this.error.textContent = `${t('inspection.answerFailed')}: ${errorText(e)}`;
    } finally {
      this.busy = false;
    }
  }
}
