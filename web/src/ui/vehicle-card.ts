import type { AlertItem, VehicleListItem } from '@roadwatch/contracts';
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
  /** Routes and areas sent to the terminal and its own alarms (issue #16 item 6), for the roles that may read them. */
  geofences?: { el: HTMLElement; open(vehicleId: string): void };
}

/**
 * The vehicle card: plate, company, driver, speed, driving time today, open alerts.
 * Driver (the latest report's IC card) and today's driving (the daily aggregate's
 * estimate) come from `GET /v1/vehicles/:id` on opening; without them the card says "—".
 */
/** Hours as "≈ 3 h 05 min" (an estimate, and said to be one). */
export const drivingTime = (hours: number): string => {
  const minutes = Math.round(hours * 60);
  return `≈ ${Math.floor(minutes / 60)} ${t('unit.hours')} ${String(minutes % 60).padStart(2, '0')} ${t('unit.minutes')}`;
};

export class VehicleCard {
  readonly el = h('aside', { class: 'vehicle-card', hidden: true, 'data-testid': 'vehicle-card' });
  private vehicleId: string | undefined;
  private openAlerts: AlertItem[] | undefined;
  private details: VehicleListItem | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: CardDeps) {
    onLangChange(() => this.render());
  }

  async open(vehicleId: string): Promise<void> {
    this.vehicleId = vehicleId;
    this.openAlerts = undefined;
    this.details = undefined;
    this.el.hidden = false;
    this.render();
    clearInterval(this.timer);
    // Refresh the values in place each second; the card's structure (and its buttons) stays.
    this.timer = setInterval(() => this.update(), 1000);
    this.deps.geofences?.open(vehicleId);
    void this.deps.api
      .vehicle(vehicleId)
      .then((details) => {
        if (this.vehicleId !== vehicleId) return;
        this.details = details;
        this.update();
      })
      .catch((e) => console.warn('[card] vehicle', e));
    try {
      const alerts = await this.deps.api.alerts({ vehicleId, limit: 50 });
      if (this.vehicleId === vehicleId) {
        this.openAlerts = alerts.filter((a) => a.vehicleId === vehicleId && a.ack === null && a.endedAtMs === undefined);
        this.update();
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

  private readonly values = new Map<string, HTMLElement>();

  private render(): void {
    if (!this.vehicleId) return;
    const v = this.deps.vehicle(this.vehicleId);
    if (!v) return;
    this.values.clear();
    const row = (key: string) => {
      const dd = h('dd', {});
      this.values.set(key, dd);
      return h('div', { class: 'kv' }, h('dt', {}, t(key)), dd);
    };
    this.el.replaceChildren(
      h(
        'header',
        {},
        h('h3', { class: 'plate', 'data-testid': 'card-plate' }, v.plate),
        h('button', { type: 'button', class: 'close', title: t('card.close'), onclick: () => this.close() }, '×'),
      ),
      h(
        'dl',
        {},
        ...['card.class', 'card.status', 'card.company', 'card.driver', 'card.speed', 'card.drivingToday', 'card.lastReport', 'card.openAlerts'].map(row),
      ),
      h('button', { type: 'button', class: 'primary', onclick: () => this.vehicleId && this.deps.onPlayback(this.vehicleId) }, t('card.playback')),
      ...(this.deps.geofences ? [this.deps.geofences.el] : []),
    );
    this.update();
  }

  private update(): void {
    if (!this.vehicleId) return;
    const v = this.deps.vehicle(this.vehicleId);
    if (!v) return;
    const status = drawnStatus(v, this.deps.alarmIds(), Date.now());
    const open = this.openAlerts ?? this.deps.openAlertsFromFeed(v.vehicleId);
    const set = (key: string, value: Node | string) => {
      const dd = this.values.get(key);
      if (!dd) return;
      if (typeof value === 'string') {
        if (dd.textContent !== value) dd.textContent = value;
      } else dd.replaceChildren(value);
    };
    set('card.class', t(`class.${v.vehicleClass}`));
    set('card.status', h('span', { class: `status status-${status}` }, t(`status.${status}`)));
    set('card.company', v.companyName ?? v.companyId ?? '—');
    // Only what the API knows: the latest report's IC card, the daily aggregate's estimate.
    const driver = this.details?.driver;
    set('card.driver', driver ? (driver.name ? `${driver.name} (${driver.driverId})` : driver.driverId) : '—');
    set('card.speed', v.fix ? `${v.fix.speedKmh.toFixed(0)} ${t('unit.kmh')}` : '—');
    set('card.drivingToday', this.details?.today ? drivingTime(this.details.today.drivingHoursEstimate) : '—');
    set('card.lastReport', v.fix ? fmtTime(v.fix.deviceTimeMs) : '—');
    set(
      'card.openAlerts',
      open.length === 0
        ? t('card.none')
        : h(
            'ul',
            { class: 'open-alerts' },
            ...open.slice(0, 5).map((a) => h('li', { class: `sev-${a.severity}` }, `${t(`rule.${a.rule}`)} · ${fmtTime(a.raisedAtMs)}`)),
          ),
    );
  }
}
