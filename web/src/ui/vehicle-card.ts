import type { AlertItem } from '@roadwatch/contracts';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { drawnStatus, type VehicleState } from '../map/vehicle-store';
import { fmtTime, h } from './dom';

export interface CardDeps {
  api: Api;
  vehicle: (id: string) => VehicleState | undefined;
  alarmIds: () => ReadonlySet<string>;
  openAlertsFromFeed: (id: string) => AlertItem[];
  onPlayback: (id: string) => void;
}

/**
 * The vehicle card: plate, company, driver, speed, driving time today, open alerts.
 * Driver and driving time are not in the API's vehicle DTO yet, so they show "—"
 * (no invented values) until contracts carry them.
 */
export class VehicleCard {
  readonly el = h('aside', { class: 'vehicle-card', hidden: true, 'data-testid': 'vehicle-card' });
  private vehicleId: string | undefined;
  private openAlerts: AlertItem[] | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: CardDeps) {
    onLangChange(() => this.render());
  }

  async open(vehicleId: string): Promise<void> {
    this.vehicleId = vehicleId;
    this.openAlerts = undefined;
    this.el.hidden = false;
    this.render();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.render(), 1000);
    try {
      const alerts = await this.deps.api.alerts({ vehicleId, limit: 50 });
      if (this.vehicleId === vehicleId) {
        this.openAlerts = alerts.filter((a) => a.vehicleId === vehicleId && a.ack === null && a.endedAtMs === undefined);
        this.render();
      }
    } catch (e) {
      console.warn('[card] alerts', e);
    }
  }

  close(): void {
    this.vehicleId = undefined;
    this.el.hidden = true;
    clearInterval(this.timer);
  }

  private render(): void {
    if (!this.vehicleId) return;
    const v = this.deps.vehicle(this.vehicleId);
    if (!v) return;
    const status = drawnStatus(v, this.deps.alarmIds(), Date.now());
    const open = this.openAlerts ?? this.deps.openAlertsFromFeed(v.vehicleId);
    const row = (key: string, value: Node | string) => h('div', { class: 'kv' }, h('dt', {}, t(key)), h('dd', {}, value));
    this.el.replaceChildren(
      h('header', {}, h('h3', { class: 'plate', 'data-testid': 'card-plate' }, v.plate), h('button', { type: 'button', class: 'close', title: t('card.close'), onclick: () => this.close() }, '×')),
      h(
        'dl',
        {},
        row('card.class', t(`class.${v.vehicleClass}`)),
        row('card.status', h('span', { class: `status status-${status}` }, t(`status.${status}`))),
        row('card.company', v.companyName ?? v.companyId ?? '—'),
        row('card.driver', '—'),
        row('card.speed', v.fix ? `${v.fix.speedKmh.toFixed(0)} ${t('unit.kmh')}` : '—'),
        row('card.drivingToday', '—'),
        row('card.lastReport', v.fix ? fmtTime(v.fix.deviceTimeMs) : '—'),
        row(
          'card.openAlerts',
          open.length === 0 ? t('card.none') : h('ul', { class: 'open-alerts' }, ...open.slice(0, 5).map((a) => h('li', { class: `sev-${a.severity}` }, `${t(`rule.${a.rule}`)} · ${fmtTime(a.raisedAtMs)}`))),
        ),
      ),
      h('button', { type: 'button', class: 'primary', onclick: () => this.vehicleId && this.deps.onPlayback(this.vehicleId) }, t('card.playback')),
    );
  }
}
