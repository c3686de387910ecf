import type { AlertItem } from '@roadwatch/contracts';
import { AlertFeed, cueFor } from '../feed/alert-feed';
import { beep, isMuted, setMuted } from '../feed/beep';
import { onLangChange, t } from '../i18n';
import { fmtTime, h } from './dom';

/** The alert feed beside the map: newest first, severe rows flash and beep once. */
export class FeedPanel {
  readonly feed = new AlertFeed();
  readonly el: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly flashing = new Set<string>();

  constructor(private readonly onSelect: (a: AlertItem) => void, private readonly onChange: () => void) {
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

  private render(): void {
    const items = this.feed.items();
    if (items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'feed-empty', i18n: 'feed.empty' }));
      return;
    }
    this.list.replaceChildren(
      ...items.map((a) => {
        const cue = cueFor(a);
        const cls = ['feed-row', `cue-${cue.level}`, `sev-${a.severity}`, this.flashing.has(a.alertId) ? 'flash' : '', a.ack ? 'acked' : ''].filter(Boolean).join(' ');
        return h(
          'li',
          { class: cls, 'data-alert-id': a.alertId, 'data-vehicle-id': a.vehicleId, onclick: () => this.onSelect(a) },
          h('div', { class: 'row-top' }, h('span', { class: 'plate' }, a.plate ?? a.vehicleId), h('span', { class: 'sev' }, t(`severity.${a.severity}`)), h('time', {}, fmtTime(a.raisedAtMs))),
          h('div', { class: 'rule' }, t(`rule.${a.rule}`), cue.baiDunWang ? h('strong', { class: 'bdw' }, ` · ${t('alert.baiDunWang')}`) : undefined),
          h('div', { class: 'summary' }, a.summary),
        );
      }),
    );
  }
}
