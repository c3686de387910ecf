import type { DiscoveredVehicleItem, LowerPlatformItem, SourceQualityItem } from '@roadwatch/contracts';
import { chinaDateOf, DAY_MS } from '@roadwatch/domain';
import type { Api } from '../api';
import { onLangChange, t } from '../i18n';
import { h, StatusLine } from './dom';

const percent = (rate: number | undefined): string => (rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/**
 * 下级平台 (issue #17, admin): the JT/T 809 lower platforms — online now, edition, enabled — the
 * vehicles they told of pending review, and the last 7 days' data quality by source (上线率,
 * 轨迹完整率, 数据合格率 of each platform's forwarded vehicles beside the JT/T 808 rest).
 */
export class LowerPlatformsPanel {
  readonly el: HTMLElement;
  private readonly status = new StatusLine('lower-platforms-status', (key) => key === 'lowerPlatforms.error');
  private readonly platformsTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-table' });
  private readonly qualityTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-quality' });
  private readonly vehiclesTable = h('table', { class: 'report-table', 'data-testid': 'lower-platforms-vehicles' });
  private platforms: LowerPlatformItem[] = [];
  private quality: SourceQualityItem[] = [];
  private vehicles: DiscoveredVehicleItem[] = [];

  constructor(private readonly api: Api) {
    this.el = h(
      'section',
      { class: 'reports lower-platforms', hidden: true, 'data-testid': 'lower-platforms' },
      h('h3', { i18n: 'lowerPlatforms.title' }),
      h('p', { class: 'report-note', i18n: 'lowerPlatforms.note' }),
      this.status.el,
      h('div', { class: 'report-scroll' }, this.platformsTable),
      h('h4', { i18n: 'lowerPlatforms.quality' }),
      h('div', { class: 'report-scroll' }, this.qualityTable),
      h('h4', { i18n: 'lowerPlatforms.vehicles' }),
      h('div', { class: 'report-scroll' }, this.vehiclesTable),
    );
    onLangChange(() => this.render());
  }

  async show(): Promise<void> {
    this.el.hidden = false;
    await this.load();
  }

  hide(): void {
    this.el.hidden = true;
  }

  async load(): Promise<void> {
    this.status.set('lowerPlatforms.loading');
    try {
      const toDate = chinaDateOf(Date.now());
      const fromDate = chinaDateOf(Date.now() - 6 * DAY_MS);
      [this.platforms, this.quality, this.vehicles] = await Promise.all([
        this.api.lowerPlatforms(),
        this.api.lowerPlatformQuality(fromDate, toDate),
        this.api.discoveredVehicles(),
      ]);
      this.status.set(this.platforms.length === 0 ? 'lowerPlatforms.empty' : undefined);
    } catch (e) {
      this.status.set('lowerPlatforms.error', e instanceof Error ? e.message : String(e));
    }
    this.render();
  }

  private render(): void {
    const head = (...keys: string[]) => h('thead', {}, h('tr', {}, ...keys.map((key) => h('th', {}, t(key)))));
    this.platformsTable.replaceChildren(
      head('lowerPlatforms.accessCode', 'lowerPlatforms.name', 'lowerPlatforms.edition', 'lowerPlatforms.online', 'lowerPlatforms.enabled'),
      h(
        'tbody',
        {},
        ...this.platforms.map((p) =>
          h(
            'tr',
            { 'data-testid': `lower-platform-${p.accessCode}` },
            h('td', {}, String(p.accessCode)),
            h('td', {}, p.name),
            h('td', {}, p.protocolVersion),
            h('td', {}, t(p.online ? 'lowerPlatforms.yes' : 'lowerPlatforms.no')),
            h('td', {}, t(p.enabled ? 'lowerPlatforms.yes' : 'lowerPlatforms.no')),
          ),
        ),
      ),
    );
    this.qualityTable.replaceChildren(
      head('lowerPlatforms.source', 'lowerPlatforms.vehicleCount', 'lowerPlatforms.onlineRate', 'lowerPlatforms.trackRate', 'lowerPlatforms.validRate'),
      h(
        'tbody',
        {},
        ...this.quality.map((q) =>
          h(
            'tr',
            { 'data-testid': `quality-${q.source}` },
            h('td', {}, q.source === 'jt808' ? t('lowerPlatforms.direct') : `${q.platformName ?? ''} (${q.source})`),
            h('td', {}, String(q.vehicles)),
            h('td', {}, percent(q.onlineRate)),
            h('td', {}, percent(q.trackCompletenessRate)),
            h('td', {}, percent(q.validRate)),
          ),
        ),
      ),
    );
    this.vehiclesTable.replaceChildren(
      head('lowerPlatforms.accessCode', 'card.plate', 'lowerPlatforms.review'),
      h(
        'tbody',
        {},
        ...this.vehicles.map((v) =>
          h('tr', {}, h('td', {}, String(v.accessCode)), h('td', {}, v.plate), h('td', {}, t(`lowerPlatforms.review.${v.reviewStatus}`))),
        ),
      ),
    );
  }
}
