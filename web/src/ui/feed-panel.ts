import type { AlertAckEvent, AlertItem } from '@roadwatch/contracts';
import { AlertFeed, backfilledLabel, cueFor, summaryFor } from '../feed/alert-feed';
import { beep, isMuted, setMuted } from '../feed/beep';
import { lang, onLangChange, t } from '../i18n';
import { detached, fmtTime, h } from './dom';
import { errorText } from './panel';

/** The alert feed beside the map: newest first, severe rows flash and beep once. */
export class FeedPanel {
  readonly feed = new AlertFeed();
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly flashing = new Set<string>();

  /** The alert whose acknowledgement form is open, and its comment box (kept across re-renders). */
  private ackOpen: { alertId: string; input: HTMLInputElement; error: HTMLElement } | undefined;

  constructor(
    private readonly onSelect: (a: AlertItem) => void,
    private readonly onChange: () => void,
    /** Absent for roles that may not acknowledge (no button then). */
    private readonly ack?: (alertId: string, comment: string) => Promise<AlertItem>,
  ) {
    this.list = h('ol', { class: 'feed-list', 'data-testid': 'alert-feed' });
    const mute = h('button', { class: 'mute', type: 'button' });
    const label = () => (mute.textContent = t(isMuted() ? 'feed.unmute' : 'feed.mute'));
    mute.addEventListener('click', () => {
      setMuted(!isMuted());
      label();
    });
    label();
    onLangChange(() => {
      label();
      this.render();
    });
    this.el = h('section', { class: 'feed' }, h('header', {}, h('h3', { i18n: 'feed.title' }), mute), this.list);
    this.render();
  }

  load(items: AlertItem[]): void {
    for (const a of items) this.feed.upsert(a);
    this.render();
    this.onChange();
  }

  push(a: AlertItem): void {
    const r = this.feed.upsert(a);
    if (r.stale) return;
    if (r.cue.sound) beep();
    if (r.cue.flash) {
      this.flashing.add(a.alertId);
      // Flash for 10 s, then stay marked severe without blinking.
      setTimeout(() => {
        this.flashing.delete(a.alertId);
        this.list.querySelector(`[data-alert-id="${CSS.escape(a.alertId)}"]`)?.classList.remove('flash');
      }, 10_000);
    }
    this.render();
    this.onChange();
  }

  /** An acknowledgement from the live feed (this or another operator). */
  applyAck(event: AlertAckEvent): void {
    if (!this.feed.applyAck(event.alertId, event.ack)) return;
    if (this.ackOpen?.alertId === event.alertId) this.ackOpen = undefined;
    this.render();
    this.onChange();
  }

  private ackControls(a: AlertItem): HTMLElement | undefined {
    if (a.ack) return h('div', { class: 'acked-by' }, `${t('feed.acked')} · ${a.ack.byUsername} · ${a.ack.comment}`);
    const ack = this.ack;
    if (!ack) return undefined;
    const stop = (e: Event) => e.stopPropagation();
    if (this.ackOpen?.alertId !== a.alertId) {
      return h(
        'button',
        {
          type: 'button',
          class: 'ack-btn',
          onclick: (e: Event) => {
            stop(e);
            const input = h('input', { name: 'comment', required: true, maxlength: 2000, placeholder: t('feed.ackComment'), onclick: stop });
            this.ackOpen = { alertId: a.alertId, input, error: h('span', { class: 'ack-error' }) };
            this.render();
            input.focus();
          },
        },
        t('feed.ack'),
      );
    }
    const { input, error } = this.ackOpen;
    const acknowledge = async (): Promise<void> => {
      const comment = input.value.trim();
      if (!comment) return;
      try {
        const updated = await ack(a.alertId, comment);
        if (updated.ack) this.applyAck({ alertId: updated.alertId, vehicleId: updated.vehicleId, ack: updated.ack });
      } catch (err) {
        error.textContent = `${t('feed.ackFailed')}: ${errorText(err)}`;
      }
    };
    return h(
      'form',
      {
        class: 'ack-form',
        onclick: stop,
        onsubmit: (e: Event) => {
          e.preventDefault();
          detached('acknowledge', acknowledge());
        },
      },
      input,
      h('button', { type: 'submit' }, t('feed.ackSubmit')),
      error,
    );
  }

  private render(): void {
    const items = this.feed.items();
    if (items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'feed-empty', i18n: 'feed.empty' }));
      return;
    }
    this.list.replaceChildren(
      ...items.map((a) => {
        const cue = cueFor(a);
        const cls = [
          'feed-row',
          `cue-${cue.level}`,
          `sev-${a.severity}`,
          this.flashing.has(a.alertId) ? 'flash' : '',
          a.ack ? 'acked' : '',
          cue.backfilled ? 'backfilled' : '',
        ]
          .filter(Boolean)
          .join(' ');
        return h(
          'li',
          { class: cls, 'data-alert-id': a.alertId, 'data-vehicle-id': a.vehicleId, onclick: () => this.onSelect(a) },
          h(
            'div',
            { class: 'row-top' },
            h('span', { class: 'plate' }, a.plate ?? a.vehicleId),
            h('span', { class: 'sev' }, t(`severity.${a.severity}`)),
            h('time', {}, fmtTime(a.raisedAtMs)),
          ),
          h(
            'div',
            { class: 'rule' },
            t(`rule.${a.rule}`),
            cue.baiDunWang ? h('strong', { class: 'bdw' }, ` · ${t('alert.baiDunWang')}`) : undefined,
            // 重点监管: the severity shown is raised one step; the badge says why.
            a.keySupervised ? h('strong', { class: 'ks-badge', 'data-testid': 'ks-badge' }, ` · ${t('ks.mapBadge')}`) : undefined,
          ),
          a.receivedLateByMs !== undefined ? h('div', { class: 'backfilled-note' }, backfilledLabel(a.receivedLateByMs, lang())) : undefined,
          h('div', { class: 'summary' }, summaryFor(a, lang())),
          this.ackControls(a),
        );
      }),
    );
  }
}
